# The two commands of the README, and the few others people need.
PYTHON ?= python3
PIP = $(PYTHON) -m pip

.PHONY: demo test install install-test-deps check lint messages benchmarks fuzz

## Command 1: install lakou and run the demo on the embedded defaults (SQLite, DuckDB).
demo: install
	$(PYTHON) -m lakou demo

install:
	$(PIP) install --quiet --upgrade "pip>=25.1"
	$(PIP) install --quiet -e .

## Command 2: install everything the tests need (Debian and PyPI) and run the whole suite.
test: install-test-deps
	$(PYTHON) -m pytest --durations=40

install-test-deps:
	bash scripts/install-test-deps

check: lint
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check src tests benchmarks
	$(PYTHON) -m ruff format --check src tests benchmarks
	$(PYTHON) -m mypy

## Collect translatable strings and compile the catalogues (needs Debian's gettext).
messages:
	cd src/lakou && django-admin makemessages -l fr -l en -l es --settings=lakou.portal.settings --ignore 'migrations/*'
	cd src/lakou && django-admin compilemessages --settings=lakou.portal.settings

benchmarks:
	$(PYTHON) -m benchmarks

## The fuzz suite at 20x its CI size (nightly): every reader through the command line.
fuzz:
	LAKOU_FUZZ_SCALE=$${LAKOU_FUZZ_SCALE:-20} LAKOU_FUZZ_REPORT=$${LAKOU_FUZZ_REPORT:-fuzz-counts.json} \
		$(PYTHON) -m pytest -q tests/fuzz
