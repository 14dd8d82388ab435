"""``mock_s3``: serve S3 in-process with an Emulator, as a context manager or a decorator.

While a mock is active:

- every S3 request from botocore (clients made before or during the mock), ``requests`` and
  urllib3 is served by the innermost active mock's Emulator, in-process (:mod:`.intercept`),
  and so is every one from aiobotocore (aioboto3, s3fs) when it is installed
  (:mod:`.aiobotocore_patches`);
- botocore and aiobotocore sign with the emulator's clock (SigV4 ``X-Amz-Date``, SigV2
  ``Expires`` and ``Date``, presigned POST policies), and their retry back-off sleeps advance
  that clock instead of waiting;
- credentials default to the emulator's: a client made without explicit keys gets the
  emulator's first user (``testing``/``testing``), and an S3 client whose keys came from the
  environment, a profile or an instance role signs with them instead, so real credentials never
  sign anything; ``AWS_DEFAULT_REGION`` is the emulator's region.

Patches (:mod:`.intercept`, :mod:`.botocore_patches`, :mod:`.aiobotocore_patches`) are
installed when the first mock starts and removed, exactly, when the last one stops (also when
the body raises); mocks nest, the innermost wins.
State is per mock: each one starts with a new, empty Emulator unless given one.
"""
from __future__ import annotations

import functools
import inspect
import os
import threading
from typing import Any, Callable, TypeVar

from .emulator import Emulator
from .botocore_patches import patch_clock, patch_credentials
from .intercept import Installation, importable, install
from .moto_guard import moto_loaded, patch_moto

F = TypeVar("F", bound=Callable[..., Any])

_LOCK = threading.RLock()
_ACTIVE: list[MockS3] = []
_INSTALLED: list[Installation] = []
#: Environment variables set while a mock is active (the values of the innermost mock).
_ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
             "AWS_SECURITY_TOKEN", "AWS_DEFAULT_REGION")
_saved_env: dict[str, str | None] = {}
#: called with the Emulator of each mock that starts (see :func:`on_start`)
_WATCHERS: list[Callable[[Emulator], None]] = []


def on_start(watcher: Callable[[Emulator], None]) -> Callable[[], None]:
    """Call ``watcher(emulator)`` whenever a mock starts from now on (the pytest plugin shows
    the requests of a mock a failed test started); returns the function that stops it."""
    _WATCHERS.append(watcher)

    def stop() -> None:
        if watcher in _WATCHERS:
            _WATCHERS.remove(watcher)
    return stop


def current() -> Emulator | None:
    """The Emulator of the innermost active mock, or None."""
    try:
        return _ACTIVE[-1].emulator
    except IndexError:  # none active (or the last one stopped meanwhile, in another thread)
        return None


def _top() -> MockS3 | None:
    try:
        return _ACTIVE[-1]
    except IndexError:  # none active (or the last one stopped meanwhile, in another thread)
        return None


class MockS3:
    """The object behind :func:`mock_s3`: a context manager, and a decorator via ``__call__``.

    :param emulator: serve with this Emulator (its state is shared); default a new one per use.
    :param options: arguments for a new :class:`Emulator` (``region``, ``credentials``,
        ``clock``, ``auth`` ...).
    """

    def __init__(self, emulator: Emulator | None = None, **options: Any) -> None:
        if emulator is not None and options:
            raise TypeError("pass either an emulator or Emulator options, not both")
        self._given = emulator
        self._options = options
        self.emulator: Emulator | None = emulator
        self._active = False
        self._credentials: Any = None

    # -- context manager -----------------------------------------------------------------
    def start(self) -> Emulator:
        """Start serving; returns the Emulator."""
        with _LOCK:
            if self._active:
                raise RuntimeError("this mock_s3 is already active")
            emu = self._given if self._given is not None else Emulator(**self._options)
            self.emulator = emu
            self._credentials = None
            if not _ACTIVE:
                _INSTALLED.append(_install_all())
                _saved_env.update({k: os.environ.get(k) for k in _ENV_KEYS})
            _ACTIVE.append(self)
            self._active = True
            _apply_env()
        for watcher in list(_WATCHERS):
            watcher(emu)
        return emu

    def stop(self) -> None:
        """Stop serving (a no-op when not active); the last active mock removes the patches."""
        with _LOCK:
            if not self._active:
                return
            self._active = False
            _ACTIVE.remove(self)
            if _ACTIVE:
                _apply_env()
            else:
                _restore_env()
                _INSTALLED.pop().undo()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def active(self) -> bool:
        return self._active

    def botocore_credentials(self) -> Any:
        """This mock's emulator credentials as a botocore ``Credentials`` object."""
        if self._credentials is None:
            from botocore.credentials import Credentials
            assert self.emulator is not None
            user = self.emulator.default_user
            self._credentials = Credentials(user.access_key, user.secret, method="s3emu")
        return self._credentials

    def _copy(self) -> MockS3:
        return MockS3(self._given, **self._options)

    # -- decorator -------------------------------------------------------------------------
    def __call__(self, target: F) -> F:
        """Decorate a function, coroutine function, method or class (each test method, or
        for a ``unittest.TestCase`` each test from ``setUp`` to its cleanups)."""
        if inspect.isclass(target):
            return _decorate_class(target, self)  # type: ignore[return-value]
        if not callable(target):
            raise TypeError(f"mock_s3 cannot decorate {target!r}")
        if inspect.iscoroutinefunction(target):
            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._copy():
                    return await target(*args, **kwargs)
            return run_async  # type: ignore[return-value]

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._copy():
                return target(*args, **kwargs)
        return run  # type: ignore[return-value]

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<MockS3 {state} {self.emulator!r}>"


