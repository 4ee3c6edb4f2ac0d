# The demo host and the module's development tasks. Everything runs from .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYBABEL := $(BIN)/pybabel
EXTRACT := extract -F babel.cfg -k _ -k gettext -k lazy_gettext -k ngettext:1,2 --no-wrap --sort-by-file
# The demo's instance folder (database, outbox, exports, development secret key).
INSTANCE := $(or $(DEMO_INSTANCE_PATH),instance)
LOGINS := admin@fjord.test officer@fjord.test staff@fjord.test admin@nordlys.test officer@nordlys.test staff@nordlys.test operator@saas.test

# The lowest versions setup.cfg allows (constraints-floors.txt), in a venv of their own.
FLOORS_VENV := .venv-floors
FLOORS_TESTS := tests/test_foundation*.py tests/test_rights.py \
	tests/test_duplicates_service.py tests/test_jobs_optional_rq.py tests/test_floors.py

.PHONY: help venv install catalogs translations run seed migrate test test-floors lint bench clean

help:
	@echo "make run           venv, install, migrate, seed, serve the demo on http://127.0.0.1:5000"
	@echo "make test          venv, install, ruff, pytest"
	@echo "make test-floors   a fast subset against the lowest allowed dependencies"
	@echo "make translations  extract strings, update the nb catalogs, compile"
	@echo "make bench         run the benchmarks (one JSON line each)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

install: venv
	$(BIN)/pip install -q -e '.[test,demo]'

# Compile every catalog (module and demo); .mo files are not committed.
catalogs: venv
	$(PYBABEL) compile -f -D tenant_privacy -d tenant_privacy/translations
	$(PYBABEL) compile -f -D messages -d demo/translations

# Extract, update the Bokmål catalogs, compile. Translate new entries in the .po files.
translations: venv
	$(PYBABEL) $(EXTRACT) --project tenant_privacy -o tenant_privacy/translations/messages.pot tenant_privacy
	$(PYBABEL) update --no-wrap -D tenant_privacy -l nb -i tenant_privacy/translations/messages.pot -d tenant_privacy/translations
	$(PYBABEL) $(EXTRACT) --project demo -o demo/translations/messages.pot demo templates
	$(PYBABEL) update --no-wrap -D messages -l nb -i demo/translations/messages.pot -d demo/translations
	$(MAKE) catalogs

# A secret key for this machine's demo, made once (create_app refuses to start without
# one; production sets SECRET_KEY in the environment instead, which wins over the file).
$(INSTANCE)/secret_key: | install
	$(BIN)/python -c 'import sys, demo; demo.write_secret_key_file(sys.argv[1])' $@

migrate: install catalogs $(INSTANCE)/secret_key
	$(FLASK) db upgrade heads

seed: migrate
	$(FLASK) demo seed

run: seed
	@echo
	@echo "Demo logins (password: demo):"
	@for login in $(LOGINS); do echo "  $$login"; done
	@echo
	$(FLASK) run -h 127.0.0.1 -p 5000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# test-floors adds about a minute (its own venv, then ~30 s of tests)
test: install catalogs lint
	$(BIN)/pytest
	$(MAKE) test-floors

# Install against the floor of every direct dependency and run a fast subset.
$(FLOORS_VENV)/bin/python:
	$(PYTHON) -m venv $(FLOORS_VENV)

test-floors: $(FLOORS_VENV)/bin/python
	$(FLOORS_VENV)/bin/pip install -q -c constraints-floors.txt -e '.[test,demo]'
	$(FLOORS_VENV)/bin/pybabel compile -f -D tenant_privacy -d tenant_privacy/translations
	$(FLOORS_VENV)/bin/pybabel compile -f -D messages -d demo/translations
	$(FLOORS_VENV)/bin/pytest -q -p no:cacheprovider -m "not browser" $(FLOORS_TESTS)

bench: install catalogs
	$(BIN)/pip install -q -e '.[test,demo,bench]'
	@set -e; for script in bench/*.py; do echo "# $$script"; $(BIN)/python $$script; done

clean:
	rm -rf instance .pytest_cache .ruff_cache $(FLOORS_VENV)
	find . -name '*.mo' -not -path './$(VENV)/*' -delete
