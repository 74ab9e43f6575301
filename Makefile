# Two commands on a fresh machine: `make serve` and `make test`. Everything else is set up on the way.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
PYTHON  ?= python3

.PHONY: serve test lint system-deps node-deps bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

node-deps:
	test -f node_modules/axe-core/axe.min.js -a -d node_modules/scorm-again -a -d node_modules/gift-pegjs || npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@4 scorm-again@3 gift-pegjs@1

serve: $(STAMP)
	$(VENV)/bin/trainer check
	$(VENV)/bin/trainer db upgrade
	$(VENV)/bin/trainer serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# The suite in one process per (logical) core, each test file whole in one of them (its module fixtures built
# once): 9 minutes instead of 14 on two cores. `pytest` alone runs in one process. The 20 slowest
# tests are listed at the end, to see where the time goes when the suite grows.
test: $(STAMP) system-deps node-deps lint
	$(VENV)/bin/pytest -n logical --dist loadfile --durations=20

bench: $(STAMP)
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache

.PHONY: messages
# Extract interface strings into trainer/locales/messages.pot and merge them into the fr and ar catalogs.
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _l --no-location --sort-output --project=trainer --version=0.1.0 --copyright-holder=trainer -o trainer/locales/messages.pot .
	for lang in fr ar; do $(VENV)/bin/pybabel -q update -i trainer/locales/messages.pot -d trainer/locales -l $$lang -w 100; done
