"""The layering rules of DESIGN.md, checked on the source with ast: the model never imports
HTTP/XML code or upper layers; nothing reads the wall clock outside clock.py; protocol does not
import ops or auth."""
from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "s3emu"


def modules(folder: str = ""):
    return sorted((ROOT / folder).rglob("*.py"))


def imports_of(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
    return found


@pytest.mark.parametrize("path", modules("model"), ids=lambda p: p.name)
def test_model_imports_nothing_above_it(path):
    bad = {name for name in imports_of(path)
           if name.split(".")[0] in ("werkzeug", "xmltodict", "botocore", "boto3")
           or name.startswith(("s3emu.protocol", "s3emu.ops", "s3emu.app", "s3emu.auth",
                               "s3emu.server", "s3emu.mock"))}
    assert not bad


@pytest.mark.parametrize("path", modules("protocol"), ids=lambda p: p.name)
def test_protocol_does_not_import_ops_or_auth(path):
    bad = {n for n in imports_of(path) if n.startswith(("s3emu.ops", "s3emu.auth", "s3emu.app"))}
    assert not bad


WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("time", "time")}


@pytest.mark.parametrize("path", [p for p in modules() if p.name != "clock.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_wall_clock_outside_clock_module(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("now", "utcnow", "time", "today"):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            assert (name, node.attr) not in WALL_CLOCK, \
                f"{path.name}:{node.lineno} reads the wall clock"


def test_importing_s3emu_does_not_import_werkzeug_or_botocore():
    import subprocess
    import sys
    code = ("import sys, s3emu; s3emu.Emulator(); "
            "print(sorted(m for m in ('werkzeug', 'botocore', 'boto3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT.parent, check=True).stdout.strip()
    assert out == "[]"
