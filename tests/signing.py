"""Helpers for tests that sign raw requests as clients do (botocore's own signers) and serve
them in-process: :func:`sign_v4`, :func:`sign_v2`, :func:`send`, and readers of the reply."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from s3emu.intercept import call_app

URL = "https://s3.amazonaws.com"


class _Signer(botocore.auth.S3SigV4Auth):
    """botocore's S3 SigV4 signer, with an optional fixed x-amz-content-sha256."""

    def __init__(self, credentials, region, content_hash=None):
        super().__init__(credentials, "s3", region)
        self._content_hash = content_hash

    def payload(self, request):
        return self._content_hash or super().payload(request)


def sign_v4(method, url, body=b"", headers=None, *, key="testing", secret="testing",
            region="us-east-1", content_hash=None):
    """Headers of a request signed by botocore (SigV4, Authorization header)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    _Signer(Credentials(key, secret), region, content_hash).add_auth(request)
    return dict(request.headers.items())


def send(emu, method, url, headers, body=b""):
    """Serve one request in-process; (status, headers dict, body bytes)."""
    response = call_app(emu, method, url, headers, body)
    return response.status, dict(response.headers), response.read()


def error_xml(body: bytes) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(body)}


def hex_bytes(text: str) -> str:
    return " ".join(f"{b:02x}" for b in text.encode())


def sign_v2(method, url, body=b"", headers=None, secret="testing"):
    """Headers of a request signed by botocore (SigV2, Authorization header)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    botocore.auth.HmacV1Auth(Credentials("testing", secret)).add_auth(request)
    return dict(request.headers.items())
