# The two commands of the README: `make run` (demo app) and `make test` (lint, then the whole suite).
# `make lint` alone: ruff on the whole repository, mypy strict on voting/ (configuration in pyproject.toml).
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
DEMO ?=

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

run: $(VENV)/installed instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) demo $(DEMO)
	test -f instance/demo-ben-nhan.p12 || LUANLUU_CA_PASSPHRASE="$${LUANLUU_CA_PASSPHRASE:-luanluu-demo-ca}" \
	  $(FLASK) pki issue-p12 --name "Hoàng Quốc Việt" --title "Trưởng phòng Công tác chính trị" \
	  --password bennhan2016 --out instance/demo-ben-nhan.p12
	$(FLASK) run --host 127.0.0.1 --port 5000

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
