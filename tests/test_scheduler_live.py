"""The standalone server drains background work as real time passes on its system clock:
a job falls due and runs with no request coming in; the thread ends with the server."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import s3emu


def _drain_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("s3emu-scheduler:")]


def test_a_due_job_runs_without_a_request():
    with s3emu.Server() as server:
        emu = server.emulator
        ran: list[object] = []
        due = emu.clock.now() + timedelta(milliseconds=300)
        emu.scheduler.at(due, ran.append, "probe")
        deadline = time.monotonic() + 10
        while not ran and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ran == [due]                   # told its own due instant
        assert emu.journal.total == 0         # no request was needed
        [thread] = [t for t in _drain_threads() if t.name == f"s3emu-scheduler:{server.port}"]
    thread.join(timeout=3)
    assert not thread.is_alive()              # stopped with the server


def test_a_frozen_clock_gets_no_drain_thread():
    emu = s3emu.Emulator()                    # the default clock does not tick
    with s3emu.Server(emu) as server:
        assert not any(t.name == f"s3emu-scheduler:{server.port}" for t in _drain_threads())
