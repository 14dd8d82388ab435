"""Who signed a request and for which region, read from its Authorization header or query.

This only reads the credential; verifying the signature is the job of the signers
(``sigv4``/``sigv2``). This module imports only the standard library, errors and :mod:`.sigv4`.
"""
from __future__ import annotations

from typing import Mapping, NamedTuple

from .sigv4 import usual_form


class Credential(NamedTuple):
    """The access key a request claims, the scheme it uses, and its scope's region (SigV4)."""

    access_key: str
    #: "sigv4", "sigv4-query", "sigv4a", "sigv2", "sigv2-query", "unknown" or "anonymous"
    scheme: str
    region: str | None = None


ANONYMOUS_CREDENTIAL = Credential("", "anonymous")


def _scope_parts(credential: str) -> tuple[str, str | None]:
    parts = credential.split("/")
    return parts[0], (parts[2] if len(parts) >= 5 else None)


def claimed_credential(headers: Mapping[str, str], query: Mapping[str, str]) -> Credential:
    """The credential a request presents (anonymous if none)."""
    auth = headers.get("authorization")
    if auth:
        if auth.startswith("AWS4-HMAC-SHA256"):
            usual = usual_form(auth)
            if usual is not None:
                key, region = _scope_parts(usual[0])
                return Credential(key, "sigv4", region)
            for part in auth[len("AWS4-HMAC-SHA256"):].split(","):
                name, _, value = part.strip().partition("=")
                if name == "Credential":
                    key, region = _scope_parts(value)
                    return Credential(key, "sigv4", region)
            return Credential("", "sigv4")
        if auth.startswith("AWS4-ECDSA-P256-SHA256"):
            return Credential("", "sigv4a")
        if auth.startswith("AWS "):
            return Credential(auth[4:].rpartition(":")[0], "sigv2")
        return Credential("", "unknown")
    if "X-Amz-Credential" in query or "X-Amz-Algorithm" in query or "X-Amz-Signature" in query:
        key, region = _scope_parts(query.get("X-Amz-Credential", ""))
        return Credential(key, "sigv4-query", region)
    if "AWSAccessKeyId" in query or "Signature" in query:
        return Credential(query.get("AWSAccessKeyId", ""), "sigv2-query")
    return ANONYMOUS_CREDENTIAL
