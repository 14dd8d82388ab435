"""What users install works on its own: the wheel holds every package, the suite imports the
installed copy (not the checkout), one version is reported everywhere, and the plugin and the
command line come from the installed distribution.

``make test`` sets ``S3EMU_TEST_INSTALLED=1`` and ``S3EMU_WHEEL_DIR``: there these tests hold
strictly. Run from a source tree or an editable install, the checks that need the wheel are
skipped with that reason (the rest still run).
"""
from __future__ import annotations

import importlib.metadata
import os
import pathlib
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

import pytest

import s3emu
from s3emu.dashboard.assets import FILES
from helpers import CHILD_CWD, FROM_SOURCE, ROOT, child_env

#: The dashboard's page and assets (package data: not Python files, easily left out).
DASHBOARD_FILES = {f"s3emu/dashboard/static/{name}" for name in FILES}
INSTALLED_RUN = os.environ.get("S3EMU_TEST_INSTALLED") == "1"
needs_wheel = pytest.mark.skipif(not INSTALLED_RUN, reason="make test runs these against the "
                                                           "installed wheel")


def _source_packages() -> set[str]:
    """Every folder of Python modules in the source tree (a folder without ``__init__.py`` is
    a package too, and is the kind a package finder leaves out)."""
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "s3emu").rglob("*.py")}
    return found | {"s3emu_pytest"}


def test_every_source_folder_is_a_regular_package():
    for folder in {p.parent for p in (ROOT / "s3emu").rglob("*.py")}:
        assert (folder / "__init__.py").exists(), f"{folder} has no __init__.py"


def _wheel() -> pathlib.Path:
    wheels = sorted(pathlib.Path(os.environ["S3EMU_WHEEL_DIR"]).glob("s3emu-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@needs_wheel
def test_the_suite_imports_the_installed_package_not_the_checkout():
    import s3emu_pytest
    site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
    for module in (s3emu, s3emu_pytest):
        where = pathlib.Path(module.__file__).resolve()
        assert where.is_relative_to(site), where
        assert not where.is_relative_to(ROOT) or site.is_relative_to(ROOT), where
    assert not FROM_SOURCE or site.is_relative_to(ROOT)


@needs_wheel
def test_the_wheel_holds_every_package_its_type_marker_and_license():
    names = zipfile.ZipFile(_wheel()).namelist()
    packages = {".".join(n.split("/")[:-1]) for n in names if n.endswith("/__init__.py")}
    assert packages == _source_packages()
    assert {"s3emu/py.typed", "s3emu_pytest/py.typed"} <= set(names)
    assert set(names) >= DASHBOARD_FILES, sorted(DASHBOARD_FILES - set(names))
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE")
               for n in names), names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(_wheel()).read(entry_points).decode()
    assert "s3emu = s3emu.cli:main" in text and "s3emu = s3emu_pytest.plugin" in text


@needs_wheel
def test_the_sdist_is_complete_enough_to_build_the_wheel():
    sdists = sorted(pathlib.Path(os.environ["S3EMU_WHEEL_DIR"]).glob("s3emu-*.tar.gz"))
    assert len(sdists) == 1, sdists
    assert sdists[0].name == f"s3emu-{s3emu.__version__}.tar.gz"
    with tarfile.open(sdists[0]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    needed = {"setup.py", "setup.cfg", "pyproject.toml", "README.md", "LICENSE",
              "pytest_plugin/plugin.py", "pytest_plugin/py.typed", "s3emu/py.typed",
              *DASHBOARD_FILES}
    needed |= {str(p.relative_to(ROOT)) for p in (ROOT / "s3emu").rglob("*.py")}
    assert needed <= names, sorted(needed - names)


def test_one_version_everywhere():
    assert importlib.metadata.version("s3emu") == s3emu.__version__
    script = pathlib.Path(sys.executable).with_name("s3emu")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "s3emu"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True,
                          cwd=CHILD_CWD, env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"s3emu {s3emu.__version__}"


def test_the_package_imports_without_the_checkout_on_sys_path():
    code = ("import sys, s3emu, s3emu_pytest.plugin; "
            "print(s3emu.__file__); print(s3emu_pytest.plugin.__file__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=CHILD_CWD, env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    if INSTALLED_RUN:
        for line in done.stdout.splitlines():
            assert "site-packages" in line, line


def test_the_public_api_is_typed():
    assert (pathlib.Path(s3emu.__file__).parent / "py.typed").exists()
    for name in ("Emulator", "Clock", "mock_s3", "Server"):
        thing = getattr(s3emu, name)
        target = thing.__init__ if isinstance(thing, type) else thing
        hints = getattr(target, "__annotations__", {})
        assert hints, f"s3emu.{name} has no type hints"