def mock_s3(target: Any = None, /, *, emulator: Emulator | None = None,
            **options: Any) -> Any:
    """Serve S3 in-process with an Emulator.

    .. code-block:: python

        with s3emu.mock_s3() as emu:          # a new, empty Emulator
            boto3.client("s3").create_bucket(Bucket="b")

        @s3emu.mock_s3                         # a function, coroutine, method or class
        def test_upload(): ...

        @s3emu.mock_s3(region="eu-west-1")    # Emulator options
        @s3emu.mock_s3(emulator=emu)          # share an existing Emulator's state

    Inside a decorated function, :func:`current` returns the Emulator.
    """
    if target is not None:
        return MockS3(emulator, **options)(target)
    return MockS3(emulator, **options)


def _decorate_class(cls: type, mock: MockS3) -> type:
    import unittest
    if issubclass(cls, unittest.TestCase):
        original = cls.__dict__.get("setUp")
        inherited = cls.setUp

        def setUp(self: Any) -> None:  # noqa: N802 - unittest's name
            active = mock._copy()
            active.start()
            self.addCleanup(active.stop)
            (original or inherited)(self)
        functools.update_wrapper(setUp, original or inherited)
        setattr(cls, "setUp", setUp)  # noqa: B010 - mypy refuses `cls.setUp = ...`
        return cls
    for name, attr in list(vars(cls).items()):
        if not name.startswith("test"):
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            setattr(cls, name, type(attr)(mock(attr.__func__)))
        elif inspect.isfunction(attr):
            setattr(cls, name, mock(attr))
    return cls


# -- environment ---------------------------------------------------------------------------
def _apply_env() -> None:
    emu = current()
    assert emu is not None
    user = emu.default_user
    wanted = {"AWS_ACCESS_KEY_ID": user.access_key, "AWS_SECRET_ACCESS_KEY": user.secret,
              "AWS_SESSION_TOKEN": None, "AWS_SECURITY_TOKEN": None,
              "AWS_DEFAULT_REGION": emu.region}
    _set_env(wanted)


def _restore_env() -> None:
    _set_env(_saved_env)
    _saved_env.clear()


def _set_env(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        elif os.environ.get(key) != value:
            os.environ[key] = value


# -- patches -----------------------------------------------------------------------------
def _install_all() -> Installation:
    """Every patch, served by the innermost mock: requests, botocore's clock, credentials,
    aiobotocore's (when it is installed), and moto's stubber when moto is loaded."""
    done = install(current)
    try:
        if importable("botocore"):
            patch_clock(done, current)
            patch_credentials(done, _top)
        if importable("aiobotocore"):  # async clients: aiobotocore, aioboto3, s3fs
            from .aiobotocore_patches import patch_aiobotocore
            patch_aiobotocore(done, current, _top)
        if moto_loaded():           # moto's mock_aws would answer S3 first (s3emu.moto_guard)
            patch_moto(done, current)
    except BaseException:
        done.undo()
        raise
    return done
