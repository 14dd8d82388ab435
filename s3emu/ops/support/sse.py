"""Server-side encryption of objects: SSE-S3, SSE-KMS and SSE-C as S3 checks and reports them.

Nothing is encrypted (the bytes stay in memory as sent); what S3 validates, stores and echoes
is. ``ObjectVersion.sse`` (and an upload's) is one of the model's values
(:mod:`s3emu.model.encryption`: SSE-S3, SSE-KMS with key ARN and context, SSE-C with the key's
MD5 and salted digest); :func:`echo` makes the response headers from it. The rules, from S3's
API reference and S3's recorded answers:

- ``x-amz-server-side-encryption`` is AES256, aws:kms or aws:kms:dsse, else InvalidArgument;
  without it the bucket's default applies (SSE-S3 unless PutBucketEncryption said otherwise),
  so every new object reports an encryption, except in a bucket of the era before default
  encryption (``bucket_defaults="legacy"``) without a rule: its objects are not encrypted.
  A KMS key id or context without aws:kms is InvalidArgument. aws:kms without a key id uses
  the account's AWS managed key (aws/s3); key ids are reported as key ARNs; an id that is not
  a key id, key ARN or alias is ``KMS.NotFoundException``. The encryption context must be
  base64 of a JSON string map; it is echoed on writes, never on GET/HEAD. SSE-KMS needs SigV4.
- SSE-C (``x-amz-server-side-encryption-customer-*``): only over HTTPS (in-process mocks count
  as HTTPS; ``Server(allow_insecure_ssec=True)`` lifts it), refused with 403 on buckets that
  block it, incompatible with ``x-amz-server-side-encryption``; the algorithm must be AES256,
  the key base64 of 32 bytes, its MD5 given and matching (MD5 is checked before the length).
  The key is never stored: a salted HMAC-SHA256 of it is (:func:`key_digest`), and no error
  names it. Reading an SSE-C object without the key is 400 InvalidRequest, with another key
  403 AccessDenied; SSE-C headers on another object are 400 InvalidRequest. Every part of an
  SSE-C multipart upload carries the initiating key. Responses echo the algorithm and key MD5.
- ETags of SSE-C and SSE-KMS objects are not the MD5 of the bytes (:func:`etag_for`); here they
  are derived deterministically from that MD5 and the key.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from ...model.encryption import SSE_S3, UNENCRYPTED, Encryption, SseC, SseKms, SseS3, Unencrypted
from ...protocol import jsontext
from ...auth.users import DEFAULT_DISPLAY_NAME
from ...errors import (S3Error, AccessDenied, InvalidArgument, InvalidEncryptionAlgorithmError,
                      InvalidRequest, KMSNotFoundException)
from ..bucket_encryption import sse_c_blocked
from ..registry import Call

if TYPE_CHECKING:
    from ...model.bucket import Bucket
    from ...model.objects import ObjectVersion

ALGORITHM = "x-amz-server-side-encryption"
KMS_KEY_ID = ALGORITHM + "-aws-kms-key-id"
CONTEXT = ALGORITHM + "-context"
BUCKET_KEY = ALGORITHM + "-bucket-key-enabled"
#: Header prefixes of the SSE-C key of the object written/read and of a copy's source.
CUSTOMER = ALGORITHM + "-customer-"
COPY_SOURCE_CUSTOMER = "x-amz-copy-source-server-side-encryption-customer-"
CUSTOMER_ALGORITHM = CUSTOMER + "algorithm"
CUSTOMER_KEY_MD5 = CUSTOMER + "key-md5"
VALUES = ("AES256", "aws:kms", "aws:kms:dsse")

INSECURE = ("Requests specifying Server Side Encryption with Customer provided keys must be "
            "made over a secure connection.")
INCOMPATIBLE = ("Server Side Encryption with Customer provided key is incompatible with the "
                "encryption method specified")
BAD_ALGORITHM = "The Encryption request you specified is not valid. Supported value: AES256."
_C = "Requests specifying Server Side Encryption with Customer provided keys must provide "
NO_ALGORITHM = _C + "a valid encryption algorithm."
NO_KEY = _C + "an appropriate secret key."
NO_KEY_MD5 = _C + "the client calculated MD5 of the secret key."
WRONG_KEY = _C + "the correct secret key."
MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
BAD_KEY = "The secret key was invalid for the specified algorithm."
NEEDS_KEY = ("The object was stored using a form of Server Side Encryption. The correct "
             "parameters must be provided to retrieve the object.")
NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
PART_NEEDS_KEY = ("The multipart upload initiate requested encryption. Subsequent part "
                  "requests must include the appropriate encryption parameters.")
PART_WRONG_KEY = "The provided encryption parameters did not match the ones used originally."
BLOCKED = ("User: {user} is not authorized to perform: {action} on resource: \"{resource}\" "
           "because this bucket has blocked upload requests that specify Server Side "
           "Encryption with Customer provided keys (SSE-C). Please specify a different "
           "server-side encryption type")
UNSUPPORTED = "The encryption method specified is not supported"
NEEDS_KMS = ("Server Side Encryption with AWS KMS managed key requires HTTP header "
             "x-amz-server-side-encryption : aws:kms")
NEEDS_SIGV4 = ("Requests specifying Server Side Encryption with AWS KMS managed keys require "
               "AWS Signature Version 4.")
BAD_CONTEXT = ("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded "
               "UTF-8 string holding JSON which represents a string-string map")
NOT_FOR_READS = "x-amz-server-side-encryption header is not supported for this operation."

_KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12})$")
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(?:key/(.+)|alias/.+)$")


@dataclass(frozen=True)
class CustomerKey:
    """An SSE-C key as a request presents it: the MD5 it sent and the key's salted digest."""

    key_md5: str
    digest: str


