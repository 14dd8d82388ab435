"""Who may do what without signing: the one decision about anonymous requests at
authentication time.

An unsigned request is the anonymous principal (``ANONYMOUS``). It may not list buckets or
create one (403 AccessDenied); a request naming a bucket that does not exist is 404
NoSuchBucket (S3 says so even to anonymous callers); anything else on a bucket goes on to the
access decision (:mod:`s3emu.access`), which serves it only where a bucket policy or an ACL
grants it to everyone (``"Principal": "*"``, the AllUsers group) and answers 403
AccessDenied otherwise. ``PostObject`` passes here because its form carries its own signed
policy (checked by the handler): its record says ``signs_itself``; CreateBucket's says
``refuses_anonymous``.

This module imports only the standard library, errors and the operation records.
"""
from __future__ import annotations

from collections.abc import Callable

from ..errors import AccessDenied, NoSuchBucket
from ..operations import Operation


def authorize_anonymous(op: Operation, bucket: str | None, key: str | None,
                        bucket_exists: Callable[[str], bool]) -> None:
    """Let an unsigned request through to the access decision, or raise what S3 answers."""
    if op.signs_itself:
        return
    if not bucket or op.refuses_anonymous:
        raise AccessDenied()
    if not bucket_exists(bucket):
        raise NoSuchBucket(BucketName=bucket)
