# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the project virtualenv (.venv) on first use and installs gongkai into it with the
# pinned versions in constraints.txt. `make check` runs the unit tests alone (no crawl, no
# browser, no replay tool, no worker-process pool) in under two minutes.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.gongkai-installed
REPLAY_VENV ?= .venv-replay
REPLAY_STAMP := $(REPLAY_VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=
UNIT_TESTS := not e2e and not browser and not replay and not processes

.PHONY: demo test check setup venv replay-env chromium cjk-font clean bench-venvs

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,research,browse]'
	touch $(STAMP)

# What the whole suite needs besides the project's virtualenv; the tests themselves install
# nothing (they fail when CI=true, and skip elsewhere, if it is missing).
setup: $(STAMP) replay-env chromium cjk-font

# pywb, for the replay test, in a virtualenv of its own (its pins conflict with ours).
replay-env: $(REPLAY_STAMP)

$(REPLAY_STAMP): requirements-replay.txt
	rm -rf $(REPLAY_VENV)
	$(PYTHON) -m venv $(REPLAY_VENV)
	$(REPLAY_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-replay.txt
	touch $(REPLAY_STAMP)

# Debian's chromium, for the browser tests: installed with apt-get when missing and we are root
# (CI runs as root on a clean clone); otherwise say how to install it.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else \
		echo "note: $(CHROMIUM) is missing; the browser tests need it (as root: apt-get install chromium)" >&2; \
	fi

# A CJK font (Debian's fonts-noto-cjk) for Chromium to draw the Chinese of the NGO pages: the
# screenshots in docs/ (bench/screenshots.py) and the printed pages of the browser tests.
cjk-font:
	@if fc-list :lang=zh family 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq fonts-noto-cjk; \
	else \
		echo "note: no CJK font; bench/screenshots.py needs one (as root: apt-get install fonts-noto-cjk)" >&2; \
	fi

demo: $(STAMP)
	$(BIN)/gongkai demo

test: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/python -m pytest -q -m "$(UNIT_TESTS)" $(PYTEST_ARGS)

# The benchmarks' peer contenders, each in a venv of its own from a pinned requirements file
# (scrapy-webarchive needs Scrapy < 2.12, warcprox cryptography < 46; trafilatura + htmldate,
# the processing peer, are no dependency of gongkai's); the benchmarks make them on first use too.
bench-venvs: $(STAMP)
	$(BIN)/python bench/peer_venvs.py

clean:
	rm -rf gongkai-data .pytest_cache .hypothesis
