"""What every signer shares: S3's URI encoding, SigV4 signing keys, timestamps, comparisons.

- :func:`canonical_uris` and :func:`canonical_query` turn the raw request target into SigV4's
  canonical form (S3 encodes the path only once and never normalises it; query names and
  values are decoded once and re-encoded with the unreserved set, then sorted).
- :func:`signing_key` derives the SigV4 key for ``(secret, date, region, service)`` (the
  emulator's :class:`~.users.Users` memoizes it, per emulator) and :func:`sign_hex` signs
  with it.
- :func:`mismatch` builds S3's SignatureDoesNotMatch with the string to sign (and the canonical
  request) and their hex bytes. The secret never appears in any error.

This module imports only the standard library and errors.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timezone
from typing import Any, NamedTuple
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote, unquote_to_bytes

from ..errors import S3Error, SignatureDoesNotMatch
from ..memo import memo

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_ECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
#: Every x-amz-content-sha256 value S3 accepts besides a hex SHA-256.
PAYLOAD_TOKENS = (UNSIGNED_PAYLOAD, STREAMING_UNSIGNED_TRAILER, STREAMING_SIGNED,
                  STREAMING_SIGNED_TRAILER, STREAMING_ECDSA, STREAMING_ECDSA_TRAILER)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: S3 refuses requests whose time is more than this far from its own clock.
MAX_SKEW_SECONDS = 15 * 60
SIGV4_TIME_FORMAT = "%Y%m%dT%H%M%SZ"

_PLAIN_PATH = re.compile(r"[A-Za-z0-9\-._~/]*\Z")
_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]*\Z")
_HEX_DIGITS = "0123456789abcdefABCDEF"
#: the ASCII characters ``str.split()`` splits at
_ASCII_SPACE = b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def is_sha256_hex(value: str) -> bool:
    return len(value) == 64 and not value.strip(_HEX_DIGITS)


def canonical_uris(raw_path: str) -> tuple[str, ...]:
    """The SigV4 canonical URI of a raw (still percent-encoded) request path: the path as
    sent and, when it differs, the path decoded once and re-encoded with S3's rules (clients
    differ in which characters they escape on the wire; either form is accepted)."""
    if not raw_path:
        return ("/",)
    if _PLAIN_PATH.match(raw_path):
        return (raw_path,)
    encoded = quote(unquote_to_bytes(raw_path), safe="/~")
    return (raw_path,) if encoded == raw_path else (raw_path, encoded)


def _encode(text: str, plus: str = "+") -> str:
    if _UNRESERVED.match(text):     # decoding and re-encoding would give it back as it is
        return text
    if plus != "+":
        text = text.replace("+", plus)
    return quote(unquote(text, errors="surrogateescape"), safe="-_.~",
                 errors="surrogateescape")


def query_pairs(raw_query: str) -> list[tuple[str, str]]:
    """``(name, value)`` pairs of a raw query string, still encoded, in order."""
    if not raw_query:
        return []
    return [pair.partition("=")[::2] for pair in raw_query.split("&") if pair]


def canonical_query(raw_query: str, *, without: str | None = None, plus: str = "+") -> str:
    """The SigV4 canonical query string (``without`` names a parameter to leave out; ``plus``
    is what a raw ``+`` stands for)."""
    pairs = []
    for name, value in query_pairs(raw_query):
        name = _encode(name, plus)
        if name != without:
            pairs.append((name, _encode(value, plus)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


@memo(1024)     # the same few queries come again and again (see s3emu.memo)
def canonical_queries(raw_query: str, *, without: str | None = None) -> tuple[str, ...]:
    """The canonical query; when the raw query holds a ``+``, both readings of it (a literal
    plus, and a space as form encoding writes it; which one a client signed varies)."""
    if not raw_query:
        return ("",)
    first = canonical_query(raw_query, without=without)
    if "+" not in raw_query:
        return (first,)
    return (first, canonical_query(raw_query, without=without, plus=" "))


def trim(value: str) -> str:
    """A header value with outer space removed and inner runs of space made single."""
    if value.isprintable() and "  " not in value and value.strip(" ") == value:
        return value     # no whitespace but single inner spaces: nothing to change
    return " ".join(value.split())


def as_sent(value: str) -> str:
    """A header value as the text of the bytes the client sent.

    Header values arrive as Latin-1 text of their bytes (a server decodes them so, and an HTTP
    client encodes ``str`` values so); signatures are computed over those bytes. They are
    returned as UTF-8 text (undecodable bytes kept as surrogates) like everything else a
    canonical request or string to sign holds, so that encoding it gives the bytes as sent."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not Latin-1 text: characters handed over in-process as is
        return value


