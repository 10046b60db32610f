# The two commands of the README: `make run` (demo app) and `make test` (lint, then the whole suite).
# `make lint` alone: ruff on the whole repository, mypy strict on voting/ (configuration in pyproject.toml).
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
DEMO ?=
# Where `make run` listens: this machine only by default; HOST=0.0.0.0 serves the LAN (README, "Joining the hall").
HOST ?= 127.0.0.1
PORT ?= 5000
BASE_URL = $(PY) -c 'import os, voting.config as c; print(c.served_base_url("$(HOST)", $(PORT), os.environ))'

.PHONY: run test lint bench

$(VENV)/installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

instance/secret_key:
	mkdir -p instance
	python3 -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

# The demo may keep a loopback PUBLIC_BASE_URL (LUANLUU_DEMO=1); unset, it is derived from HOST and PORT.
run: export LUANLUU_DEMO = 1
run: $(VENV)/installed instance/secret_key
	$(FLASK) db upgrade
	PUBLIC_BASE_URL="$$($(BASE_URL))" $(FLASK) demo $(DEMO)
	test -f instance/demo-ben-nhan.p12 || LUANLUU_CA_PASSPHRASE="$${LUANLUU_CA_PASSPHRASE:-luanluu-demo-ca}" \
	  $(FLASK) pki issue-p12 --name "Hoàng Quốc Việt" --title "Trưởng phòng Công tác chính trị" \
	  --password bennhan2016 --out instance/demo-ben-nhan.p12
	@echo "Địa chỉ công khai (public base URL): $$($(BASE_URL))"
	PUBLIC_BASE_URL="$$($(BASE_URL))" $(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The lint first: the README's one test command checks style and types as well as behaviour.
test: $(VENV)/installed lint
	$(PY) -m pytest

# Benchmarks (figures, not tests): SQLite, plus PostgreSQL when BENCH_DATABASE_URL names a *bench* database.
bench: $(VENV)/installed
	$(PY) -m bench
