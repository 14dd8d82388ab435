"""What tests need to start s3emu in a child process: the code under test, never the checkout.

``make test`` runs the suite against the wheel installed in a virtual environment; a child
process (``python -m s3emu serve``, an inner pytest run) must import that same installed copy.
So it runs with the checkout off ``sys.path``: no ``PYTHONPATH`` entry for it, and a working
directory outside it (``python -m`` puts the working directory first on ``sys.path``). Only a
run from a bare source tree (``PYTHONPATH=.``, nothing installed) passes the checkout on.
"""
from __future__ import annotations

import os
import pathlib
import tempfile

import s3emu

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: s3emu is imported from the checkout itself (a bare source tree or an editable install).
FROM_SOURCE = pathlib.Path(s3emu.__file__).resolve().parent == ROOT / "s3emu"
#: A working directory for children that is not the checkout.
CHILD_CWD = tempfile.gettempdir()


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that imports s3emu."""
    env = {**os.environ, **extra}
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
             if p and pathlib.Path(p).resolve() != ROOT]
    if FROM_SOURCE:
        paths.insert(0, str(ROOT))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env
