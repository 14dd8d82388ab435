"""The patches ``mock_s3`` makes to aiobotocore (and so to aioboto3 and s3fs), when it is
importable: the same rules as botocore's (:mod:`s3emu.intercept`, :mod:`s3emu.botocore_patches`).

- Serving: ``AioEndpoint._send``, for endpoints whose prefix is ``s3`` (every async client,
  made before or during the mock): the request goes to :func:`s3emu.intercept.call_app`, no
  aiohttp session and no socket; the response is an ``AioAWSResponse`` over
  :class:`AsyncBody`, the part of aiohttp's ``ClientResponse`` that aiobotocore reads.
- Clock: the presigned POST policy (``aiobotocore.signers``) is dated by the emulator's clock
  (the SigV4 / SigV2 signers are botocore's, already patched), and the retry back-off
  (``asyncio.sleep`` in ``aiobotocore.endpoint``) advances the clock instead of waiting.
- Credentials: ``AioSession.get_credentials`` and ``AioRequestSigner.get_auth_instance``
  give S3 requests the mock's credentials unless the caller chose keys in code
  (:data:`~s3emu.botocore_patches.EXPLICIT_CREDENTIALS`).

aiobotocore is imported by :func:`patch_aiobotocore`, never at import time; every patch goes
through the :class:`~s3emu.intercept.Installation`, whose ``undo`` puts back what was there.
"""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

from .botocore_patches import EXPLICIT_CREDENTIALS, _Clocked, _Credentialed, signing_clock
from .intercept import SERVED, Installation, Response, call_app, closed_by_fault, cut_short
from .messages import Serves


def patch_aiobotocore(done: Installation, current: Callable[[], Any],
                      top: Callable[[], _Credentialed | None]) -> None:
    """Serve aiobotocore's S3 requests with ``current()`` (an Emulator), on its clock, signed
    with ``top()``'s credentials (a MockS3); each asked at every request (None: as usual)."""
    patch_send(done, current)
    patch_clock(done, current)
    patch_credentials(done, top)


class _Content:
    """``ClientResponse.content`` (aiohttp's ``StreamReader``) as aiobotocore reads it."""

    def __init__(self, raw: Response) -> None:
        self._raw = raw

    async def read(self, n: int = -1) -> bytes:
        return self._raw.read(None if n is None or n < 0 else n)

    def at_eof(self) -> bool:
        return self._raw.at_end()


class AsyncBody:
    """The raw response aiobotocore wraps (``AioAWSResponse.raw``, its streaming body): what
    it reads of aiohttp's ``ClientResponse`` — ``read()``, ``content.read(n)``,
    ``content.at_eof()``, ``url``, ``status``, ``close()`` and ``async with``."""

    def __init__(self, raw: Response, url: str) -> None:
        self._raw = raw
        self.url = url
        self.status = raw.status
        self.content = _Content(raw)

    async def read(self) -> bytes:
        return self._raw.read()

    def at_eof(self) -> bool:
        return self._raw.at_end()

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def close(self) -> None:
        self._raw.close()

    def release(self) -> None:
        self._raw.close()

    async def wait_for_close(self) -> None:
        self._raw.close()

    async def __aenter__(self) -> AsyncBody:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._raw.close()


async def read_body(body: Any) -> Any:
    """The request body as :func:`~s3emu.intercept.call_app` takes it: aiobotocore's
    aws-chunked framing (``AioAwsChunkedWrapper``) and other async readers read whole here;
    bytes, sync files and iterables as they are."""
    if body is None or isinstance(body, (bytes, bytearray, memoryview, str)):
        return body
    read = getattr(body, "read", None)
    if read is None:
        return body
    data = read()
    if inspect.isawaitable(data):
        data = await data
    return data


def patch_send(done: Installation, current: Callable[[], Serves | None]) -> None:
    """``AioEndpoint._send`` serves S3 requests with ``current()`` in-process."""
    from aiobotocore.awsrequest import AioAWSResponse
    from aiobotocore.endpoint import AioEndpoint

    from .faults import ConnectionReset

    ClosedByFault = closed_by_fault()
    real_send = AioEndpoint._send

    async def _send(endpoint: Any, request: Any) -> Any:
        emu = current()
        if emu is None or endpoint._endpoint_prefix not in SERVED:
            return await real_send(endpoint, request)
        url = request.url
        body = await read_body(request.body)
        try:
            raw = call_app(emu, request.method, url, request.headers, body)
        except ConnectionReset as error:
            raise ClosedByFault(endpoint_url=url, error=error, request=request) from None
        response = AioAWSResponse(url, raw.status, raw.headers, AsyncBody(raw, url))
        if not request.stream_output:  # read now, as aiobotocore's own session does
            content = await response.content
            if raw.fault == "truncate":  # a socket would have seen the connection close early
                raise cut_short(url, request, len(content))
        return response

    done.set(AioEndpoint, "_send", _send)


class _VirtualAsyncio:
    """The ``asyncio`` module where aiobotocore's endpoint sleeps between retries: the sleep
    advances ``current()``'s clock (and yields to the loop once) instead of waiting."""

    def __init__(self, current: Callable[[], _Clocked | None]) -> None:
        self._current = current

    async def sleep(self, delay: float, result: Any = None) -> Any:
        emu = self._current()
        if emu is None:
            return await asyncio.sleep(delay, result)
        emu.clock.sleep(delay)
        await asyncio.sleep(0)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def patch_clock(done: Installation, current: Callable[[], _Clocked | None]) -> None:
    """aiobotocore's presigned POST policy is dated by ``current()``'s clock and its retry
    back-off advances it (botocore's signers, which aiobotocore signs with, are patched by
    :func:`s3emu.botocore_patches.patch_clock`)."""
    import aiobotocore.endpoint
    import aiobotocore.signers

    done.set(aiobotocore.signers, "get_current_datetime", signing_clock(current))
    done.set(aiobotocore.endpoint, "asyncio", _VirtualAsyncio(current))


def patch_credentials(done: Installation, current: Callable[[], _Credentialed | None]) -> None:
    """aiobotocore sessions and S3 request signers use ``current()``'s credentials, unless
    the caller chose keys in code; when ``current()`` is None, aiobotocore's own."""
    from aiobotocore.credentials import AioCredentials
    from aiobotocore.session import AioSession
    from aiobotocore.signers import AioRequestSigner

    def mock_credentials(top: _Credentialed) -> Any:
        keys = top.botocore_credentials()
        return AioCredentials(keys.access_key, keys.secret_key, keys.token, method=keys.method)

    async def get_credentials(session: Any) -> Any:
        chosen = session._credentials
        if chosen is not None and getattr(chosen, "method", None) in EXPLICIT_CREDENTIALS:
            return chosen
        top = current()
        if top is None:
            return await real_get_credentials(session)
        return mock_credentials(top)

    async def get_auth_instance(signer: Any, signing_name: str, region_name: str,
                                signature_version: Any = None, request_credentials: Any = None,
                                **kwargs: Any) -> Any:
        top = current() if signing_name == "s3" else None
        if top is not None:
            chosen = request_credentials or signer._credentials
            if chosen is None or getattr(chosen, "method", None) not in EXPLICIT_CREDENTIALS:
                request_credentials = mock_credentials(top)
        return await real_get_auth_instance(signer, signing_name, region_name,
                                            signature_version, request_credentials, **kwargs)

    real_get_credentials = AioSession.get_credentials
    real_get_auth_instance = AioRequestSigner.get_auth_instance
    done.set(AioSession, "get_credentials", get_credentials)
    done.set(AioRequestSigner, "get_auth_instance", get_auth_instance)
