"""Who may do what without signing: the one decision about anonymous requests.

S3 serves an unsigned request only where access is public (a bucket policy or ACL granting
``AllUsers``); everything else is 403 AccessDenied. A request naming a bucket that does not
exist is 404 NoSuchBucket (S3 says so even to anonymous callers), and ``PostObject`` passes
here because its form carries its own signed policy (checked by the handler). Public access
(ACLs, bucket policies) extends :func:`authorize_anonymous`.

This module imports only the standard library and errors.
"""
from __future__ import annotations

from typing import Callable

from ..errors import AccessDenied, NoSuchBucket

#: Operations an unsigned request may reach without any grant.
SELF_AUTHENTICATED = frozenset({"PostObject"})


def authorize_anonymous(op: str | None, bucket: str | None, key: str | None,
                        bucket_exists: Callable[[str], bool]) -> None:
    """Let an unsigned request through, or raise what S3 answers it."""
    if op in SELF_AUTHENTICATED:
        return
    if bucket and op != "CreateBucket" and not bucket_exists(bucket):
        raise NoSuchBucket(BucketName=bucket)
    raise AccessDenied()
