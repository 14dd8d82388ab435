"""The layering rules of DESIGN.md, checked on the source with ast: every part of s3emu imports
only the parts below it (the table :data:`ALLOWED`, also in the README's "The layers"), third-
party packages stay in the parts that need them, nothing below the Emulator holds it, and
nothing reads the wall clock outside clock.py."""
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


#: Each part of s3emu (a package, or a module of the top level) -> the parts it may import.
#: Parts lower in the table never import parts above them, and the table is checked to be
#: free of cycles: a new module or package needs a row. Type-only imports count too.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "clock": set(),
    "settings": set(),
    "ids": set(),
    "memo": set(),
    "messages": set(),
    "journal": set(),
    "throttle": {"clock"},
    "faults": {"clock", "errors"},
    "tls": {"clock"},
    "scheduler": {"clock"},
    "events": set(),
    "usage": {"model"},
    "cli_report": set(),
    "model": {"clock", "errors"},
    "protocol": {"errors", "memo", "model"},
    "operations": {"errors", "protocol"},
    "select": {"errors", "model", "protocol"},
    "auth": {"clock", "errors", "memo", "operations", "protocol", "settings"},
    "access": {"auth", "errors", "memo", "model", "operations", "protocol"},
    "background": {"access", "events", "journal", "model", "scheduler"},
    "ops": {"access", "auth", "background", "clock", "errors", "events", "ids", "memo",
            "messages", "model", "operations", "protocol", "select", "settings"},
    "notifications": {"events", "journal", "model"},
    "replication": {"access", "events", "journal", "model", "scheduler"},
    "access_logs": {"access", "background", "journal", "messages", "model", "scheduler"},
    "services": {"access_logs", "auth", "background", "clock", "events", "faults", "ids",
                 "journal", "model", "notifications", "replication", "scheduler", "settings",
                 "throttle"},
    "website": {"access", "auth", "errors", "faults", "messages", "model", "operations",
                "ops", "protocol", "services"},
    "app": {"access", "access_logs", "auth", "errors", "faults", "journal", "messages",
            "operations", "ops", "protocol", "services", "sts", "throttle", "website"},
    "sts": {"access", "auth", "errors", "messages", "protocol"},
    "cost": {"background", "journal", "model"},
    "dashboard": {"messages", "model"},
    "admin": {"clock", "cost", "dashboard", "faults", "journal", "messages", "model",
              "notifications", "protocol", "throttle", "usage"},
    "seed": {"errors", "model"},
    "emulator": {"access", "access_logs", "admin", "app", "auth", "background", "clock", "events",
                 "faults", "ids",
                 "journal", "messages", "model", "notifications", "replication", "scheduler",
                 "seed", "services", "settings", "throttle", "usage", "cost"},
    "intercept": {"faults", "memo", "messages", "protocol"},
    "serving": {"errors", "messages", "protocol"},
    "botocore_patches": {"intercept"},
    "aiobotocore_patches": {"botocore_patches", "faults", "intercept", "messages"},
    "moto_guard": {"intercept", "messages"},
    "mock": {"aiobotocore_patches", "botocore_patches", "emulator", "intercept", "messages",
             "moto_guard"},
    "server": {"clock", "emulator", "messages", "protocol", "serving", "tls"},
    "snapshot": {"__init__", "auth", "emulator", "model", "services"},
    "datadir": {"emulator", "snapshot"},
    "cli": {"__init__", "admin", "auth", "clock", "cli_report", "datadir", "emulator",
            "journal", "operations", "ops", "server", "tls"},
    "__main__": {"cli"},
    "__init__": {"clock", "emulator", "errors", "mock", "server"},
}
#: Third-party packages by the parts that may import them (the rest: standard library only).
THIRD_PARTY = {
    "werkzeug": {"ops"}, "xmltodict": {"protocol"}, "cryptography": {"tls"},
    "botocore": {"aiobotocore_patches", "botocore_patches", "intercept", "mock"},
    "urllib3": {"aiobotocore_patches", "intercept", "mock"},
    "awscrt": {"botocore_patches", "protocol", "mock"},
    "aiobotocore": {"aiobotocore_patches"},
    "sqlglot": {"select"}, "pyarrow": {"select"},
}


