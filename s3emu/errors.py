"""S3's error codes as one exception hierarchy.

Each S3 error code is a small class carrying its HTTP status and S3's default message as class
attributes; keyword arguments given when raising become extra children of the ``<Error>`` XML
element (``BucketName``, ``Key``, ``Condition``, ``ArgumentName`` ...), in the order given.
``S3Error.by_code`` maps a code to its class.

This module imports only the standard library.
"""
from __future__ import annotations

from typing import Any, ClassVar


class S3Error(Exception):
    """An error S3 answers with: ``code``, HTTP ``status``, ``message`` and extra fields."""

    code: ClassVar[str] = "InternalError"
    status: ClassVar[int] = 500
    message: str = "We encountered an internal error. Please try again."
    by_code: ClassVar[dict[str, type[S3Error]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            S3Error.by_code[cls.code] = cls

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None,
                 **fields: Any) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)
        #: extra ``<Error>`` children, rendered in insertion order
        self.fields = {k: v for k, v in fields.items() if v is not None}
        #: extra response headers (e.g. ``x-amz-bucket-region`` on a 301)
        self.headers = headers or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.fields!r})"


def _define(code: str, status: int, message: str) -> type[S3Error]:
    """The class of a code that is no Python name (or a builtin's), named as the code."""
    return type(code, (S3Error,), {"code": code, "status": status, "message": message,
                                   "__module__": __name__})


class InternalError(S3Error):
    code, status = "InternalError", 500


# 3xx / 4xx / 5xx codes as documented in S3's "Error responses" reference.
class AccessDenied(S3Error):
    code, status = "AccessDenied", 403
    message = "Access Denied"


class AccessControlListNotSupported(S3Error):
    code, status = "AccessControlListNotSupported", 400
    message = "The bucket does not allow ACLs"


class AuthorizationHeaderMalformed(S3Error):
    code, status = "AuthorizationHeaderMalformed", 400
    message = "The authorization header is malformed."


class AuthorizationQueryParametersError(S3Error):
    code, status = "AuthorizationQueryParametersError", 400
    message = "Error parsing the X-Amz-Credential parameter."


class BadDigest(S3Error):
    code, status = "BadDigest", 400
    message = "The Content-MD5 you specified did not match what we received."


class BucketAlreadyExists(S3Error):
    code, status = "BucketAlreadyExists", 409
    message = ("The requested bucket name is not available. The bucket namespace is shared by all "
               "users of the system. Please select a different name and try again.")


class BucketAlreadyOwnedByYou(S3Error):
    code, status = "BucketAlreadyOwnedByYou", 409
    message = "Your previous request to create the named bucket succeeded and you already own it."


class BucketNotEmpty(S3Error):
    code, status = "BucketNotEmpty", 409
    message = "The bucket you tried to delete is not empty"


class EntityTooLarge(S3Error):
    code, status = "EntityTooLarge", 400
    message = "Your proposed upload exceeds the maximum allowed size"


class EntityTooSmall(S3Error):
    code, status = "EntityTooSmall", 400
    message = "Your proposed upload is smaller than the minimum allowed object size."


class IllegalLocationConstraintException(S3Error):
    code, status = "IllegalLocationConstraintException", 400
    message = ("The unspecified location constraint is incompatible for the region specific "
               "endpoint this request was sent to.")


class IncompleteBody(S3Error):
    code, status = "IncompleteBody", 400
    message = "You did not provide the number of bytes specified by the Content-Length HTTP header"


class InvalidArgument(S3Error):
    code, status = "InvalidArgument", 400
    message = "Invalid Argument"


class InvalidBucketName(S3Error):
    code, status = "InvalidBucketName", 400
    message = "The specified bucket is not valid."


class InvalidDigest(S3Error):
    code, status = "InvalidDigest", 400
    message = "The Content-MD5 you specified was invalid."


class InvalidLocationConstraint(S3Error):
    code, status = "InvalidLocationConstraint", 400
    message = "The specified location-constraint is not valid"


class InvalidPart(S3Error):
    code, status = "InvalidPart", 400
    message = ("One or more of the specified parts could not be found.  The part may not have "
               "been uploaded, or the specified entity tag may not match the part's entity tag.")


class InvalidPartOrder(S3Error):
    code, status = "InvalidPartOrder", 400
    message = "The list of parts was not in ascending order. Parts must be ordered by part number."


class InvalidPartNumber(S3Error):
    code, status = "InvalidPartNumber", 416
    message = "The requested partnumber is not satisfiable"


class InvalidRange(S3Error):
    code, status = "InvalidRange", 416
    message = "The requested range is not satisfiable"


class InvalidRequest(S3Error):
    code, status = "InvalidRequest", 400
    message = "Invalid Request"


class InvalidStorageClass(S3Error):
    code, status = "InvalidStorageClass", 400
    message = "The storage class you specified is not valid"


class InvalidURI(S3Error):
    code, status = "InvalidURI", 400
    message = "Couldn't parse the specified URI."


class KeyTooLongError(S3Error):
    code, status = "KeyTooLongError", 400
    message = "Your key is too long"


class MalformedXML(S3Error):
    code, status = "MalformedXML", 400
    message = ("The XML you provided was not well-formed or did not validate against our "
               "published schema")


class MetadataTooLarge(S3Error):
    code, status = "MetadataTooLarge", 400
    message = "Your metadata headers exceed the maximum allowed metadata size"


class MethodNotAllowed(S3Error):
    code, status = "MethodNotAllowed", 405
    message = "The specified method is not allowed against this resource."


