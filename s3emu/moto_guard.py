"""``mock_s3`` next to moto's ``mock_aws``: while a ``mock_s3`` is active, S3 is s3emu's.

moto answers botocore requests from a ``before-send`` handler (its ``BotocoreStubber``), which
botocore calls before the transport that :mod:`s3emu.intercept` patches, and ``requests``
calls through the ``responses`` library, whose callbacks go to the same stubber. Without this
module a ``mock_s3`` started inside ``mock_aws`` (or the reverse) would be bypassed for S3
without a word. :func:`patch_moto` patches the stubber so that, while a mock is active:

- a botocore S3 request passes moto by (the stubber answers nothing), so it reaches s3emu;
- a ``requests`` call to an S3 URL that moto's ``responses`` mock caught is served by s3emu
  (the stubber's ``process_request``, which those callbacks call);

and every other AWS service stays moto's. It applies when moto is imported before the mock
starts (the usual order: imports at the top of the test module); moto imported later is not
seen, so ``mock_s3`` would still be bypassed while moto's mock is on.
This module imports moto only when it is already loaded, never on its own.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

from .intercept import Installation, call_app, is_s3_request
from .messages import Serves

#: the module that holds moto's stubber (moto 4 and 5)
STUBBER_MODULE = "moto.core.botocore_stubber"


def moto_loaded() -> bool:
    return STUBBER_MODULE in sys.modules


def patch_moto(done: Installation, current: Callable[[], Serves | None]) -> None:
    """While ``current()`` gives an emulator, S3 requests that moto would answer are s3emu's."""
    stubber_class = getattr(sys.modules[STUBBER_MODULE], "BotocoreStubber", None)
    if stubber_class is None:
        return
    real_call = stubber_class.__call__
    real_process = getattr(stubber_class, "process_request", None)

    def stub_call(stubber: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if current() is not None and event_name.split(".")[1:2] == ["s3"]:
            return None           # botocore goes on to its transport: s3emu's
        return real_call(stubber, event_name, request, **kwargs)

    def stub_process(stubber: Any, request: Any) -> Any:
        """What moto's ``responses`` callbacks reach (looked up at each call, so also for
        callbacks bound before the patch)."""
        emu = current()
        if emu is not None and is_s3_request(request.url, request.headers, request.body):
            answer = call_app(emu, request.method, request.url, request.headers,
                              request.body)
            return answer.status, dict(answer.headers), answer.read()
        assert real_process is not None
        return real_process(stubber, request)

    done.set(stubber_class, "__call__", stub_call)
    if real_process is not None:
        done.set(stubber_class, "process_request", stub_process)