def _invalid(message: str) -> S3Error:
    return InvalidArgument(message, ArgumentName=ALGORITHM, ArgumentValue="null")


def is_secure(call: Call) -> bool:
    """Whether SSE-C keys may travel on this request (HTTPS, in-process, or allowed)."""
    return call.secure or call.inbound.insecure_sse_c


def key_digest(call: Call, raw: bytes) -> str:
    """The salted HMAC-SHA256 of an SSE-C key: what is kept to recognise it (hex)."""
    salt = hashlib.sha256(f"s3emu-sse-c:{call.settings.seed}".encode()).digest()
    return hmac.new(salt, raw, hashlib.sha256).hexdigest()


def _has_customer_headers(headers: Mapping[str, str], prefix: str) -> bool:
    return prefix + "algorithm" in headers or prefix + "key" in headers or \
        prefix + "key-md5" in headers


def customer_key(call: Call, prefix: str = CUSTOMER, *, read: bool = False) -> CustomerKey | None:
    """The SSE-C key a request carries under ``prefix`` (None if none), validated as S3 does.

    On a read a key of the wrong length is only the wrong key (AccessDenied later), as on S3.
    """
    headers = call.headers
    if not _has_customer_headers(headers, prefix):
        return None
    if not is_secure(call):
        raise InvalidRequest(INSECURE)
    algorithm = headers.get(prefix + "algorithm")
    if not algorithm:
        raise _invalid(NO_ALGORITHM)
    if algorithm != "AES256":
        raise InvalidEncryptionAlgorithmError(BAD_ALGORITHM, ArgumentName=ALGORITHM,
                                              ArgumentValue=algorithm)
    key, key_md5 = headers.get(prefix + "key"), headers.get(prefix + "key-md5")
    if not key:
        raise _invalid(NO_KEY)
    if not key_md5:
        raise _invalid(NO_KEY_MD5)
    try:
        raw = base64.b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(BAD_KEY) from None
    if base64.b64encode(hashlib.md5(raw).digest()).decode() != key_md5.strip():
        raise _invalid(MD5_MISMATCH)
    if len(raw) != 32 and not read:
        raise _invalid(BAD_KEY)
    return CustomerKey(key_md5.strip(), key_digest(call, raw))


def _user_arn(call: Call) -> str:
    user = call.user
    if user.account_id == "anonymous":
        return "anonymous"
    if user.display_name in (DEFAULT_DISPLAY_NAME, f"account-{user.account_id}"):
        return f"arn:aws:iam::{user.account_id}:root"
    return f"arn:aws:iam::{user.account_id}:user/{user.display_name}"


def check_not_blocked(call: Call, bucket: Bucket) -> None:
    """403 AccessDenied if ``bucket`` blocks SSE-C writes (S3's default since April 2026)."""
    if sse_c_blocked(call.settings, bucket):
        action = "s3:CopyObject" if call.op == "CopyObject" else "s3:PutObject"
        resource = f"arn:aws:s3:::{bucket.name}/{call.key or ''}"
        raise AccessDenied(BLOCKED.format(user=_user_arn(call), action=action,
                                          resource=resource))


