"""Object Lock: Put/GetObjectLockConfiguration, Put/GetObjectRetention, Put/GetObjectLegalHold,
and the lock a write gives its object.

The rules, from S3's Object Lock guide and the API references:

- Object Lock is enabled by CreateBucket's ``x-amz-bucket-object-lock-enabled: true`` (which
  also enables versioning) or by PutObjectLockConfiguration on a bucket whose versioning is
  Enabled (409 InvalidBucketState otherwise); versioning can then never be suspended
  (InvalidBucketState). The configuration is ``ObjectLockEnabled`` ``Enabled`` and an optional
  default retention: a Mode (GOVERNANCE | COMPLIANCE) and exactly one of Days or Years, a
  positive whole number (MalformedXML for the shape, InvalidArgument for the value);
- writes (PutObject, CopyObject, CreateMultipartUpload, PostObject) may carry
  ``x-amz-object-lock-mode`` with ``-retain-until-date`` (both or neither; a date in the future)
  and ``-legal-hold`` (ON | OFF); on a bucket without Object Lock they are InvalidRequest
  "Bucket is missing Object Lock Configuration"; without them a new version gets the default
  retention. A PutObject with lock parameters (or into a bucket with a default retention) needs
  Content-MD5 or a flexible checksum (InvalidRequest);
- PutObjectRetention may lengthen any retention; shortening, removing or turning COMPLIANCE
  into GOVERNANCE is AccessDenied, except for GOVERNANCE with ``x-amz-bypass-governance-
  retention: true`` and the s3:BypassGovernanceRetention permission; GetObjectRetention /
  GetObjectLegalHold of a version without one is 404 NoSuchObjectLockConfiguration;
- a version under retention or legal hold cannot be deleted (AccessDenied); delete markers can
  always be added. Retention ends when the emulator's clock passes RetainUntilDate.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from ..access.enforce import allowed
from ..errors import (AccessDenied, InvalidArgument, S3Error, InvalidBucketState, InvalidRequest,
                      MalformedXML, NoSuchObjectLockConfiguration,
                      ObjectLockConfigurationNotFoundError)
from ..model.bucket import Bucket
from ..model.objects import COMPLIANCE, GOVERNANCE, ObjectLock
from ..model.settings import LockConfiguration
from ..operations import BUCKET, OBJECT_READ
from ..protocol import numbers, xml
from ..protocol.dates import iso8601
from .registry import Call, Reply, operation
from .support.versions import readable_version

MODES = (GOVERNANCE, COMPLIANCE)
MODE, UNTIL, HOLD = ("x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
                     "x-amz-object-lock-legal-hold")
BYPASS = "x-amz-bypass-governance-retention"
MISSING = "Bucket is missing Object Lock Configuration"
#: S3's message for deleting a version Object Lock protects.
LOCKED = "Access Denied because object protected by object lock."
NEEDS_DIGEST = ("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object "
                "requests with Object Lock parameters")
_MAX_DAYS, _MAX_YEARS = 36500, 100


def _argument(message: str, name: str, value: Any) -> S3Error:
    return InvalidArgument(message, ArgumentName=name, ArgumentValue=value)


def _future_date(text: str, now: datetime, name: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _argument("The retain until date must be provided in ISO 8601 format", name,
                        text) from None
    when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
    if when <= now:
        raise _argument("The retain until date must be in the future!", name, text)
    return when.astimezone(timezone.utc)


def _legal_hold(text: str, name: str) -> bool:
    if text not in ("ON", "OFF"):
        raise _argument("Legal Hold must be either of 'ON' or 'OFF'", name, text)
    return text == "ON"


# -- the lock a write gives its object ----------------------------------------------------------
def lock_for_write(call: Call, bucket: Bucket, *, body: bool = True) -> ObjectLock | None:
    """The Object Lock of the version a write makes: from its headers, else the bucket's
    default retention (None: no lock). ``body``: the request carries the object's bytes (the
    digest rule applies)."""
    headers = call.headers
    mode, until, hold = headers.get(MODE), headers.get(UNTIL), headers.get(HOLD)
    config = bucket.settings.object_lock
    asked = mode is not None or until is not None or hold is not None
    if asked and config is None:
        raise InvalidRequest(MISSING)
    if config is None:
        return None
    if body and (asked or config.mode is not None) and not call.has_digest:
        raise InvalidRequest(NEEDS_DIGEST)
    now = call.clock.now()
    if (mode is None) != (until is None):
        raise _argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must "
                        "both be supplied", MODE if mode is None else UNTIL, mode or until)
    if mode is not None and mode not in MODES:
        raise _argument("Unknown wormMode directive.", MODE, mode)
    legal = _legal_hold(hold, HOLD) if hold is not None else None
    if mode is not None and until is not None:
        return ObjectLock(mode, _future_date(until, now, UNTIL), legal)
    if config.mode is not None:
        length = timedelta(days=config.days) if config.days else \
            timedelta(days=365 * (config.years or 0))
        return ObjectLock(config.mode, now + length, legal)
    return ObjectLock(legal_hold=legal) if legal is not None else None


def may_bypass_governance(call: Call, bucket: Bucket, key: str) -> bool:
    """``x-amz-bypass-governance-retention: true`` and the s3:BypassGovernanceRetention
    permission (the bucket owner's account has it; others through the bucket policy)."""
    if call.headers.get(BYPASS, "").strip().lower() != "true":
        return False
    return allowed(call, bucket, "DeleteObject", key, {},
                   action="s3:BypassGovernanceRetention")


# -- the bucket's configuration -----------------------------------------------------------------
def _positive(value: Any, name: str, largest: int) -> int:
    text = xml.text_of(value).strip()
    number = numbers.integer(text, signs="-")
    if number is None:
        raise MalformedXML()
    if number <= 0:
        raise _argument("Default retention period must be a positive integer value", name,
                        text)
    if number > largest:
        raise _argument("Default retention period is too large.", name, text)
    return number


def parse_configuration(body: bytes) -> LockConfiguration:
    doc = xml.parse(body, "ObjectLockConfiguration")
    if set(doc) - {"ObjectLockEnabled", "Rule"} or \
            xml.text_of(doc.get("ObjectLockEnabled", "")).strip() != "Enabled":
        raise MalformedXML()
    rule = doc.get("Rule")
    if rule is None:
        return LockConfiguration()
    retention = rule.get("DefaultRetention") if isinstance(rule, dict) else None
    if not isinstance(retention, dict) or set(rule) != {"DefaultRetention"} or \
            set(retention) - {"Mode", "Days", "Years"}:
        raise MalformedXML()
    mode = xml.text_of(retention.get("Mode", "")).strip()
    if mode not in MODES or ("Days" in retention) == ("Years" in retention):
        raise MalformedXML()
    if "Days" in retention:
        return LockConfiguration(mode, days=_positive(retention["Days"], "Days", _MAX_DAYS))
    return LockConfiguration(mode, years=_positive(retention["Years"], "Years", _MAX_YEARS))


@operation("PutObjectLockConfiguration", action="s3:PutBucketObjectLockConfiguration",
           kind=BUCKET)
def put_object_lock_configuration(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config = parse_configuration(call.verified_body())

    def change(settings: Any) -> Any:
        if settings.versioning != "Enabled":
            raise InvalidBucketState("Versioning must be 'Enabled' on the bucket to apply a "
                                     "Object Lock configuration")
        return settings.but(object_lock=config)
    bucket.configure(change)
    return Reply()


@operation("GetObjectLockConfiguration", action="s3:GetBucketObjectLockConfiguration",
           kind=BUCKET)
def get_object_lock_configuration(call: Call) -> Reply:
    bucket = call.store.bucket(call.bucket_name)
    config = bucket.settings.object_lock
    if config is None:
        raise ObjectLockConfigurationNotFoundError(BucketName=bucket.name)
    body: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
    if config.mode is not None:
        body["Rule"] = {"DefaultRetention": {"Mode": config.mode, "Days": config.days,
                                             "Years": config.years}}
    return Reply(xml=("ObjectLockConfiguration", body))


# -- retention and legal hold of a version ------------------------------------------------------
def _target(call: Call) -> tuple[Bucket, Any]:
    bucket = call.store.bucket(call.bucket_name)
    if bucket.settings.object_lock is None:
        raise InvalidRequest(MISSING)
    version = readable_version(bucket, call.object_key, call.query.get("versionId"),
                               call.method)
    return bucket, version


def _retention_change(call: Call, bucket: Bucket, old: ObjectLock,
                      new: ObjectLock) -> None:
    """AccessDenied unless ``new`` only lengthens ``old``'s retention (or may bypass)."""
    now = call.clock.now()
    if not old.retained(now):
        return
    assert old.retain_until is not None
    lengthens = new.mode is not None and new.retain_until is not None and \
        new.retain_until >= old.retain_until and (old.mode == GOVERNANCE or
                                                   new.mode == COMPLIANCE)
    if lengthens:
        return
    if old.mode == GOVERNANCE and may_bypass_governance(call, bucket, call.object_key):
        return
    raise AccessDenied()


@operation("PutObjectRetention", action="s3:PutObjectRetention", kind=OBJECT_READ)
def put_object_retention(call: Call) -> Reply:
    bucket, version = _target(call)
    doc = call.xml_body("Retention")
    if set(doc) - {"Mode", "RetainUntilDate"}:
        raise MalformedXML()
    mode = xml.text_of(doc["Mode"]).strip() if "Mode" in doc else None
    until = xml.text_of(doc["RetainUntilDate"]).strip() if "RetainUntilDate" in doc else None
    if (mode is None) != (until is None) or (mode is not None and mode not in MODES):
        raise MalformedXML()
    old = version.lock or ObjectLock()
    new = ObjectLock(mode, _future_date(until, call.clock.now(), "RetainUntilDate")
                     if until is not None else None, old.legal_hold)
    _retention_change(call, bucket, old, new)
    bucket.replace_version(version, version.evolve(lock=new))
    return Reply()


def _stored_lock(call: Call, part: str) -> ObjectLock:
    """The version's lock when it has ``part`` (``mode`` or ``legal_hold``) set; else 404
    NoSuchObjectLockConfiguration."""
    _, version = _target(call)
    lock = version.lock
    if lock is None or getattr(lock, part) is None:
        raise NoSuchObjectLockConfiguration()
    return lock


@operation("GetObjectRetention", action="s3:GetObjectRetention", kind=OBJECT_READ)
def get_object_retention(call: Call) -> Reply:
    lock = _stored_lock(call, "mode")
    return Reply(xml=("Retention", {"Mode": lock.mode,
                                    "RetainUntilDate": iso8601(lock.retain_until)}))


@operation("PutObjectLegalHold", action="s3:PutObjectLegalHold", kind=OBJECT_READ)
def put_object_legal_hold(call: Call) -> Reply:
    bucket, version = _target(call)
    doc = call.xml_body("LegalHold")
    if set(doc) != {"Status"}:
        raise MalformedXML()
    status = xml.text_of(doc["Status"]).strip()
    if status not in ("ON", "OFF"):
        raise MalformedXML()
    old = version.lock or ObjectLock()
    new = ObjectLock(old.mode, old.retain_until, status == "ON")
    bucket.replace_version(version, version.evolve(lock=new))
    return Reply()


@operation("GetObjectLegalHold", action="s3:GetObjectLegalHold", kind=OBJECT_READ)
def get_object_legal_hold(call: Call) -> Reply:
    lock = _stored_lock(call, "legal_hold")
    return Reply(xml=("LegalHold", {"Status": "ON" if lock.legal_hold else "OFF"}))

