"""A data directory: where ``s3emu serve --data-dir DIR`` keeps its state across restarts.

:meth:`Persistence.open` checks the directory and loads its snapshot (:mod:`s3emu.snapshot`)
into the emulator; the server then calls :meth:`Persistence.changed` after each request that
may have changed the state, and a thread writes a new snapshot at most once per ``interval``
seconds while changes come in; :meth:`Persistence.close` writes the last one (clean shutdown).

The directory holds :data:`SNAPSHOT` (the state), :data:`BLOBS` (the object bytes of segments
of :data:`EXTERNAL` bytes or more, one file per segment named by its SHA-256, written once:
a snapshot costs the metadata and the new bytes, not every byte stored) and :data:`LOCK`
(held by the server using it, so two servers never share one). A directory that does not
exist or is empty becomes a data directory (created ``0700``; files ``0600``). A directory
holding other files and no snapshot is foreign, and a snapshot that is damaged (or a segment
file it names) or of another format is refused: :class:`DataDirError` says why in one line,
and nothing in the directory is written, moved or removed.

A snapshot is written whole to a new temporary file in the directory, flushed to disk (fsync),
then renamed over the previous one (and the directory flushed), after the new segment files it
names (each written the same way); segment files no snapshot names any more are removed
after that. A crash leaves either the previous snapshot or the new one, each with its
segments, never a mix. What a crash loses: the changes since the last
snapshot (at most about ``interval`` seconds of them, plus the time a write takes).

This module imports only the standard library and :mod:`s3emu.snapshot`.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from typing import TYPE_CHECKING, Any

from .snapshot import Header, SnapshotError, capture, restore

try:
    import fcntl
except ImportError:    # Windows: no advisory lock; one server per directory is then up to you
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from .emulator import Emulator

log = logging.getLogger("s3emu.datadir")

#: the snapshot's file name
SNAPSHOT = "s3emu-state.snapshot"
#: the lock file's name
LOCK = "s3emu.lock"
#: the folder of the segment files
BLOBS = "blobs"
#: segments of object bytes this large or larger are kept in files of their own
EXTERNAL = 32 * 1024
_DIGEST = re.compile(r"[0-9a-f]{64}")
#: how the temporary files of a snapshot being written start
TEMP_PREFIX = ".s3emu-state.tmp-"
#: the default least time between two snapshots (seconds)
INTERVAL = 1.0


class DataDirError(Exception):
    """A data directory that cannot be used; the message is one line, for the user."""


def _ours(name: str) -> bool:
    return name in (SNAPSHOT, LOCK, BLOBS) or name.startswith(TEMP_PREFIX)


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:     # a platform that cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Persistence:
    """One emulator's state kept in one data directory (see the module docstring)."""

    def __init__(self, emulator: Emulator, path: str, interval: float = INTERVAL) -> None:
        self.emulator = emulator
        self.path = os.path.abspath(path)
        self.interval = interval
        #: the header of the snapshot loaded at open (None: a new data directory)
        self.loaded: Header | None = None
        #: how many snapshots were written
        self.written = 0
        self._lock_file: int | None = None
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._writing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        #: the segment files in :data:`BLOBS`
        self._segments: set[str] = set()

    @classmethod
    def open(cls, emulator: Emulator, path: str, interval: float = INTERVAL) -> Persistence:
        """Check ``path``, load its snapshot into ``emulator`` (none in a new directory) and
        take its lock; DataDirError when the directory cannot be used (nothing written in it;
        the emulator may hold the loaded state when only the lock failed)."""
        if interval <= 0:
            raise ValueError(f"the interval between snapshots must be positive, not {interval}")
        made = cls(emulator, path, interval)
        made._open()
        return made

    def _open(self) -> None:
        path = self.path
        if os.path.exists(path) and not os.path.isdir(path):
            raise DataDirError(f"{path} is not a directory")
        try:
            names = os.listdir(path) if os.path.isdir(path) else None
        except OSError as error:
            raise DataDirError(f"cannot read {path}: {error.strerror or error}") from None
        if names is not None:
            if SNAPSHOT not in names and not all(_ours(name) for name in names):
                other = sorted(name for name in names if not _ours(name))[0]
                raise DataDirError(
                    f"{path} is not an s3emu data directory: it holds {other!r} and no "
                    f"{SNAPSHOT}; give an empty or new directory")
            if not os.access(path, os.W_OK | os.X_OK):
                raise DataDirError(f"cannot write in {path}")
        else:
            try:
                os.makedirs(path, mode=0o700)
            except OSError as error:
                raise DataDirError(f"cannot create {path}: {error.strerror or error}") from None
        locked = names is not None and LOCK in names
        if locked:             # its lock file exists: is another server using it?
            self._take_lock(create=False)
        try:
            if names is not None and SNAPSHOT in names:
                data = self._read()
                try:
                    self.loaded = restore(self.emulator, data, self._segment)
                except SnapshotError as error:
                    raise DataDirError(f"{os.path.join(path, SNAPSHOT)}: {error}") from None
            if not locked:
                self._take_lock(create=True)
        except BaseException:
            self._release_lock()
            raise
        blobs = os.path.join(path, BLOBS)
        for folder in (path, blobs):
            for name in os.listdir(folder) if os.path.isdir(folder) else ():
                if name.startswith(TEMP_PREFIX):  # left by a crash while writing: never read
                    try:
                        os.remove(os.path.join(folder, name))
                    except OSError:
                        pass
                elif folder == blobs and _DIGEST.fullmatch(name):
                    self._segments.add(name)

    def _segment(self, digest: str, size: int) -> bytes:
        """The bytes of segment ``digest`` (checked by the snapshot module)."""
        if not _DIGEST.fullmatch(digest):
            raise SnapshotError(f"damaged snapshot: it names a segment {digest[:80]!r}")
        where = os.path.join(self.path, BLOBS, digest)
        try:
            with open(where, "rb") as stream:
                return stream.read(size + 1)
        except FileNotFoundError:
            raise SnapshotError(f"damaged data directory: {BLOBS}/{digest} is missing") \
                from None

    def _read(self) -> bytes:
        where = os.path.join(self.path, SNAPSHOT)
        try:
            with open(where, "rb") as stream:
                data = stream.read()
        except OSError as error:
            raise DataDirError(f"cannot read {where}: {error.strerror or error}") from None
        return data

    def _take_lock(self, create: bool) -> None:
        """Hold :data:`LOCK` (an advisory lock: the file's content never changes), made if
        ``create``."""
        where = os.path.join(self.path, LOCK)
        try:
            fd = os.open(where, os.O_RDONLY | (os.O_CREAT if create else 0), 0o600)
        except OSError as error:
            raise DataDirError(f"cannot write in {self.path}: {error.strerror or error}") \
                from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise DataDirError(f"{self.path} is in use by another s3emu server") from None
        self._lock_file = fd

    def _release_lock(self) -> None:
        fd, self._lock_file = self._lock_file, None
        if fd is not None:
            os.close(fd)     # closing releases the flock

    @property
    def closed(self) -> bool:
        return self._closed

    # -- writing -------------------------------------------------------------------------------
    def changed(self) -> None:
        """The state may have changed: a snapshot will be written within ``interval``."""
        self._dirty.set()

    def start(self) -> None:
        """Write snapshots from a thread as changes come in (see :meth:`changed`)."""
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name=f"s3emu-data-dir:{self.path}")
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            if self._stopping.wait(self.interval):  # gather the changes of one interval
                return
            self._dirty.clear()
            try:
                self.save()
            except OSError as error:     # e.g. a full disk: keep serving, try again later
                log.error("writing the state to %s failed: %s", self.path, error)
                self._dirty.set()
            except Exception:
                log.exception("writing the state to %s failed", self.path)
                self._dirty.set()

    def save(self) -> None:
        """Write a snapshot of the emulator's state now (atomically)."""
        with self._writing:
            if self._lock_file is None:
                raise RuntimeError(f"{self.path} is closed")
            taken = capture(self.emulator, EXTERNAL)
            blobs = os.path.join(self.path, BLOBS)
            new = [digest for digest in taken.segments if digest not in self._segments]
            if new:
                os.makedirs(blobs, mode=0o700, exist_ok=True)
                for digest in new:
                    self._write(blobs, digest, taken.segments[digest])
                    self._segments.add(digest)
                _fsync_dir(blobs)
            self._write(self.path, SNAPSHOT, taken.data)
            self.written += 1
            for digest in sorted(self._segments - set(taken.segments)):   # named no more
                try:
                    os.remove(os.path.join(blobs, digest))
                except FileNotFoundError:
                    pass
                self._segments.discard(digest)

    @staticmethod
    def _write(folder: str, target: str, data: bytes | memoryview) -> None:
        """Write ``folder/target`` atomically: a new temporary file, fsync, rename."""
        fd = -1
        name = ""
        for attempt in range(100):
            name = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{attempt}")
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                continue
        if fd < 0:
            raise OSError(f"cannot make a temporary file in {folder}")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(name, os.path.join(folder, target))
        except BaseException:
            try:
                os.remove(name)
            except OSError:
                pass
            raise
        _fsync_dir(folder)

    def close(self, save: bool = True) -> None:
        """Stop the thread, write the last snapshot (unless ``save`` is false) and release the
        directory."""
        if self._closed:
            return
        self._closed = True
        self._stopping.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            if save and self._lock_file is not None:
                self.save()
        finally:
            self._release_lock()

    def __repr__(self) -> str:
        return f"Persistence({self.path!r}, written={self.written})"

    def __enter__(self) -> Persistence:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
