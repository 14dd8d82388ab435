"""Snapshots: an emulator's state as bytes, and back (``s3emu serve --data-dir``, see
:mod:`s3emu.datadir`).

What a snapshot holds: the store (every bucket with its configurations, ACL, policy, objects,
versions, delete markers, tags, restores, and the multipart uploads in progress with their
parts), the deterministic ids where they stand (version and upload ids keep never repeating),
the background work still due (restores, restore expiries, replication, access-log
deliveries, the next daily lifecycle and inventory passes), the access-log records not yet
delivered, the notifications delivered and their forwards, the event sequence, the clock's
position and the users' access keys and account ids (never a secret).

What it does not hold, because it comes from the command line or lives with one process: the
settings (region, auth, bucket defaults, ...), the users' secrets, the clock itself, the
journal, the throttle budgets, injected faults, in-process notification subscribers. SSE-C
keys are never in the state at all (objects keep the salted HMAC of the key, as S3 does).

The layout: a first line :data:`MAGIC`, a second line of JSON (the header: :data:`FORMAT`,
the s3emu version that wrote it, the clock's position, the payload's length and SHA-256, the
users), then the payload: a pickle (protocol 5) of the services. What comes from outside
(clock, journal, settings, users, throttle, faults) is saved as a reference to the service
of that name, resolved to the loading emulator's own; locks as new locks (shared as they
were); with ``external=``, large segments of object bytes by their SHA-256 (the caller keeps
them, :mod:`s3emu.datadir`). Loading checks the header, length and checksum first, then
unpickles naming only the classes of s3emu and the few standard-library types it uses. That
list keeps foreign pickles out but is no sandbox (pickle can still call what those allow):
load only snapshots you wrote (the README says so).

This module imports only the standard library, the model and the users' class (to refuse
pickling one).
"""
from __future__ import annotations

import copyreg
import hashlib
import io
import itertools
import json
import pickle
import re
import threading
import weakref
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable

from . import __version__
from .auth.users import User
from .model.uploads import number_after

if TYPE_CHECKING:
    from .emulator import Emulator
    from .services import Services

#: the first line of every snapshot
MAGIC = b"s3emu snapshot\n"
#: the layout this s3emu writes and reads; a snapshot of another is refused
FORMAT = 1
#: the services a snapshot holds (the fields of :class:`~s3emu.services.Services` that
#: :func:`s3emu.emulator._fresh_state` makes)
SAVED = ("store", "ids", "scheduler", "events", "notifications", "replication", "jobs",
         "access_logs")
#: the services a snapshot refers to without holding them: the current ones on load
OUTSIDE = ("settings", "clock", "users", "journal", "throttle", "faults")
_LOCKS = (type(threading.Lock()), type(threading.RLock()))
#: modules whose classes and functions a snapshot may name, besides ``s3emu.*``
_MODULES = frozenset({"collections", "datetime", "functools", "itertools", "copyreg"})
_BUILTINS = frozenset({"memoryview", "bytearray", "bytes", "str", "int", "float", "bool",
                       "list", "tuple", "dict", "set", "frozenset", "object", "getattr",
                       "slice", "range", "complex"})


#: the longest header line read (a snapshot's users are in it)
_HEADER_LIMIT = 1 << 20


class SnapshotError(Exception):
    """A snapshot that cannot be loaded; the message is one line, for the user."""


@dataclass(frozen=True)
class Header:
    """What the second line of a snapshot says."""

    format: int
    version: str
    length: int
    sha256: str
    #: ``[access key, account id]`` of each user when it was written (no secrets)
    users: list[list[str]] = field(default_factory=list)
    clock: str = ""

    def line(self) -> bytes:
        return json.dumps({"format": self.format, "s3emu": self.version,
                           "length": self.length, "sha256": self.sha256, "users": self.users,
                           "clock": self.clock}, sort_keys=True).encode() + b"\n"


def _mapping(proxy: MappingProxyType) -> tuple[Any, ...]:
    return _read_only, (dict(proxy),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType:
    return MappingProxyType(mapping)


def _weak(ref: weakref.ref) -> tuple[Any, ...]:
    return _weak_ref, (ref(),)


def _weak_ref(referent: Any) -> Any:
    # alive only while something else of the state holds it, as before
    return _gone if referent is None else weakref.ref(referent)


def _gone() -> None:
    return None


def _user(user: object) -> tuple[Any, ...]:
    raise pickle.PicklingError("a user (with its secret) is not part of a snapshot")


def _count(counter: itertools.count) -> tuple[Any, ...]:
    # the next value, from its repr (``count(7)``): pickling a count itself is deprecated
    found = re.fullmatch(r"count\((-?\d+)\)", repr(counter))
    if found is None:
        raise pickle.PicklingError(f"cannot save {counter!r}")
    return itertools.count, (int(found.group(1)),)


#: segment id -> (a weak reference to the segment, its SHA-256): a segment's bytes never
#: change, so each is hashed once however many snapshots hold it
_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}


