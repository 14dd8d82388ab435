"""Run every benchmark in bench/ one after another (``make bench``).

Each benchmark is its own script and prints its own table; this runner only starts them in
fresh interpreters (so peak-RSS numbers stay clean) with the arguments below, chosen to finish
in a few minutes on 2 cores. Run a script directly for other sizes.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent

#: (script, arguments) for ``make bench``, in order
RUNS = [
    ("inprocess.py", []),
    ("inprocess.py", ["--versioned"]),
    ("tricks.py", ["--pairs", "300"]),
    ("listing.py", ["100000"]),
    ("multipart.py", ["--size", "256MiB"]),
    ("server.py", ["--seconds", "5"]),
    ("s3_select.py", ["200000"]),
]


def main() -> int:
    failed = 0
    for script, args in RUNS:
        path = HERE / script
        if not path.exists():
            print(f"== {script}: missing, skipped")
            continue
        print(f"== {script} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(path), *args])
        print(f"== {script}: exit {code}, {time.perf_counter() - started:.1f}s\n", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