def part_of(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[0]


def s3emu_imports(path: pathlib.Path) -> set[str]:
    """The parts of s3emu that ``path`` imports (``from . import x`` counts as part x)."""
    tree = ast.parse(path.read_text())
    package = path.relative_to(ROOT.parent).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                if node.module:
                    names = [".".join(base + [node.module])]
                else:
                    names = [".".join(base + [alias.name]) for alias in node.names]
            else:
                names = [node.module or ""]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "s3emu" and len(pieces) > 1:
                found.add("__init__" if pieces[1] == "__version__" else pieces[1])
    return found


def test_the_table_has_a_row_for_every_part_and_no_cycle():
    present = {part_of(p) for p in modules()}
    assert present == set(ALLOWED), "a part of s3emu without a row (or a row without a part)"
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in path, f"import cycle in the table: {' -> '.join(path + (part,))}"
        if part not in done:
            for lower in ALLOWED[part]:
                visit(lower, path + (part,))
            done.add(part)
    for part in ALLOWED:
        visit(part, ())


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_the_parts_below_it(path):
    part = part_of(path)
    forbidden = s3emu_imports(path) - ALLOWED[part] - {part}
    assert not forbidden, f"{part} must not import {sorted(forbidden)}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_third_party_imports_stay_in_their_parts(path):
    part = part_of(path)
    outside = {name.split(".")[0] for name in imports_of(path)} & set(THIRD_PARTY)
    assert not {name for name in outside if part not in THIRD_PARTY[name]}


@pytest.mark.parametrize("below", ["model", "protocol", "operations", "auth", "access", "ops",
                                   "services", "app", "admin", "seed", "intercept", "serving"])
def test_nothing_below_the_emulator_holds_it(below):
    """The Emulator is the facade: no layer below it imports it (or mock, server, cli)."""
    assert not {"emulator", "mock", "server", "cli"} & ALLOWED[below]
    for path in modules(below) if (ROOT / below).is_dir() else [ROOT / f"{below}.py"]:
        assert not {"emulator", "mock", "server", "cli"} & s3emu_imports(path), path


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


@pytest.mark.parametrize("path", [p for p in modules() if part_of(p) != "model"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_model_takes_its_locks_and_writes_its_state(path):
    """Handlers call the model's methods (which lock for themselves); they never hold a
    bucket's lock nor write its ``objects``, ``uploads`` or settings directly."""
    tree = ast.parse(path.read_text())
    state = {"objects", "uploads", "_settings", "_keys", "config"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expr = item.context_expr
                assert not (isinstance(expr, ast.Attribute) and expr.attr == "lock"), \
                    f"{path.name}:{node.lineno} takes a model lock"
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else \
                [node.target]
        for target in targets:
            base = target.value if isinstance(target, ast.Subscript) else target
            assert not (isinstance(base, ast.Attribute) and base.attr in state
                        and not (isinstance(base.value, ast.Name) and base.value.id == "self")), \
                f"{path.name}:{node.lineno} writes the model's {base.attr}"


def _module_imports() -> dict[str, set[str]]:
    """Every module of s3emu -> the s3emu modules it imports (type-only imports too)."""
    names = {}
    for path in modules():
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in names.items():
        package = path.relative_to(ROOT.parent).with_suffix("").parts[:-1]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = list(package[: len(package) - node.level + 1]) if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in names
                           else module for alias in node.names]
            for target in targets:
                while target and target not in names:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def test_no_two_modules_import_each_other_in_a_circle():
    graph = _module_imports()
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        circle = " -> ".join(path[path.index(name):] + (name,)) if name in path else ""
        assert not circle, f"import circle: {circle}"
        if name not in done:
            for other in sorted(graph[name]):
                visit(other, path + (name,))
            done.add(name)
    for name in sorted(graph):
        visit(name, ())
