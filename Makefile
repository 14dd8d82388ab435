# s3emu developer commands. Every target sets up its own virtual environment first.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 9000
PYTEST_ARGS ?=

.PHONY: venv test serve bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -rf *.egg-info  # build leftovers would shadow the installed entry points on PYTHONPATH=.
	touch $@

venv: $(VENV)/.installed

test: venv
	$(PY) -m pytest -q $(PYTEST_ARGS)

serve: venv
	$(VENV)/bin/s3emu serve --host $(HOST) --port $(PORT)

bench: venv
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
