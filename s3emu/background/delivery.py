"""S3 writing objects of its own into a customer's bucket (access logs, inventory reports).

S3 writes them as a service principal (``logging.s3.amazonaws.com``, ``s3.amazonaws.com``):
the destination's bucket policy must allow that service ``s3:PutObject`` on the key, with
``aws:SourceArn`` and ``aws:SourceAccount`` naming the source bucket (S3's documented
condition keys for these deliveries). The object belongs to the destination's owner.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from ..access.policy import Who
from ..model.blob import Blob
from ..model.bucket import Bucket
from ..model.objects import ObjectVersion


def service_may_write(service: str, target: Bucket, source: Bucket, key: str) -> bool:
    """Whether ``target``'s policy allows ``service`` to put ``key`` for ``source``."""
    policy = target.settings.policy
    if policy is None:
        return False
    context = {"aws:sourcearn": [f"arn:aws:s3:::{source.name}"],
               "aws:sourceaccount": [source.owner]}
    return bool(policy.evaluate(Who(None, service=service), "s3:PutObject",
                                f"arn:aws:s3:::{target.name}/{key}", context) == "Allow")


def put_delivered(target: Bucket, key: str, body: bytes, content_type: str,
                  at: datetime) -> None:
    """Store ``body`` at ``key`` in ``target`` as S3's own write (MD5 ETag, owner's object)."""
    etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
    target.put(ObjectVersion(key=key, blob=Blob([body]), etag=etag, last_modified=at,
                             content={"ContentType": content_type}, owner=target.owner))
