# The two commands of the README. Both set everything up from nothing.
#   make run   — install the library and the service (at the versions of requirements/service.lock),
#                load the demo alliance into the default database and start the service on PORT
#                (make run PORT=8101; default 8000)
#   make test  — install everything (.[service,batch,test]), lint and type-check, make sure PostgreSQL
#                and Chromium are there, run the tests
# CI (.ci/run) also runs, after make test:
#   make test-core    — the library alone: `pip install .` into a fresh venv, `import netz`, `netz report`
#                       with no FastAPI or SQLAlchemy there (scripts/check-core-install.sh)
#   make test-lowest  — the library's tests on the lowest versions pyproject.toml allows (.venv-lowest)
# and by hand:
#   make lock         — remake requirements/service.lock from PyPI after changing a dependency

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LOWEST ?= .venv-lowest
PORT   ?= 8000

# What test-lowest runs: the library's tests and doctests (numpy, scipy, pandas, networkx, igraph,
# openpyxl, defusedxml, tqdm, pyarrow at their lowest), about 2 minutes. Not the service's (tests/api:
# half of them need PostgreSQL, and routes/test_system.py reads FastAPI internals 0.115 does not have)
# nor the browser's (tests/browser: Chromium, slow); make test runs both on the newest versions.
LOWEST_TESTS ?= --ignore=tests/api --ignore=tests/browser

.PHONY: run test test-core test-lowest lock lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[service,batch,test]"
	touch $@

$(VENV)/.installed: pyproject.toml requirements/service.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements/service.lock -e ".[service]"
	touch $@

run: $(VENV)/.installed
	-bash scripts/ensure-pango.sh $(BIN)/python
	$(BIN)/netz serve --demo datasets/demo-buendnis --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-pango.sh $(BIN)/python
	$(BIN)/python -m pytest

test-core:
	bash scripts/check-core-install.sh $(PYTHON)

# uv (from PyPI, with the test and pdf extras) resolves every direct dependency to the lowest version allowed.
$(LOWEST)/.installed: pyproject.toml | $(VENV)/.installed-test
	$(BIN)/uv venv --quiet --clear --python $(PYTHON) $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e ".[test,pdf]"
	touch $@

test-lowest: $(LOWEST)/.installed
	$(BIN)/uv pip list --quiet --python $(LOWEST)/bin/python | grep -iE '^(numpy|scipy|pandas|networkx|igraph|openpyxl) '
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider $(LOWEST_TESTS)

lock: $(VENV)/.installed-test
	$(BIN)/uv pip compile pyproject.toml --extra service --universal --python-version 3.11 \
		-o requirements/service.lock

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .mypy_cache .ruff_cache .hypothesis
