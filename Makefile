# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the project virtualenv (.venv) on first use and installs gongkai into it with the
# pinned versions in constraints.txt.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.gongkai-installed
PYTEST_ARGS ?=

.PHONY: demo test venv clean bench-venvs

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

# The benchmark's peer contenders, each in a venv of its own from a pinned requirements file
# (scrapy-webarchive needs Scrapy < 2.12, warcprox cryptography < 46); crawl_bench.py makes them
# on first use too.
bench-venvs: $(STAMP)
	$(BIN)/python -c "import sys; sys.path.insert(0, 'bench'); import crawl_bench as b; [b.peer_venv(n) for n in b.PEER_REQUIREMENTS]"

clean:
	rm -rf gongkai-data .pytest_cache .hypothesis
