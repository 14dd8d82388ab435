"""A bucket's settings, as one frozen value: what its configuration operations store.

:class:`BucketSettings` has a field per setting. A bucket replaces its whole value under its
lock (:meth:`~s3emu.model.bucket.Bucket.configure`), so a reader always sees one consistent
set. Where S3 tells "never set" from "deleted", the field holds :data:`DELETED` after a
delete: a never-configured bucket is ``BucketOwnerEnforced`` and blocks all public access,
while after DeleteBucketOwnershipControls it behaves as ``ObjectWriter`` and after
DeletePublicAccessBlock it blocks nothing (and their Get operations answer 404).
:data:`NEW_BUCKETS` holds the settings a new bucket starts from, today's or S3's
before April 2023 (``Emulator(bucket_defaults="legacy")``).

The compiled bucket policy and ACL are the access package's values (typed ``Any`` here: the
model does not import the layers above it). This module imports only the standard library
and :mod:`.website`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from .cors import CorsConfiguration
    from .notification import NotificationConfiguration
    from .server_logging import LoggingConfiguration

from .website import WebsiteConfiguration

#: Object Ownership settings (``x-amz-object-ownership``, OwnershipControls).
ENFORCED, PREFERRED, WRITER = "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"
OWNERSHIPS = (ENFORCED, PREFERRED, WRITER)
#: The four flags of a PublicAccessBlockConfiguration.
BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
               "RestrictPublicBuckets")
#: New buckets block all public access (S3 since April 2023).
DEFAULT_BLOCK: Mapping[str, bool] = MappingProxyType(dict.fromkeys(BLOCK_FLAGS, True))
NO_BLOCK: Mapping[str, bool] = MappingProxyType(dict.fromkeys(BLOCK_FLAGS, False))
#: A bucket without configurations of a per-Id kind (analytics, inventory, ...).
NO_CONFIGURATIONS: Mapping[str, Any] = MappingProxyType({})
#: Who pays for a bucket's requests and downloads (RequestPaymentConfiguration's Payer).
BUCKET_OWNER, REQUESTER = "BucketOwner", "Requester"
PAYERS = (BUCKET_OWNER, REQUESTER)


class Deleted:
    """The state of a setting its Delete operation removed (see the module docstring)."""

    _one: Deleted | None = None

    def __new__(cls) -> Deleted:
        if cls._one is None:
            cls._one = super().__new__(cls)
        return cls._one

    def __repr__(self) -> str:
        return "DELETED"

    def __reduce__(self) -> str:
        return "DELETED"


DELETED = Deleted()


@dataclass(frozen=True)
class DefaultEncryption:
    """A bucket's default encryption rule (PutBucketEncryption)."""

    #: AES256, aws:kms or aws:kms:dsse
    algorithm: str = "AES256"
    #: the KMSMasterKeyID as given (None: the account's AWS managed key, for aws:kms)
    kms_key_id: str | None = None
    bucket_key: bool = False

    @property
    def is_kms(self) -> bool:
        return self.algorithm.startswith("aws:kms")


#: What a bucket without PutBucketEncryption encrypts new objects with: SSE-S3.
SSE_S3_DEFAULT = DefaultEncryption()


@dataclass(frozen=True)
class LockConfiguration:
    """A bucket's Object Lock configuration (lock is enabled once it has one) and its default
    retention, if any."""

    #: GOVERNANCE or COMPLIANCE; None: no default retention
    mode: str | None = None
    days: int | None = None
    years: int | None = None