def _customer_settings(call: Call, bucket: Bucket) -> SseC:
    if not is_secure(call):
        raise InvalidRequest(INSECURE)
    check_not_blocked(call, bucket)
    value = call.headers.get(ALGORITHM)
    if value is not None:
        raise InvalidArgument(INCOMPATIBLE, ArgumentName=ALGORITHM, ArgumentValue=value)
    key = customer_key(call)
    assert key is not None
    return SseC(key.key_md5, key.digest)


def from_request(call: Call, bucket: Bucket | None = None) -> Encryption:
    """The encryption a write (PutObject, CopyObject, CreateMultipartUpload) gives its object:
    the request's SSE headers, else the destination bucket's (default: the request's)
    default encryption."""
    headers = call.headers
    bucket = call.store.bucket(call.bucket_name) if bucket is None else bucket
    if not call.header_names.sse:
        return _bucket_default(call, bucket)
    if _has_customer_headers(headers, CUSTOMER):
        return _customer_settings(call, bucket)
    value = headers.get(ALGORITHM)
    if value is None:
        if KMS_KEY_ID in headers or CONTEXT in headers:
            raise _invalid(NEEDS_KMS)
        return _bucket_default(call, bucket)
    if value not in VALUES:
        raise InvalidArgument(UNSUPPORTED, ArgumentName=ALGORITHM, ArgumentValue=value)
    if value == "AES256":
        if KMS_KEY_ID in headers or CONTEXT in headers:
            raise _invalid(NEEDS_KMS)
        return SSE_S3
    rule = bucket.settings.default_encryption
    bucket_key = headers.get(BUCKET_KEY)
    enabled = (rule is not None and rule.bucket_key) if bucket_key is None else \
        bucket_key.lower() == "true"
    return _kms(call, bucket, value, headers.get(KMS_KEY_ID), enabled, headers.get(CONTEXT))


def _bucket_default(call: Call, bucket: Bucket) -> Encryption:
    rule = bucket.settings.default_encryption
    if rule is None:                # a bucket of the era before default encryption
        return UNENCRYPTED
    if not rule.is_kms:
        return SSE_S3
    return _kms(call, bucket, rule.algorithm, rule.kms_key_id, rule.bucket_key, None,
                from_bucket=True)


def _kms(call: Call, bucket: Bucket, value: str, key_id: str | None, bucket_key: bool,
         context: str | None, *, from_bucket: bool = False) -> SseKms:
    if is_sigv2(call):
        raise InvalidArgument(NEEDS_SIGV4, ArgumentName="Authorization", ArgumentValue="null")
    account = call.user.account_id if call.user.account_id.isdigit() else bucket_owner(bucket)
    arn = kms_key_arn(key_id, bucket.region, account, quoted=not from_bucket)
    return SseKms(value, arn, _check_context(context) if context is not None else None,
                  bucket_key and value == "aws:kms")


def bucket_owner(bucket: Bucket) -> str:
    return bucket.owner if bucket.owner.isdigit() else "123456789012"


def _key_of(name: str, region: str, account: str) -> str:
    """A stable key ARN for a key known only by name (an alias, the aws/s3 managed key)."""
    made = uuid.UUID(bytes=hashlib.sha256(f"{name}:{account}:{region}".encode()).digest()[:16],
                     version=4)
    return f"arn:aws:kms:{region}:{account}:key/{made}"


def kms_key_arn(key_id: str | None, region: str, account: str, *, quoted: bool = True) -> str:
    """The KMS key ARN S3 reports for ``key_id``: a key id becomes its ARN, an alias the ARN
    of a key standing for it (None: the account's aws/s3 managed key)."""
    if key_id is None:
        return _key_of("alias/aws/s3", region, account)
    found = _KEY_ARN.match(key_id)
    if found:
        if found.group(1) != region:
            raise KMSNotFoundException(f"Invalid arn {found.group(1)}")
        if found.group(3) is None:                       # an alias ARN
            return _key_of("alias/" + key_id.partition(":alias/")[2], region, found.group(2))
        return key_id
    if key_id.startswith("alias/") and len(key_id) > 6:
        return _key_of(key_id, region, account)
    if _KEY_ID.match(key_id):
        return f"arn:aws:kms:{region}:{account}:key/{key_id}"
    shown = f"'{key_id}'" if quoted else key_id
    raise KMSNotFoundException(f"Invalid keyId {shown}")


