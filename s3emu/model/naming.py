"""S3's naming rules for buckets and keys.

See "General purpose bucket naming rules" in the S3 user guide. This module imports only the
standard library.
"""
from __future__ import annotations

import re

from ..errors import InvalidBucketName, KeyTooLongError

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")  # sthree- covers sthree-configurator
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

#: S3's limit on a key's length in UTF-8 bytes.
MAX_KEY_BYTES = 1024


def is_valid_bucket_name(name: str) -> bool:
    """True if ``name`` follows S3's rules for general purpose bucket names."""
    return bool(
        _BUCKET_CHARS.match(name)
        and ".." not in name
        and not _IP_ADDRESS.match(name)
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
    )


def check_bucket_name(name: str) -> None:
    """Raise InvalidBucketName unless ``name`` is a valid bucket name."""
    if not is_valid_bucket_name(name):
        raise InvalidBucketName(BucketName=name)


def check_key(key: str) -> None:
    """Raise KeyTooLongError if ``key`` is longer than 1024 bytes in UTF-8."""
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        raise KeyTooLongError(Size=str(size), MaxSizeAllowed=str(MAX_KEY_BYTES))