def digest_of(view: memoryview) -> str:
    """The SHA-256 (hex) of a segment of object bytes, remembered while it lives."""
    key = id(view)
    found = _DIGESTS.get(key)
    if found is not None and found[0]() is view:
        return found[1]
    digest = hashlib.sha256(view).hexdigest()
    _remember(view, digest)
    return digest


def _remember(view: memoryview, digest: str) -> None:
    key = id(view)

    def forget(_: object) -> None:
        _DIGESTS.pop(key, None)
    _DIGESTS[key] = (weakref.ref(view, forget), digest)


def _service(name: str) -> Any:
    """Stands for one of the services a snapshot refers to (:data:`OUTSIDE`); loading
    resolves it to the emulator's own (see :class:`_Unpickler`)."""
    raise pickle.UnpicklingError("only a snapshot's loader resolves a service")


def _segment(digest: str, size: int) -> Any:
    """Stands for a segment of object bytes kept outside the snapshot; loading reads it."""
    raise pickle.UnpicklingError("only a snapshot's loader reads a segment")


def _new_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def _lock(lock: Any) -> tuple[Any, ...]:
    # one new lock per lock saved: the pickle's memo keeps the locks shared as they were
    return _new_lock, (type(lock) is _RLOCK,)


_RLOCK = type(threading.RLock())