def _check_context(value: str) -> str:
    try:
        decoded = jsontext.loads(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        decoded = None
    if not isinstance(decoded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in decoded.items()):
        raise InvalidArgument(BAD_CONTEXT, ArgumentName=CONTEXT, ArgumentValue="null")
    return value


def is_sigv2(call: Call) -> bool:
    return call.auth.credential.scheme in ("sigv2", "sigv2-query")


def is_kms(encryption: Encryption) -> bool:
    return isinstance(encryption, SseKms)


def etag_is_md5(encryption: Encryption) -> bool:
    """Whether a single-PUT object so encrypted has the MD5 of its bytes as ETag."""
    return isinstance(encryption, (SseS3, Unencrypted))


def etag_for(encryption: Encryption, md5hex: str) -> str:
    """The ETag of a single-PUT object (or a part): the MD5 of the bytes for SSE-S3; for SSE-C
    and SSE-KMS something else, derived from that MD5 and the key so it is deterministic."""
    if isinstance(encryption, (SseS3, Unencrypted)):
        return f'"{md5hex}"'
    key = encryption.key_digest if isinstance(encryption, SseC) else encryption.key_arn
    return '"' + hashlib.md5(f"s3emu-etag:{key}:{md5hex}".encode()).hexdigest() + '"'


def echo(encryption: Encryption, *, context: bool = False,
         customer: bool = True) -> dict[str, str]:
    """The encryption response headers for an object or upload so encrypted.

    :param context: include the KMS encryption context (write responses only).
    :param customer: include the SSE-C algorithm and key MD5 (not on CompleteMultipartUpload).
    """
    if isinstance(encryption, SseS3):
        return {ALGORITHM: "AES256"}
    if isinstance(encryption, Unencrypted):
        return {}
    if isinstance(encryption, SseC):
        return {CUSTOMER_ALGORITHM: encryption.algorithm,
                CUSTOMER_KEY_MD5: encryption.key_md5} if customer else {}
    out = {ALGORITHM: encryption.algorithm, KMS_KEY_ID: encryption.key_arn}
    if encryption.bucket_key:
        out[BUCKET_KEY] = "true"
    if context and encryption.context:
        out[CONTEXT] = encryption.context
    return out


def _digest_of(encryption: Encryption) -> str | None:
    return encryption.key_digest if isinstance(encryption, SseC) else None


def _check_stored_key(call: Call, stored: Encryption, prefix: str) -> None:
    given = customer_key(call, prefix, read=True)
    digest = _digest_of(stored)
    if digest is None:
        if given is not None:
            raise InvalidRequest(NOT_APPLICABLE)
        return
    if given is None:
        raise InvalidRequest(NEEDS_KEY)
    if not hmac.compare_digest(given.digest, digest):
        raise AccessDenied(WRONG_KEY)


def check_read_key(call: Call, version: ObjectVersion) -> None:
    """GetObject/HeadObject: the SSE-C key rules, and no SSE headers on reads."""
    if ALGORITHM in call.headers:
        raise InvalidArgument(NOT_FOR_READS, ArgumentName=ALGORITHM,
                              ArgumentValue=call.headers[ALGORITHM])
    _check_stored_key(call, version.sse, CUSTOMER)
    if is_kms(version.sse) and is_sigv2(call):
        raise InvalidArgument(NEEDS_SIGV4, ArgumentName="Authorization", ArgumentValue="null")


def check_copy_source_key(call: Call, source: ObjectVersion) -> None:
    """CopyObject/UploadPartCopy: the source's SSE-C key, as for a read of the source."""
    _check_stored_key(call, source.sse, COPY_SOURCE_CUSTOMER)


def check_part_key(call: Call, upload_encryption: Encryption, *,
                   checksum: bool = False) -> None:
    """UploadPart/UploadPartCopy/CompleteMultipartUpload: the SSE-C key of the upload.

    An SSE-C upload needs its initiating key on every part, and on Complete when it was created
    with a checksum algorithm (``checksum``); SSE-C headers on another upload are refused; on a
    bucket that blocks SSE-C any request carrying SSE-C headers is 403.
    """
    given = None
    if _has_customer_headers(call.headers, CUSTOMER):
        if not is_secure(call):
            raise InvalidRequest(INSECURE)
        check_not_blocked(call, call.store.bucket(call.bucket_name))
        given = customer_key(call)
    digest = _digest_of(upload_encryption)
    if digest is None:
        if given is not None:
            raise InvalidRequest(PART_NEEDS_KEY)
        return
    if given is None:
        if call.op != "CompleteMultipartUpload":
            raise InvalidRequest(PART_NEEDS_KEY)
        if checksum:
            raise _invalid(NO_ALGORITHM)
        return
    if not hmac.compare_digest(given.digest, digest):
        raise InvalidRequest(PART_WRONG_KEY)
