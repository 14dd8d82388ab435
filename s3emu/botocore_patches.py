"""The patches ``mock_s3`` adds to :func:`s3emu.intercept.install`'s: botocore's clock and
credentials.

:func:`patch_clock`: botocore signs with the emulator's clock (SigV4 headers and query, the
presigned POST policy, SigV2 ``Date`` and query ``Expires``, the CRT signer) and its retry
back-off sleeps advance it. :func:`patch_credentials`: botocore signs S3 requests with the
emulator's credentials unless the caller chose keys in code. Each patch goes through an
:class:`~s3emu.intercept.Installation`, whose ``undo`` puts back exactly what was there.
botocore is imported by the patches, never at import time.
"""
from __future__ import annotations

import email.utils
import time as _time
from datetime import datetime
from typing import Any, Callable, Protocol

from .intercept import Installation


class _Clock(Protocol):
    """What the clock patches read (an :class:`s3emu.Clock`)."""
    def now(self) -> datetime: ...
    def timestamp(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class _Clocked(Protocol):
    """What has the clock botocore should follow (an :class:`~s3emu.Emulator`)."""
    @property
    def clock(self) -> _Clock: ...


class _Credentialed(Protocol):
    """What has the credentials botocore should sign with (a :class:`~s3emu.mock.MockS3`)."""
    def botocore_credentials(self) -> Any: ...


#: botocore credential ``method`` values chosen in code (kept inside a mock; "s3emu": a mock's)
EXPLICIT_CREDENTIALS = frozenset({"explicit", "s3emu"})


class _VirtualTime:
    """The ``time`` module where botocore reads the time or sleeps: ``current()``'s clock."""

    def __init__(self, current: Callable[[], _Clocked | None]) -> None:
        self._current = current

    def time(self) -> float:
        emu = self._current()
        return emu.clock.timestamp() if emu is not None else _time.time()

    def sleep(self, seconds: float) -> None:
        emu = self._current()
        if emu is None:
            _time.sleep(seconds)
        else:
            emu.clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)


def signing_clock(current: Callable[[], _Clocked | None]) -> Callable[..., Any]:
    """botocore's ``get_current_datetime`` on ``current()``'s clock (the real time when
    ``current()`` is None): what the signers read the signing date from."""
    import botocore.compat

    def signing_now(remove_tzinfo: bool = True) -> Any:
        emu = current()
        if emu is None:
            return botocore.compat.get_current_datetime(remove_tzinfo)
        now = emu.clock.now()
        return now.replace(tzinfo=None) if remove_tzinfo else now
    return signing_now


def patch_clock(done: Installation, current: Callable[[], _Clocked | None]) -> None:
    """botocore signs with ``current()``'s clock (SigV4 headers and query, the presigned POST
    policy, SigV2 ``Date`` and query ``Expires``, the CRT signer when awscrt is installed) and
    its retry back-off sleeps advance it; when ``current()`` is None, the real time."""
    import botocore.auth
    import botocore.compat
    import botocore.endpoint
    import botocore.signers

    signing_now = signing_clock(current)

    def formatdate(timeval: float | None = None, localtime: bool = False,
                   usegmt: bool = False) -> str:
        if timeval is None:
            emu = current()
            timeval = emu.clock.timestamp() if emu is not None else None
        return email.utils.formatdate(timeval, localtime, usegmt)

    virtual = _VirtualTime(current)
    done.set(botocore.auth, "get_current_datetime", signing_now)      # SigV4, SigV4 query
    done.set(botocore.signers, "get_current_datetime", signing_now)   # presigned POST policy
    done.set(botocore.auth, "formatdate", formatdate)                 # SigV2 Date header
    done.set(botocore.auth, "time", virtual)                          # SigV2 query Expires
    done.set(botocore.endpoint, "time", virtual)                      # retry back-off sleep
    if botocore.compat.HAS_CRT:  # awscrt installed (boto3[crt]): S3 is signed by the CRT signer
        import botocore.crt.auth
        done.set(botocore.crt.auth, "get_current_datetime", signing_now)


def patch_credentials(done: Installation, current: Callable[[], _Credentialed | None]) -> None:
    """botocore sessions and S3 request signers use ``current()``'s credentials, unless the
    caller chose keys in code (:data:`EXPLICIT_CREDENTIALS`); when ``current()`` is None,
    botocore's own."""
    from botocore.session import Session
    from botocore.signers import RequestSigner

    def get_credentials(session: Any) -> Any:
        chosen = session._credentials
        if chosen is not None and getattr(chosen, "method", None) in EXPLICIT_CREDENTIALS:
            return chosen
        top = current()
        if top is None:
            return real_get_credentials(session)
        return top.botocore_credentials()

    def get_auth_instance(signer: Any, signing_name: str, region_name: str,
                          signature_version: Any = None, request_credentials: Any = None,
                          **kwargs: Any) -> Any:
        top = current() if signing_name == "s3" else None
        if top is not None:
            chosen = request_credentials or signer._credentials
            if chosen is None or getattr(chosen, "method", None) not in EXPLICIT_CREDENTIALS:
                request_credentials = top.botocore_credentials()
        return real_get_auth_instance(signer, signing_name, region_name, signature_version,
                                      request_credentials, **kwargs)

    real_get_credentials = Session.get_credentials
    real_get_auth_instance = RequestSigner.get_auth_instance
    done.set(Session, "get_credentials", get_credentials)
    done.set(RequestSigner, "get_auth_instance", get_auth_instance)
