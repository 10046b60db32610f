#!/usr/bin/env sh
# Extract the interface's strings (Vietnamese msgids) and merge them into the English catalogue.
set -eu
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output -o /tmp/luanluu.pot . >/dev/null
.venv/bin/pybabel update -i /tmp/luanluu.pot -d voting/translations -l en --no-fuzzy-matching --ignore-obsolete
