# s3emu developer commands. Every target sets up what it needs itself.
#
# What is tested is what users install: `make test` builds the sdist and, from it, the wheel,
# installs the wheel (not an editable install) into $(VENV) and runs the suite there with the
# venv's own `pytest` (which, unlike `python -m pytest`, does not put the checkout on sys.path).
PYTHON ?= python3
VENV   ?= .venv
DIST   ?= dist
PY      = $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 9000
PYTEST_ARGS ?=
SOURCES := $(shell find s3emu pytest_plugin -name '*.py' -o -name 'py.typed' -o -path '*/dashboard/static/*') \
           setup.py setup.cfg pyproject.toml README.md LICENSE

.PHONY: venv wheel install lint test test-browser serve bench smoke image image-test clean

# The dependencies (the `test` extra and the build tools), installed once per change of the
# packaging files; the package itself is replaced by the freshly built wheel on every run.
$(VENV)/.deps: setup.py setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet build 'setuptools>=61' wheel
	$(PY) -m pip install --quiet '.[test]'
	rm -rf build *.egg-info
	touch $@

venv: $(VENV)/.deps

# sdist first, then the wheel built from the sdist: a file the sdist leaves out breaks the wheel.
$(DIST)/.built: $(VENV)/.deps $(SOURCES)
	rm -rf $(DIST) build *.egg-info
	$(PY) -m build --no-isolation --outdir $(DIST) . > $(DIST).log 2>&1 || (cat $(DIST).log; exit 1)
	rm -rf build *.egg-info $(DIST).log
	touch $@

wheel: $(DIST)/.built

$(VENV)/.wheel: $(DIST)/.built
	$(PY) -m pip install --quiet --force-reinstall --no-deps $(DIST)/s3emu-*.whl
	touch $@

install: $(VENV)/.wheel

# ruff on every Python tree and mypy on the packages (configured in pyproject.toml), from the
# checkout with the tools of the `test` extra; `make test` runs it first.
lint: $(VENV)/.deps
	$(VENV)/bin/ruff check s3emu pytest_plugin tests tests_browser tests_clients bench examples setup.py
	$(VENV)/bin/mypy

test: lint install
	S3EMU_TEST_INSTALLED=1 S3EMU_WHEEL_DIR=$(abspath $(DIST)) $(VENV)/bin/pytest -q -n 2 $(PYTEST_ARGS)

# CORS and the dashboard in a real browser (tests_browser/, not part of `make test`): headless
# Chromium, Debian's `chromium` and `chromium-driver` (installed here when missing; needs root),
# driven by Selenium (the `browser` extra) through /usr/bin/chromedriver, against `s3emu serve`
# and a page served from a second origin. Screenshots go to $S3EMU_BROWSER_ARTIFACTS when set.
test-browser: install
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)
	$(PY) -m pip install --quiet "$$(ls $(DIST)/s3emu-*.whl)[browser]"
	$(VENV)/bin/pytest -q -p no:xdist tests_browser $(PYTEST_ARGS)

serve: install
	$(VENV)/bin/s3emu serve --host $(HOST) --port $(PORT)

bench: install
	$(PY) -m pip install --quiet "$$(ls $(DIST)/s3emu-*.whl)[bench,select]"
	$(PY) bench/run.py

# The container image (Dockerfile) from the built wheel, and a check of it: the container
# starts, answers its health check and S3 (an unsigned ListBuckets is S3's 403). Needs a
# container runtime; .ci/run runs image-test only where `docker info` works.
IMAGE ?= s3emu:dev
image: wheel
	docker build -t $(IMAGE) .

image-test: image
	bash .ci/image $(IMAGE)

# A user's project: a fresh venv outside the checkout, the wheel from PyPI's point of view, a
# test file using the plugin's fixtures and mock_s3, and `s3emu serve` driven by boto3.
smoke: wheel
	bash .ci/smoke $(abspath $(DIST))

clean:
	rm -rf $(VENV) $(DIST) build *.egg-info .mypy_cache .ruff_cache

# -- S3 clients beyond boto3 (tests_clients/): pyarrow, polars, DuckDB, s3fs, minio, smart_open,
# the AWS CLI, each against a live server. Opt-in: the clients are large, and aiobotocore pins
# botocore narrowly, so they get a virtual environment of their own instead of .venv.
CLIENTS_VENV ?= .venv-clients
CLIENTS_PY    = $(CLIENTS_VENV)/bin/python

.PHONY: test-clients clean-clients

$(CLIENTS_VENV)/.installed: setup.py setup.cfg pyproject.toml requirements-clients.txt
	$(PYTHON) -m venv $(CLIENTS_VENV)
	$(CLIENTS_PY) -m pip install --quiet --upgrade pip
	$(CLIENTS_PY) -m pip install --quiet '.[test]' -r requirements-clients.txt
	rm -rf build *.egg-info
	touch $@

$(CLIENTS_VENV)/.wheel: $(CLIENTS_VENV)/.installed $(DIST)/.built
	$(CLIENTS_PY) -m pip install --quiet --force-reinstall --no-deps $(DIST)/s3emu-*.whl
	touch $@

test-clients: $(CLIENTS_VENV)/.wheel
	$(CLIENTS_VENV)/bin/pytest -q -p no:cacheprovider tests_clients $(PYTEST_ARGS)

clean-clients:
	rm -rf $(CLIENTS_VENV)

clean: clean-clients

# -- Robustness (README "Robustness: fuzzing and soak"): the fuzzer with a large budget (34,000
# examples per test: over 100,000 signed requests, two workers, about 5 minutes) and the soak (100,000
# operations from 8 threads, half live, half in-process, about 4 minutes).
FUZZ_EXAMPLES ?= 34000
SOAK_OPS      ?= 100000
SOAK_BYTES    ?= 1073741824

.PHONY: fuzz soak

fuzz: install
	rm -f $(VENV)/fuzz.tally
	S3EMU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) S3EMU_FUZZ_TALLY=$(abspath $(VENV))/fuzz.tally \
	  $(VENV)/bin/pytest -q -n 2 tests/test_fuzz.py $(PYTEST_ARGS)
	@awk '{ n += $$1 } END { print "fuzz: " n " signed requests generated"; exit (n < 100000) }' \
	  $(VENV)/fuzz.tally

soak: install
	S3EMU_SOAK_OPS=$(SOAK_OPS) S3EMU_SOAK_BYTES=$(SOAK_BYTES) $(VENV)/bin/pytest -q -s -p no:xdist tests/test_soak.py $(PYTEST_ARGS)
