"""Fixtures for s3emu's own tests, over the project's pytest plugin (its ``s3emu``,
``s3_client`` and ``s3emu_server`` fixtures and the ``@pytest.mark.s3emu(...)`` marker).

``emu`` is the plugin's ``s3emu`` (a fresh Emulator served in-process, botocore patched) under
a name that leaves the ``s3emu`` module alone in test modules; ``s3`` is the plugin's
``s3_client``; ``bucket`` is a created bucket's name; ``server`` is the plugin's
``s3emu_server``. Tests drive the emulator through these real clients.

A module marked ``pytestmark = pytest.mark.targets("in-process", "tls")`` runs each of its
tests twice: in-process, and against the standalone server over TLS (``tls_server``, one per
module, reset per test); there ``emu``, ``s3``, ``make_client`` (a :func:`helpers.make_client`
for the current target) and ``verify`` (what ``requests`` checks the server's certificate with)
follow the target. Helper functions are in ``helpers.py``, never imported from here.
"""
from __future__ import annotations

import functools
import os

import pytest
from hypothesis import settings as hypothesis_settings

import s3emu
from helpers import INSTALLED, make_client as _make_client

# CI runs the property tests with a fixed seed so that a landing never depends on luck; local
# runs keep exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

if not INSTALLED:  # a bare source tree: no entry point loads the plugin
    pytest_plugins = ["pytest_plugin.plugin"]

#: The targets a ``targets`` marker may name.
TARGETS = ("in-process", "tls")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "targets(*names): run each test of the module against each target "
                   "('in-process', 'tls'); see tests/conftest.py")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    mark = metafunc.definition.get_closest_marker("targets")
    if mark is not None and "target" in metafunc.fixturenames:
        assert set(mark.args) <= set(TARGETS), mark.args
        metafunc.parametrize("target", mark.args, indirect=True)


@pytest.fixture
def target(request: pytest.FixtureRequest) -> str:
    """Where the test's requests go: ``"in-process"``, unless a ``targets`` marker says."""
    return getattr(request, "param", "in-process")


@pytest.fixture(scope="module")
def tls_server():
    with s3emu.Server(tls=True) as srv:
        yield srv


@pytest.fixture
def emu(request: pytest.FixtureRequest, target: str):
    if target == "tls":
        srv = request.getfixturevalue("tls_server")
        srv.emulator.reset()
        return srv.emulator
    return request.getfixturevalue("s3emu")


@pytest.fixture
def make_client(request: pytest.FixtureRequest, target: str, emu):
    """:func:`helpers.make_client` for the test's target (``make_client(region, **config)``)."""
    if target == "tls":
        srv = request.getfixturevalue("tls_server")
        return functools.partial(_make_client, endpoint_url=srv.endpoint_url,
                                 verify=srv.ca_path)
    return _make_client


@pytest.fixture
def verify(request: pytest.FixtureRequest, target: str, emu):
    """What ``requests`` verifies the server's certificate with."""
    return request.getfixturevalue("tls_server").ca_path if target == "tls" else True


@pytest.fixture
def s3(request: pytest.FixtureRequest, target: str, make_client):
    return make_client() if target == "tls" else request.getfixturevalue("s3_client")


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="test-bucket")
    return "test-bucket"


@pytest.fixture
def server(s3emu_server):
    """The plugin's ``s3emu_server``: a live ``s3emu.Server`` on 127.0.0.1 and a free port; its
    clock follows real time.

    Use it without ``emu``/``s3`` (those patch botocore, which would serve requests in-process).
    """
    return s3emu_server
