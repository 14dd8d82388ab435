"""The dashboard under ``/_s3emu/ui/``: a small static page (HTML, JS, CSS shipped as package
data, no build step) and the read-only JSON views its script needs besides the admin API.

``/_s3emu/ui/`` and its assets are what a browser fetches by navigating, which cannot send the
admin header: they pass every rule of :class:`~s3emu.admin.AdminAccess` but that one (loopback
or allowed Host, no foreign Origin, the API not turned off or refused on a non-loopback
address), and reveal nothing but the page itself. Everything that reads state (``ui/api/...``
here, and the admin endpoints the page calls) keeps the full rules: the page's script sends
the :data:`~s3emu.admin.ADMIN_HEADER` header (``1``, or the token the user types in), a custom
header that forces a CORS preflight s3emu never grants, so no other origin can read them.

=====================================  ===================================================
Path (under ``/_s3emu/ui/``)           What it answers
=====================================  ===================================================
(the page), ``app.js``, ``style.css``  the static page, with a restrictive
                                       Content-Security-Policy
``api/buckets``                        every bucket: region, creation, versioning, objects
``api/objects?bucket=&prefix=&after=`` one page of keys and common prefixes (delimiter /)
``api/object?bucket=&key=&version=``   one version's properties, metadata, tags, and the
                                       key's versions
``api/download?bucket=&key=&version=`` its bytes, as an attachment (octet-stream, sandboxed)
=====================================  ===================================================

This package imports only the standard library and s3emu's messages and model.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol, Union
from urllib.parse import parse_qsl

from ..messages import Inbound, Outcome
from . import assets, browse
from .browse import Refused

if TYPE_CHECKING:
    from ..model.store import Store

__all__ = ["Refused", "serve"]

#: The page's path; its assets and API are below it.
UI_PATH = "/_s3emu/ui/"


class Viewed(Protocol):
    """What the dashboard reads (an :class:`~s3emu.Emulator` is one)."""

    @property
    def store(self) -> Store: ...


#: A JSON answer (status, data) for the admin API to render, or a whole response.
Answer = Union[Outcome, "tuple[int, Any]"]


def serve(emu: Viewed, inbound: Inbound, parts: list[str],
          check: Callable[..., None]) -> Answer:
    """Answer a request for ``/_s3emu/ui/<parts>``. ``check(inbound, page=...)`` refuses what
    the admin rules refuse (it raises); :class:`Refused` for the dashboard's own errors."""
    method = inbound.method
    if parts[:1] == ["api"]:
        check(inbound)
        _allow(method)
        answer = browse.answer(emu.store, parts[1:], _query(inbound))
        if isinstance(answer, Outcome) and method == "HEAD":
            answer.body = []
        return answer
    check(inbound, page=True)
    _allow(method)
    name = "/".join(parts) or "index.html"
    if not parts and not inbound.environ.get("PATH_INFO", "").endswith("/"):
        return Outcome("308 Permanent Redirect", [("Location", UI_PATH),
                                                  ("Content-Length", "0")], [])
    found = assets.asset(name)
    if found is None:
        raise Refused(404, f"the dashboard has no page {name[:100]!r}; it is at {UI_PATH}")
    content_type, body = found
    return Outcome("200 OK", [("Content-Type", content_type),
                              ("Content-Length", str(len(body))), *assets.HEADERS],
                   [] if method == "HEAD" else [body])


def _allow(method: str) -> None:
    if method not in ("GET", "HEAD"):
        raise Refused(405, "the dashboard only reads: use GET here")


def _query(inbound: Inbound) -> dict[str, str]:
    pairs = parse_qsl(inbound.environ.get("QUERY_STRING", ""), keep_blank_values=True)
    query: dict[str, str] = {}
    for name, value in pairs:
        if name in query:
            raise Refused(400, f"{name[:40]!r} is given twice")
        query[name] = value
    return query
