"""Who signed a request and for which region, read from its Authorization header or query.

This only reads the credential; verifying the signature is the job of the signers
(``sigv4``/``sigv2``). It is read once per request; the parts of a SigV4 header written as
the SDKs write it travel on the :class:`Credential` to the signer. This module imports only
the standard library.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from collections.abc import Mapping

#: a SigV4 header as SDKs write it: three parts of visible ASCII but ",", each after its name
#: (one match: between botocore's calls, where caches are cold, 0.6 µs less than the same
#: checks made one by one)
_USUAL_FORM = re.compile(r"AWS4-HMAC-SHA256 Credential=([!-+\--~]+), *"
                         r"SignedHeaders=([!-+\--~]+), *Signature=([!-+\--~]+)\Z")


class Credential(NamedTuple):
    """The access key a request claims, the scheme it uses, and its scope's region (SigV4)."""

    access_key: str
    #: "sigv4", "sigv4-query", "sigv4a", "sigv2", "sigv2-query", "unknown" or "anonymous"
    scheme: str
    region: str | None = None
    #: SigV4 in the usual form: (credential, signed headers, signature) (:func:`usual_form`)
    usual: tuple[str, str, str] | None = None


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
                return Credential(key, "sigv4", region, usual)
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


def usual_form(value: str) -> tuple[str, str, str] | None:
    """``(credential, signed headers, signature)`` of a header written as SDKs write it
    (``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``, spaces allowed
    after the commas); None otherwise."""
    match = _USUAL_FORM.match(value)
    return None if match is None else match.groups()  # type: ignore[return-value]