class _Pickler(pickle.Pickler):
    """Pickles the state; what is not the state's own (the services it refers to, locks,
    large segments) goes through :attr:`dispatch_table`, so the cost stays that of pickling
    (no hook runs for every object)."""

    def __init__(self, stream: io.BytesIO, services: Services, external: int | None) -> None:
        super().__init__(stream, protocol=5)
        self._outside = {id(getattr(services, name)): name for name in OUTSIDE}
        self._external = external
        #: the segments kept outside the pickle, by digest
        self.segments: dict[str, memoryview] = {}
        table = self.dispatch_table = copyreg.dispatch_table.copy()
        table[memoryview] = self._memoryview
        table[itertools.count] = _count
        table[MappingProxyType] = _mapping
        table[weakref.ref] = _weak
        table[User] = _user
        for kind in _LOCKS:
            table[kind] = _lock
        for name in OUTSIDE:
            table[type(getattr(services, name))] = self._service

    def _service(self, obj: Any) -> tuple[Any, ...]:
        name = self._outside.get(id(obj))
        if name is None:
            raise pickle.PicklingError(f"a {type(obj).__name__} that is not the emulator's "
                                       f"is not part of a snapshot")
        return _service, (name,)

    def _memoryview(self, view: memoryview) -> tuple[Any, ...]:
        if self._external is not None and view.nbytes >= self._external:
            digest = digest_of(view)
            self.segments[digest] = view
            return _segment, (digest, view.nbytes)
        return memoryview, (view.tobytes(),)


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, services: Services,
                 segment: Callable[[str, int], bytes] | None) -> None:
        super().__init__(stream)
        self._services = services
        self._segment = segment
        self._segments: dict[str, memoryview] = {}

    def _service_of(self, name: str) -> Any:
        if name not in OUTSIDE:
            raise pickle.UnpicklingError(f"no service {name!r}")
        return getattr(self._services, name)

    def _bytes(self, digest: str, size: int) -> memoryview:
        found = self._segments.get(digest)
        if found is None:
            if self._segment is None:
                raise SnapshotError("the snapshot's object bytes are kept in files, and none "
                                    "were given")
            data = self._segment(digest, size)
            if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
                raise SnapshotError(f"damaged object bytes: {digest} (not the bytes the "
                                    f"snapshot names)")
            found = self._segments[digest] = memoryview(data)
            _remember(found, digest)
        return found

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in ("_service", "_segment"):
            return self._service_of if name == "_service" else self._bytes
        if (module == "s3emu" or module.startswith("s3emu.") or module in _MODULES
                or (module == "builtins" and name in _BUILTINS)
                or (module == "re" and name == "_compile")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an s3emu state")


def _held(services: Services) -> list[Any]:
    """The locks a snapshot takes, in the order the emulator's threads take them: the
    scheduler's drain (a job in progress finishes first), the store (a request's change is
    whole), then the short-held locks of the other services."""
    return [services.scheduler._draining, services.store.lock, services.scheduler._lock,
            services.events._lock, services.ids._lock, services.notifications._lock,
            services.access_logs._lock]


@dataclass(frozen=True)
class Snapshot:
    """A snapshot: its bytes, and the segments of object bytes it names but does not hold
    (by SHA-256; see :func:`capture`)."""

    data: bytes
    segments: dict[str, memoryview]


def capture(emulator: Emulator, external: int | None = None) -> Snapshot:
    """The emulator's state as a snapshot (header and payload). The emulator's locks are held
    while its state is pickled (in memory), so no request or background job is half done in
    it; nothing is written anywhere.

    With ``external`` (a size in bytes), segments of object bytes at least that large are not
    in the pickle but named by their SHA-256: :attr:`Snapshot.segments` holds them, to be
    kept beside the snapshot (each once: they never change) and handed back to
    :func:`restore`. Without it the snapshot holds every byte."""
    services = emulator.services
    stream = io.BytesIO()
    with ExitStack() as stack:
        for lock in _held(services):
            stack.enter_context(lock)
        pickler = _Pickler(stream, services, external)
        pickler.dump({name: getattr(services, name) for name in SAVED})
        clock = services.clock.now().isoformat()
    payload = stream.getbuffer()
    header = Header(format=FORMAT, version=__version__, length=len(payload),
                    sha256=hashlib.sha256(payload).hexdigest(),
                    users=[[user.access_key, user.account_id] for user in services.users],
                    clock=clock)
    return Snapshot(MAGIC + header.line() + bytes(payload), pickler.segments)


def read_header(data: bytes | memoryview) -> tuple[Header, memoryview]:
    """The header of a snapshot and its payload, checked (length, checksum, format, version);
    SnapshotError says what is wrong."""
    view = memoryview(data)
    if bytes(view[:len(MAGIC)]) != MAGIC:
        raise SnapshotError("not an s3emu snapshot (it does not start with the s3emu marker)")
    end = bytes(view[len(MAGIC):len(MAGIC) + _HEADER_LIMIT]).find(b"\n")
    if end < 0:
        raise SnapshotError("damaged snapshot: its header is cut short")
    try:
        fields = json.loads(bytes(view[len(MAGIC):len(MAGIC) + end]))
        header = Header(format=int(fields["format"]), version=str(fields["s3emu"]),
                        length=int(fields["length"]), sha256=str(fields["sha256"]),
                        users=[[str(key), str(account)]
                               for key, account in fields.get("users", [])],
                        clock=str(fields.get("clock", "")))
        if header.clock:
            datetime.fromisoformat(header.clock)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SnapshotError("damaged snapshot: its header is not readable") from None
    if header.format != FORMAT:
        raise SnapshotError(f"snapshot format {header.format} (written by s3emu "
                            f"{header.version}); this s3emu {__version__} reads format {FORMAT}")
    if header.version != __version__:
        raise SnapshotError(f"written by s3emu {header.version}; this is s3emu {__version__}, "
                            f"which loads only its own snapshots (run s3emu "
                            f"{header.version}, or start with a new --data-dir)")
    payload = view[len(MAGIC) + end + 1:]
    if len(payload) != header.length:
        raise SnapshotError(f"damaged snapshot: {len(payload)} bytes of state where its header "
                            f"says {header.length}")
    if hashlib.sha256(payload).hexdigest() != header.sha256:
        raise SnapshotError("damaged snapshot: its checksum does not match its content")
    return header, payload


def restore(emulator: Emulator, data: bytes | memoryview,
            segment: Callable[[str, int], bytes] | None = None) -> Header:
    """Replace the emulator's state with the snapshot's (checked by :func:`read_header`; the
    emulator is left as it was when that fails). ``segment(sha256, size)`` gives the bytes
    of a segment kept outside the snapshot (checked against both; OSError or SnapshotError
    when it cannot). The clock moves forward to where it stood when the snapshot was written
    if it shows an earlier instant (it never goes back)."""
    header, payload = read_header(data)
    services = emulator.services
    try:
        state = _Unpickler(io.BytesIO(payload), services, segment).load()
        if not isinstance(state, dict) or set(state) != set(SAVED):
            raise pickle.UnpicklingError("not the services of an emulator")
    except SnapshotError:
        raise
    except OSError as error:
        raise SnapshotError(f"cannot read the object bytes it names: "
                            f"{error.strerror or error}") from None
    except Exception as error:   # the checksum matched: a snapshot of something else
        raise SnapshotError(f"cannot load the state (written by s3emu {header.version}): "
                            f"{type(error).__name__}: {error}") from None
    emulator._replace_state(state)
    number_after(max((upload.sequence for bucket in state["store"].buckets.values()
                      for upload in bucket.uploads.values()), default=-1))
    if header.clock:
        saved = datetime.fromisoformat(header.clock)
        if saved > services.clock.now():
            services.clock.set(saved)
    return header
