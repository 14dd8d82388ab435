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

# -- S3 clients beyond boto3 (tests_clients/): pyarrow, polars, DuckDB, s3fs, minio, smart_open,
# the AWS CLI, each against a live server. Opt-in: the clients are large, and aiobotocore pins
# botocore narrowly, so they get a virtual environment of their own instead of .venv.
CLIENTS_VENV ?= .venv-clients
CLIENTS_PY    = $(CLIENTS_VENV)/bin/python

.PHONY: test-clients clean-clients

$(CLIENTS_VENV)/.installed: setup.cfg pyproject.toml requirements-clients.txt
	$(PYTHON) -m venv $(CLIENTS_VENV)
	$(CLIENTS_PY) -m pip install --quiet --upgrade pip
	$(CLIENTS_PY) -m pip install --quiet -e '.[test]' -r requirements-clients.txt
	rm -rf *.egg-info
	touch $@

test-clients: $(CLIENTS_VENV)/.installed
	$(CLIENTS_PY) -m pytest -q -p no:cacheprovider tests_clients $(PYTEST_ARGS)

clean-clients:
	rm -rf $(CLIENTS_VENV)

clean: clean-clients
