"""The request as the signers see it, and what a verified signature yields.

:class:`Request` carries the raw path and query (signatures are computed over what the client
sent, not over decoded values), the lower-case headers, the emulator's current time and the
region a signature must be scoped to. :class:`Verified` is a successful check: the user, and for
SigV4 what streaming chunk signatures chain from. :class:`Authenticated` is what
authentication gives the rest of the request: the user, the credential it presented, and the
check its body must pass once read.

This module imports only the standard library.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple
from collections.abc import Callable, Mapping

if TYPE_CHECKING:
    from ..protocol.chunked import Decoded
    from .identify import Credential
    from .signing import SigningKey
    from .users import User


class Request(NamedTuple):
    """One request, for signature checks."""

    method: str
    raw_path: str
    raw_query: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    bucket: str | None
    virtual_host: bool
    now: datetime
    #: the region a SigV4 scope must name; None accepts any region
    expected_region: str | None = None
    #: True when ``expected_region`` is the addressed bucket's region
    region_from_bucket: bool = False
    #: the credential as read from the request (None: read it again)
    credential: Credential | None = None


class Verified(NamedTuple):
    """A signature that checked out."""

    user: User
    #: SigV4 only: signing key, credential scope, request timestamp and seed signature
    key: SigningKey | None = None
    scope: str = ""
    timestamp: str = ""
    signature: str = ""


class Authenticated(NamedTuple):
    """Who a request comes from, as authentication found it."""

    user: User
    #: the credential the request presented (scheme, access key, scope region)
    credential: Credential
    #: run on the decoded body when the signature covers it (XAmzContentSHA256Mismatch, the
    #: chunk signature chain); None when there is nothing to check
    payload_check: Callable[[Decoded], None] | None = None
