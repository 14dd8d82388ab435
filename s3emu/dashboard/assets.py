"""The dashboard's static files (package data in ``static/``) and the headers they go with.

This module imports only the standard library.
"""
from __future__ import annotations

from importlib import resources

#: The files, by name, with their content types (nothing else under ``static/`` is served).
FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}

#: The page runs only its own script and style, talks only to its own origin, cannot be framed
#: or post forms anywhere, and sends no Referer (the page's hash holds bucket and key names).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

#: Headers of every static answer.
HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)


def asset(name: str) -> tuple[str, bytes] | None:
    """``(content type, bytes)`` of the static file ``name``; None if there is none. Read on
    every request (a few kilobytes, for one person's browser: not worth a memo)."""
    content_type = FILES.get(name)
    if content_type is None:
        return None
    package = __name__.rpartition(".")[0]
    data = resources.files(package).joinpath("static").joinpath(name).read_bytes()
    return content_type, data
