"""``mock_s3``: serve S3 requests in-process with an Emulator, as a context manager or decorator.

While active, botocore's ``URLLib3Session.send`` hands S3 requests to the emulator's WSGI app
(no socket), botocore signs with the emulator's clock, and retry back-off sleeps advance that
clock instead of waiting. Everything patched is restored exactly on exit.
"""
from __future__ import annotations

import functools
import inspect
import os
import re
import threading
from contextlib import ExitStack
from typing import Any, Callable
from unittest import mock

from .emulator import Emulator
from .intercept import call_app

_S3_HOST = re.compile(r"(^|\.)s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?(:\d+)?$", re.I)
_ACTIVE: list["MockS3"] = []
_ACTIVE_LOCK = threading.Lock()


def is_s3_request(url: str, headers: Any) -> bool:
    """True for requests S3 would receive: an S3 host, or a signature scoped to service s3."""
    from urllib.parse import urlsplit
    host = urlsplit(url).netloc
    if _S3_HOST.search(host):
        return True
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode("latin-1")
    if "/s3/aws4_request" in auth or auth.startswith("AWS "):
        return True
    return "%2Fs3%2Faws4_request" in url or "AWSAccessKeyId=" in url


class _VirtualTime:
    """Stands in for the ``time`` module where botocore reads time or sleeps."""

    def __init__(self, emu: Emulator) -> None:
        import time as real
        self._real = real
        self._emu = emu

    def time(self) -> float:
        return self._emu.clock.timestamp()

    def sleep(self, seconds: float) -> None:
        self._emu.clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class MockS3:
    """The object behind :func:`mock_s3`."""

    def __init__(self, emulator: Emulator | None = None, **options: Any) -> None:
        self._given = emulator
        self._options = options
        self.emulator: Emulator | None = emulator
        self._stack: ExitStack | None = None

    # -- context manager -----------------------------------------------------------------
    def __enter__(self) -> Emulator:
        if self._stack is not None:
            raise RuntimeError("this mock_s3 is already active")
        emu = self._given or Emulator(**self._options)
        self.emulator = emu
        self._stack = _patches(emu)
        with _ACTIVE_LOCK:
            _ACTIVE.append(self)
        return emu

    def __exit__(self, *exc: Any) -> None:
        stack, self._stack = self._stack, None
        with _ACTIVE_LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)
        if stack is not None:
            stack.close()
        if self._given is None:
            self.emulator = None

    start = __enter__

    def stop(self) -> None:
        self.__exit__(None, None, None)

    # -- decorator -------------------------------------------------------------------------
    def __call__(self, func: Any) -> Any:
        if inspect.isclass(func):
            return _decorate_class(func, self._given, self._options)
        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with MockS3(self._given, **self._options):
                    return await func(*args, **kwargs)
            return run_async

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with MockS3(self._given, **self._options):
                return func(*args, **kwargs)
        return run


def _decorate_class(cls: type, emulator: Emulator | None, options: dict[str, Any]) -> type:
    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and callable(attr):
            setattr(cls, name, MockS3(emulator, **options)(attr))
    return cls


def mock_s3(func: Callable[..., Any] | None = None, /, *, emulator: Emulator | None = None,
            **options: Any) -> Any:
    """Serve S3 in-process with an Emulator.

    ``with mock_s3() as emu: ...``, ``@mock_s3``, ``@mock_s3(region="eu-west-1")``, or
    ``mock_s3(emulator=emu)`` to share an existing Emulator. Options are Emulator arguments.
    """
    if func is not None and callable(func):
        return MockS3(emulator, **options)(func)
    return MockS3(emulator, **options)


def _patches(emu: Emulator) -> ExitStack:
    from botocore import awsrequest
    from botocore.httpsession import URLLib3Session

    real_send = URLLib3Session.send

    def send(session: Any, request: Any) -> Any:
        if not is_s3_request(request.url, request.headers):
            return real_send(session, request)
        response = call_app(emu, request.method, request.url, request.headers.items(),
                            request.body)
        http_response = awsrequest.AWSResponse(request.url, response.status,
                                               response.headers, response)
        if not request.stream_output:
            http_response.content  # noqa: B018 - read it now, as botocore does
        return http_response

    def signer_now(remove_tzinfo: bool = True) -> Any:
        now = emu.clock.now()
        return now.replace(tzinfo=None) if remove_tzinfo else now

    stack = ExitStack()
    try:
        stack.enter_context(mock.patch.object(URLLib3Session, "send", send))
        for where in ("botocore.auth", "botocore.signers"):
            stack.enter_context(mock.patch(f"{where}.get_current_datetime", signer_now))
        virtual = _VirtualTime(emu)
        for where in ("botocore.auth", "botocore.endpoint"):
            stack.enter_context(mock.patch(f"{where}.time", virtual))
        stack.enter_context(mock.patch.dict(os.environ, _credential_env(emu)))
    except BaseException:
        stack.close()
        raise
    return stack


def _credential_env(emu: Emulator) -> dict[str, str]:
    user = emu.default_user
    return {"AWS_ACCESS_KEY_ID": user.access_key, "AWS_SECRET_ACCESS_KEY": user.secret,
            "AWS_DEFAULT_REGION": emu.region}