@dataclass(frozen=True)
class BucketSettings:
    """Everything configured on one bucket (see the module docstring)."""

    #: CreateBucket's LocationConstraint (None: us-east-1, the default)
    location_constraint: str | None = None
    #: the compiled bucket policy (``s3emu.access.policy.Policy``); None: no policy
    policy: Any = None
    #: Object Ownership; :data:`DELETED` after DeleteBucketOwnershipControls
    ownership: str | Deleted = ENFORCED
    #: the Block Public Access flags; :data:`DELETED` after DeletePublicAccessBlock
    public_access_block: Mapping[str, bool] | Deleted = field(
        default_factory=lambda: DEFAULT_BLOCK)
    #: the bucket ACL (``s3emu.access.acl.Acl``); None: private to the owner
    acl: Any = None
    #: the default encryption rule; None: never set, or deleted (SSE-S3 then)
    encryption: DefaultEncryption | None = None
    #: BlockedEncryptionTypes as set (``("SSE-C",)`` or ``("NONE",)``); None: never set
    blocked_encryption_types: tuple[str, ...] | None = None
    #: ``Enabled`` or ``Suspended``; None: versioning was never enabled (it cannot go back)
    versioning: str | None = None
    #: MFADelete as last set: ``Enabled`` or ``Disabled``; None: never set
    mfa_delete: str | None = None
    #: the Object Lock configuration; None: Object Lock is not enabled
    object_lock: LockConfiguration | None = None
    #: the lifecycle configuration (a :class:`~s3emu.model.lifecycle.Lifecycle`); None: none
    lifecycle: Any = None
    #: the bucket's tags (PutBucketTagging), in their order; None: none
    tags: Mapping[str, str] | None = None
    #: the CORS rules (PutBucketCors), compiled; None: no CORS configuration
    cors: CorsConfiguration | None = None
    #: the static website configuration (PutBucketWebsite); None: not a website
    website: WebsiteConfiguration | None = None
    #: the event notification configuration; None: no notifications
    notification: NotificationConfiguration | None = None
    #: the replication configuration; None: not replicated
    replication: Any = None
    #: server access logging (PutBucketLogging); None: off
    logging: LoggingConfiguration | None = None
    #: Transfer Acceleration: ``Enabled`` or ``Suspended``; None: never set
    accelerate: str | None = None
    #: who pays for requests and downloads: ``BucketOwner`` or ``Requester``
    request_payment: str = BUCKET_OWNER
    #: without a default encryption rule, new objects get SSE-S3 (S3 since January 2023);
    #: False for a bucket of the earlier era (:data:`LEGACY`): they are not encrypted
    sse_s3_by_default: bool = True
    #: the per-Id configurations (``s3emu.ops.bucket_reports``): Id -> the document S3 shows
    analytics: Mapping[str, Any] = field(default_factory=lambda: NO_CONFIGURATIONS)
    inventory: Mapping[str, Any] = field(default_factory=lambda: NO_CONFIGURATIONS)
    metrics: Mapping[str, Any] = field(default_factory=lambda: NO_CONFIGURATIONS)
    intelligent_tiering: Mapping[str, Any] = field(default_factory=lambda: NO_CONFIGURATIONS)

    @property
    def object_ownership(self) -> str:
        """The Object Ownership in effect (ObjectWriter once the setting is deleted)."""
        return WRITER if self.ownership is DELETED else str(self.ownership)

    @property
    def acls_enabled(self) -> bool:
        return self.object_ownership != ENFORCED

    @property
    def block_flags(self) -> Mapping[str, bool]:
        """The Block Public Access flags in effect (none once the setting is deleted)."""
        flags = self.public_access_block
        return NO_BLOCK if isinstance(flags, Deleted) else flags

    @property
    def default_encryption(self) -> DefaultEncryption | None:
        """The rule new objects get when a write names no encryption (None: they are not
        encrypted, a bucket of the era before default encryption without a rule)."""
        if self.encryption is not None:
            return self.encryption
        return SSE_S3_DEFAULT if self.sse_s3_by_default else None

    def but(self, **changes: Any) -> BucketSettings:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)


#: What CreateBucket starts from (``Emulator(bucket_defaults=...)``): S3's defaults today
#: (ACLs disabled, Block Public Access on, SSE-S3, SSE-C blocked unless the emulator says
#: otherwise), or S3's before April 2023: no Object Ownership controls (so ObjectWriter, ACLs
#: enabled), no Block Public Access configuration, no default encryption, SSE-C allowed.
NEW_BUCKETS: Mapping[str, BucketSettings] = MappingProxyType({
    "current": BucketSettings(),
    "legacy": BucketSettings(ownership=DELETED, public_access_block=DELETED,
                             sse_s3_by_default=False, blocked_encryption_types=("NONE",)),
})
