# heartmind quick start:
#   make demo   set up .venv and run the demo on simulated sensors
#   make test   set up .venv and run the whole test suite (lint, types, tests)
# Set-up uses pip (uv ignores the local CPU torch build) with constraints.txt (torch==2.13.0).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.heartmind-setup
EXAMPLE_PLUGIN := examples/heartmind-csv
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: setup demo test lint typecheck pytest system-deps clean

$(STAMP): pyproject.toml constraints.txt $(wildcard $(EXAMPLE_PLUGIN)/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q -c constraints.txt -U pip "setuptools>=77" wheel
	$(PIP) install -q -c constraints.txt --config-settings editable_mode=strict -e ".[all,dev]"
	# Real recordings for tests, read from the installed wheels, never copied into the repo
	# (GPL data): pyhrv's BITalino ECG and heartpy's PPG. Installed as data only (--no-deps).
	$(PIP) install -q --no-deps pyhrv==0.5.0 heartpy==1.2.7
	touch $(STAMP)

# Always refresh the strict editable install (it links each module file) and the example
# third-party plugin, so new modules are importable; both are quick and fetch nothing.
setup: $(STAMP)
	scripts/relink
	@if [ -d $(EXAMPLE_PLUGIN) ]; then \
	  $(PIP) install -q --no-deps --no-build-isolation $(EXAMPLE_PLUGIN) 2>&1 | grep -v "^WARNING: Location" || true; fi

demo: setup
	$(BIN)/heartmind demo --out heartmind-demo-out

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# System packages the tests need: Xvfb and xdotool (keyboard/mouse capture is tested on a
# virtual X display). Installed with apt when missing (CI runs as root).
system-deps:
	@command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { \
	  echo "installing xvfb and xdotool (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xdotool; }

# Tests run in a network namespace with loopback only and LSL configured machine-only.
pytest: setup system-deps
	scripts/loopback-only $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info