class MissingContentLength(S3Error):
    code, status = "MissingContentLength", 411
    message = "You must provide the Content-Length HTTP header."


class NoSuchBucket(S3Error):
    code, status = "NoSuchBucket", 404
    message = "The specified bucket does not exist"


class NoSuchKey(S3Error):
    code, status = "NoSuchKey", 404
    message = "The specified key does not exist."


class NoSuchUpload(S3Error):
    code, status = "NoSuchUpload", 404
    message = ("The specified upload does not exist. The upload ID may be invalid, or the upload "
               "may have been aborted or completed.")


class NoSuchVersion(S3Error):
    code, status = "NoSuchVersion", 404
    message = "The version ID specified in the request does not match an existing version."


NotImplemented_ = _define(
    "NotImplemented", 501, "A header you provided implies functionality that is not implemented")


class NotModified(S3Error):
    code, status = "NotModified", 304
    message = "Not Modified"


class PreconditionFailed(S3Error):
    code, status = "PreconditionFailed", 412
    message = "At least one of the pre-conditions you specified did not hold"


class RequestHeaderSectionTooLarge(S3Error):
    code, status = "RequestHeaderSectionTooLarge", 400
    message = "Your request header section exceeds the maximum allowed size."


class RequestTimeout(S3Error):
    code, status = "RequestTimeout", 400
    message = ("Your socket connection to the server was not read from or written to within the "
               "timeout period.")


class RequestTimeTooSkewed(S3Error):
    code, status = "RequestTimeTooSkewed", 403
    message = "The difference between the request time and the current time is too large."


class SignatureDoesNotMatch(S3Error):
    code, status = "SignatureDoesNotMatch", 403
    message = ("The request signature we calculated does not match the signature you provided. "
               "Check your key and signing method.")


class SlowDown(S3Error):
    code, status = "SlowDown", 503
    message = "Please reduce your request rate."


class ServiceUnavailable(S3Error):
    code, status = "ServiceUnavailable", 503
    message = "Please reduce your request rate."


class InvalidAccessKeyId(S3Error):
    code, status = "InvalidAccessKeyId", 403
    message = "The AWS Access Key Id you provided does not exist in our records."


class XAmzContentSHA256Mismatch(S3Error):
    code, status = "XAmzContentSHA256Mismatch", 400
    message = "The provided 'x-amz-content-sha256' header does not match what was computed."


class InvalidPolicyDocument(S3Error):
    code, status = "InvalidPolicyDocument", 400
    message = ("The content of the form does not meet the conditions specified in the policy "
               "document.")


class MaxPostPreDataLengthExceededError(S3Error):
    code, status = "MaxPostPreDataLengthExceededError", 400
    message = "Your POST request fields preceding the upload file were too large."


class MalformedPOSTRequest(S3Error):
    code, status = "MalformedPOSTRequest", 400
    message = "The body of your POST request is not well-formed multipart/form-data."


class InvalidObjectState(S3Error):
    code, status = "InvalidObjectState", 403
    message = "The operation is not valid for the object's storage class"


class NoSuchTagSet(S3Error):
    code, status = "NoSuchTagSet", 404
    message = "The TagSet does not exist"


class InvalidTag(S3Error):
    code, status = "InvalidTag", 400
    message = "The tag provided was not a valid tag."


class MalformedACLError(S3Error):
    code, status = "MalformedACLError", 400
    message = ("The XML you provided was not well-formed or did not validate against our "
               "published schema")


class InvalidEncryptionAlgorithmError(S3Error):
    code, status = "InvalidEncryptionAlgorithmError", 400
    message = "The encryption request you specified is not valid. The valid value is AES256."


class TooManyParts(S3Error):
    code, status = "TooManyParts", 400
    message = "You have attempted to upload too many parts."


KMSNotFoundException = _define(
    "KMS.NotFoundException", 400,
    "The request was rejected because the specified entity or resource could not be found.")


# Access control (ACLs, bucket policies, Object Ownership, Block Public Access).
class InvalidBucketAclWithObjectOwnership(S3Error):
    code, status = "InvalidBucketAclWithObjectOwnership", 400
    message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"


class InvalidBucketAclWithBlockPublicAccessError(S3Error):
    code, status = "InvalidBucketAclWithBlockPublicAccessError", 400
    message = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"


class MalformedPolicy(S3Error):
    code, status = "MalformedPolicy", 400
    message = "This policy contains invalid Json"


class NoSuchBucketPolicy(S3Error):
    code, status = "NoSuchBucketPolicy", 404
    message = "The bucket policy does not exist"


class NoSuchPublicAccessBlockConfiguration(S3Error):
    code, status = "NoSuchPublicAccessBlockConfiguration", 404
    message = "The public access block configuration was not found"


class OwnershipControlsNotFoundError(S3Error):
    code, status = "OwnershipControlsNotFoundError", 404
    message = "The bucket ownership controls were not found"


class UnresolvableGrantByEmailAddress(S3Error):
    code, status = "UnresolvableGrantByEmailAddress", 400
    message = "The e-mail address you provided does not match any account on record."


class MissingSecurityHeader(S3Error):
    code, status = "MissingSecurityHeader", 400
    message = "Your request was missing a required header"


class UnexpectedContent(S3Error):
    code, status = "UnexpectedContent", 400
    message = "This request does not support content"


# Request body caps (see the body_cap of s3emu.operations.Operation).
class MaxMessageLengthExceeded(S3Error):
    code, status = "MaxMessageLengthExceeded", 400
    message = "Your request was too big."


class PolicyTooLarge(S3Error):
    code, status = "PolicyTooLarge", 400
    message = "Policy exceeds the maximum allowed document size."