def canonical_headers(names: Iterable[str], headers: Mapping[str, str]) -> str:
    """``name:value\\n`` for each signed header name (values trimmed, as sent)."""
    get = headers.get
    lines = []
    for name in names:          # a loop, not a comprehension: no function made per call
        lines.append(f"{name}:{get(name, '')}\n")
    text = "".join(lines)
    if text.isascii():          # whitespace but the newlines? (what split() takes, faster)
        spaced = len(text) - len(text.encode().translate(None, _ASCII_SPACE)) != len(lines)
    else:
        lines = [f"{name}:{as_sent(get(name, ''))}\n" for name in names]
        text = "".join(lines)
        spaced = len(text.split()) != len(lines)
    if spaced:
        # some line holds whitespace besides its newline: each value is trimmed (values
        # without any whitespace are their own trimmed form)
        text = "".join([f"{name}:{trim(as_sent(get(name, '')))}\n" for name in names])
    return text


def sha256_hex(text: str | bytes) -> str:
    """Hex SHA-256 of a short text (a canonical request, trailer lines)."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()   # OpenSSL's: SHA-NI where the CPU has it


class SigningKey(NamedTuple):
    """A SigV4 signing key, as the states of SHA-256 after its HMAC inner and outer pads
    (RFC 2104): :func:`sign_hex` copies them instead of hashing the pads again."""

    inner: Any
    outer: Any


_INNER = bytes(b ^ 0x36 for b in range(256))
_OUTER = bytes(b ^ 0x5C for b in range(256))


def signing_key(secret: str, date: str, region: str, service: str = "s3") -> SigningKey:
    """The SigV4 signing key for ``date`` (YYYYMMDD), ``region`` and ``service``."""
    key = hmac.digest(f"AWS4{secret}".encode(), date.encode(), "sha256")
    for part in (region, service, "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    block = key.ljust(64, b"\0")     # 32 bytes: shorter than SHA-256's block, never hashed
    return SigningKey(hashlib.sha256(block.translate(_INNER)),
                      hashlib.sha256(block.translate(_OUTER)))


def sign_hex(key: SigningKey, text: str) -> str:
    """Lower-case hex HMAC-SHA256 of ``text`` under ``key``.

    Written out (RFC 2104, from the key's pad states) instead of the standard library's
    ``hmac``, because it pays: OpenSSL's HMAC sets up a fresh context on every call, and
    between botocore's calls (cold CPU caches) that costs 7.6-10.4 µs more a request, 1.6-1.8%
    (``bench/tricks.py``; hot in a loop, 1.0 against 2.5 µs)."""
    inner = key.inner.copy()
    inner.update(text.encode("utf-8", "surrogateescape"))
    outer = key.outer.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def same(given: str, expected: str) -> bool:
    """Constant-time string comparison."""
    if given.isascii() and expected.isascii():
        return hmac.compare_digest(given, expected)
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"),
                               expected.encode("utf-8", "surrogateescape"))


def hex_bytes(text: str) -> str:
    """``"41 57 53 ..."``: the bytes of ``text`` as S3 lists them in SignatureDoesNotMatch."""
    return " ".join(f"{b:02x}" for b in text.encode("utf-8", "surrogateescape"))


#: an SSE-C key in a header line (``name:value``) or a query parameter (``name=value``) of
#: a canonical request or string to sign; the key-MD5 headers are not matched (S3 echoes them)
_SSE_C_KEY = re.compile(
    r"((?:^|&|\n)x-amz-(?:copy-source-)?server-side-encryption-customer-key[:=])[^\n&]*",
    re.IGNORECASE)
#: what an SSE-C key is shown as in SignatureDoesNotMatch
REDACTED = "REDACTED"


def redact(text: str) -> str:
    """``text`` with every SSE-C key value replaced by ``REDACTED``."""
    if "customer-key" not in text.lower():
        return text
    return _SSE_C_KEY.sub(lambda m: m.group(1) + REDACTED, text)


def mismatch(access_key: str, string_to_sign: str, provided: str,
             canonical_request: str | None = None) -> S3Error:
    """S3's SignatureDoesNotMatch, with what S3 computed (never the secret, and never an SSE-C
    key: a key's value in the string to sign or canonical request is shown as ``REDACTED``)."""
    string_to_sign = redact(string_to_sign)
    fields: dict[str, Any] = {"AWSAccessKeyId": access_key, "StringToSign": string_to_sign,
              "SignatureProvided": provided, "StringToSignBytes": hex_bytes(string_to_sign)}
    if canonical_request is not None:
        canonical_request = redact(canonical_request)
        fields["CanonicalRequest"] = canonical_request
        fields["CanonicalRequestBytes"] = hex_bytes(canonical_request)
    return SignatureDoesNotMatch(**fields)


def parse_amz_date(text: str) -> datetime | None:
    """An ISO 8601 basic timestamp (``20250101T000000Z``) or None."""
    if len(text) != 16 or not text.isascii() or text[8] != "T" or text[15] != "Z" or not (
            text[:8].isdigit() and text[9:15].isdigit()):
        return None
    try:
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[9:11]),
                        int(text[11:13]), int(text[13:15]), tzinfo=timezone.utc)
    except ValueError:
        return None


def iso_seconds(when: datetime) -> str:
    """``2025-01-01T00:00:00Z``: how S3 writes ServerTime and Expires in auth errors."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
