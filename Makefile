# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the project virtualenv (.venv) on first use and installs gongkai into it with the
# pinned versions in constraints.txt.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.gongkai-installed
PYTEST_ARGS ?=

.PHONY: demo test venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,research,browse]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/gongkai demo

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf gongkai-data .pytest_cache .hypothesis
