# One-command workflows. Every target sets up .venv by itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format clean setup app translations

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned first so that pip takes the local CPU-capable wheels, not a newer CUDA build.
	$(PY) -m pip install --quiet "torch==2.14.1" "torchvision==0.29.1"
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/cnnstudio gui $(ARGS)

# The gates first, in order (napari's CI does the same); any failing one fails `make test`.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

# The one-folder desktop app in dist/cnnstudio/, then a smoke test of every command on it.
app: $(STAMP)
	$(PY) -m pip install --quiet -e ".[package]"
	$(VENV)/bin/pyinstaller packaging/cnnstudio.spec --noconfirm
	$(PY) packaging/smoke_test.py dist/cnnstudio/cnnstudio

# Re-extract the marked strings into the Linguist source (docs/ARCHITECTURE.md, "Translations").
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -extensions py -no-obsolete -locations none cnnstudio -ts cnnstudio/translations/cnnstudio_pt_BR.ts

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
