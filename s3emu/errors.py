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
    return type(code, (S3Error,), {"code": code, "status": status, "message": message,
                                   "__module__": __name__})


class InternalError(S3Error):
    code, status = "InternalError", 500


# 3xx / 4xx / 5xx codes as documented in S3's "Error responses" reference.
AccessDenied = _define("AccessDenied", 403, "Access Denied")
AccessControlListNotSupported = _define(
    "AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
AuthorizationHeaderMalformed = _define(
    "AuthorizationHeaderMalformed", 400, "The authorization header is malformed.")
AuthorizationQueryParametersError = _define(
    "AuthorizationQueryParametersError", 400,
    "Error parsing the X-Amz-Credential parameter.")
BadDigest = _define(
    "BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
BucketAlreadyExists = _define(
    "BucketAlreadyExists", 409,
    "The requested bucket name is not available. The bucket namespace is shared by all users "
    "of the system. Please select a different name and try again.")
BucketAlreadyOwnedByYou = _define(
    "BucketAlreadyOwnedByYou", 409,
    "Your previous request to create the named bucket succeeded and you already own it.")
BucketNotEmpty = _define(
    "BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
EntityTooLarge = _define(
    "EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
EntityTooSmall = _define(
    "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")
IllegalLocationConstraintException = _define(
    "IllegalLocationConstraintException", 400,
    "The unspecified location constraint is incompatible for the region specific endpoint "
    "this request was sent to.")
IncompleteBody = _define(
    "IncompleteBody", 400,
    "You did not provide the number of bytes specified by the Content-Length HTTP header")
InvalidArgument = _define("InvalidArgument", 400, "Invalid Argument")
InvalidBucketName = _define("InvalidBucketName", 400, "The specified bucket is not valid.")
InvalidDigest = _define(
    "InvalidDigest", 400, "The Content-MD5 you specified was invalid.")
InvalidLocationConstraint = _define(
    "InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
InvalidPart = _define(
    "InvalidPart", 400,
    "One or more of the specified parts could not be found.  The part may not have been "
    "uploaded, or the specified entity tag may not match the part's entity tag.")
InvalidPartOrder = _define(
    "InvalidPartOrder", 400,
    "The list of parts was not in ascending order. Parts must be ordered by part number.")
InvalidPartNumber = _define(
    "InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
InvalidRange = _define("InvalidRange", 416, "The requested range is not satisfiable")
InvalidRequest = _define("InvalidRequest", 400, "Invalid Request")
InvalidStorageClass = _define(
    "InvalidStorageClass", 400, "The storage class you specified is not valid")
InvalidURI = _define("InvalidURI", 400, "Couldn't parse the specified URI.")
KeyTooLongError = _define("KeyTooLongError", 400, "Your key is too long")
MalformedXML = _define(
    "MalformedXML", 400,
    "The XML you provided was not well-formed or did not validate against our published schema")
MetadataTooLarge = _define(
    "MetadataTooLarge", 400,
    "Your metadata headers exceed the maximum allowed metadata size")
MethodNotAllowed = _define(
    "MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
MissingContentLength = _define(
    "MissingContentLength", 411, "You must provide the Content-Length HTTP header.")
NoSuchBucket = _define("NoSuchBucket", 404, "The specified bucket does not exist")
NoSuchKey = _define("NoSuchKey", 404, "The specified key does not exist.")
NoSuchUpload = _define(
    "NoSuchUpload", 404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
    "been aborted or completed.")
InvalidBucketState = _define(
    "InvalidBucketState", 409, "The request is not valid with the current state of the bucket.")
ObjectLockConfigurationNotFoundError = _define(
    "ObjectLockConfigurationNotFoundError", 404,
    "Object Lock configuration does not exist for this bucket")
NoSuchObjectLockConfiguration = _define(
    "NoSuchObjectLockConfiguration", 404,
    "The specified object does not have a ObjectLock configuration")
NoSuchVersion = _define(
    "NoSuchVersion", 404,
    "The version ID specified in the request does not match an existing version.")
NotImplemented_ = _define(
    "NotImplemented", 501, "A header you provided implies functionality that is not implemented")
NotModified = _define("NotModified", 304, "Not Modified")
PreconditionFailed = _define(
    "PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
RequestHeaderSectionTooLarge = _define(
    "RequestHeaderSectionTooLarge", 400,
    "Your request header section exceeds the maximum allowed size.")
RequestTimeout = _define(
    "RequestTimeout", 400,
    "Your socket connection to the server was not read from or written to within the timeout "
    "period.")
RequestTimeTooSkewed = _define(
    "RequestTimeTooSkewed", 403,
    "The difference between the request time and the current time is too large.")
SignatureDoesNotMatch = _define(
    "SignatureDoesNotMatch", 403,
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.")
SlowDown = _define("SlowDown", 503, "Please reduce your request rate.")
ServiceUnavailable = _define("ServiceUnavailable", 503, "Please reduce your request rate.")
InvalidAccessKeyId = _define(
    "InvalidAccessKeyId", 403,
    "The AWS Access Key Id you provided does not exist in our records.")
InvalidToken = _define("InvalidToken", 400, "The provided token is malformed or otherwise invalid.")
ExpiredToken = _define("ExpiredToken", 400, "The provided token has expired.")
XAmzContentSHA256Mismatch = _define(
    "XAmzContentSHA256Mismatch", 400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.")
InvalidPolicyDocument = _define(
    "InvalidPolicyDocument", 400,
    "The content of the form does not meet the conditions specified in the policy document.")
MaxPostPreDataLengthExceededError = _define(
    "MaxPostPreDataLengthExceededError", 400,
    "Your POST request fields preceding the upload file were too large.")
MalformedPOSTRequest = _define(
    "MalformedPOSTRequest", 400,
    "The body of your POST request is not well-formed multipart/form-data.")
InvalidObjectState = _define(
    "InvalidObjectState", 403, "The operation is not valid for the object's storage class")
ReplicationConfigurationNotFoundError = _define(
    "ReplicationConfigurationNotFoundError", 404,
    "The replication configuration was not found")
InvalidTargetBucketForLogging = _define(
    "InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist")
RestoreAlreadyInProgress = _define(
    "RestoreAlreadyInProgress", 409, "Object restore is already in progress")
GlacierExpeditedRetrievalNotAvailable = _define(
    "GlacierExpeditedRetrievalNotAvailable", 503,
    "Glacier expedited retrievals are currently not available, please try again later")
NoSuchTagSet = _define("NoSuchTagSet", 404, "The TagSet does not exist")
InvalidTag = _define("InvalidTag", 400, "The tag provided was not a valid tag.")
BadRequest = _define("BadRequest", 400, "Bad Request")
MalformedACLError = _define(
    "MalformedACLError", 400,
    "The XML you provided was not well-formed or did not validate against our published schema")
InvalidEncryptionAlgorithmError = _define(
    "InvalidEncryptionAlgorithmError", 400,
    "The encryption request you specified is not valid. The valid value is AES256.")
TooManyParts = _define("TooManyParts", 400, "You have attempted to upload too many parts.")
KMSNotFoundException = _define(
    "KMS.NotFoundException", 400,
    "The request was rejected because the specified entity or resource could not be found.")

# Access control (ACLs, bucket policies, Object Ownership, Block Public Access).
InvalidBucketAclWithObjectOwnership = _define(
    "InvalidBucketAclWithObjectOwnership", 400,
    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
InvalidBucketAclWithBlockPublicAccessError = _define(
    "InvalidBucketAclWithBlockPublicAccessError", 400,
    "Bucket cannot have public ACLs set with BlockPublicAccess enabled")
MalformedPolicy = _define("MalformedPolicy", 400, "This policy contains invalid Json")
NoSuchBucketPolicy = _define("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
NoSuchPublicAccessBlockConfiguration = _define(
    "NoSuchPublicAccessBlockConfiguration", 404,
    "The public access block configuration was not found")
NoSuchWebsiteConfiguration = _define(
    "NoSuchWebsiteConfiguration", 404,
    "The specified bucket does not have a website configuration")
InvalidRedirectLocation = _define(
    "InvalidRedirectLocation", 400,
    "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.")
IncorrectEndpoint = _define(
    "IncorrectEndpoint", 400,
    "The specified bucket exists in another region. Please direct requests to the specified "
    "endpoint.")
OwnershipControlsNotFoundError = _define(
    "OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
NoSuchConfiguration = _define(
    "NoSuchConfiguration", 404, "The specified configuration does not exist.")
TooManyConfigurations = _define(
    "TooManyConfigurations", 400, "You are attempting to create a new configuration but have "
    "already reached the 1,000-configuration limit.")
ServerSideEncryptionConfigurationNotFoundError = _define(
    "ServerSideEncryptionConfigurationNotFoundError", 404,
    "The server side encryption configuration was not found")
UnresolvableGrantByEmailAddress = _define(
    "UnresolvableGrantByEmailAddress", 400,
    "The e-mail address you provided does not match any account on record.")
MissingSecurityHeader = _define(
    "MissingSecurityHeader", 400, "Your request was missing a required header")
UnexpectedContent = _define("UnexpectedContent", 400, "This request does not support content")

# CORS (PutBucketCors, preflight OPTIONS requests).
NoSuchCORSConfiguration = _define(
    "NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
AccessForbidden = _define(
    "AccessForbidden", 403,
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec.")
BadRequest = _define("BadRequest", 400, "Bad Request")

# Request body caps (see the body_cap of s3emu.operations.Operation).
MaxMessageLengthExceeded = _define("MaxMessageLengthExceeded", 400, "Your request was too big.")
PolicyTooLarge = _define("PolicyTooLarge", 400,
                         "Policy exceeds the maximum allowed document size.")
NoSuchLifecycleConfiguration = _define(
    "NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")

# SelectObjectContent (S3's "List of SELECT Object Content Error Codes"): all 400.
_SELECT_ERRORS = {
    "CastFailed": "Attempt to convert from one data type to another using CAST failed in the "
                  "SQL expression.",
    "CSVEscapingRecordDelimiter": "A quoted record delimiter was found in the file. To allow "
                                  "quoted record delimiters, set AllowQuotedRecordDelimiter to "
                                  "'TRUE'.",
    "CSVUnescapedQuote": "A quote character in the file was not escaped.",
    "CSVParsingError": "Encountered an Error parsing the CSV file. Check the file and try again.",
    "EvaluatorInvalidArguments": "Incorrect number of arguments in the function call in the SQL "
                                 "expression.",
    "EvaluatorInvalidTimestampFormatPattern": "Time stamp format pattern requires additional "
                                              "fields in the SQL expression.",
    "EvaluatorNegativeLimit": "You can't have a negative LIMIT value in the SQL expression.",
    "IllegalSqlFunctionArgument": "Illegal argument was used in the SQL function.",
    "IncorrectSqlFunctionArgumentType": "Incorrect type of arguments in function call in the "
                                        "SQL expression.",
    "InvalidColumnIndex": "The column index in the SQL expression is invalid.",
    "InvalidCompressionFormat": "The file is not in a supported compression format. Only GZIP "
                                "and BZIP2 are supported.",
    "InvalidDataType": "The SQL expression contains an invalid data type.",
    "InvalidExpressionType": "The ExpressionType value is not valid. Only SQL expressions are "
                             "supported.",
    "InvalidFileHeaderInfo": "The FileHeaderInfo value is invalid. Only NONE, USE, and IGNORE "
                             "are supported.",
    "InvalidJsonType": "The JsonType value is invalid. Only DOCUMENT and LINES are supported.",
    "InvalidQuoteFields": "The QuoteFields value is invalid. Only ALWAYS and ASNEEDED are "
                          "supported.",
    "InvalidRequestParameter": "The value of a parameter in SelectRequest element is invalid. "
                               "Check the service API documentation and try again.",
    "InvalidScanRange": "The provided scan range is invalid.",
    "InvalidTextEncoding": "Invalid encoding type. Only UTF-8 encoding is supported.",
    "JSONParsingError": "Encountered an error parsing the JSON file. Check the file and try "
                        "again.",
    "LikeInvalidInputs": "Invalid argument given to the LIKE clause in the SQL expression.",
    "MissingRequiredParameter": "The SelectRequest entity is missing a required parameter. "
                                "Check the service documentation and try again.",
    "ObjectSerializationConflict": "The InputSerialization specified more than one format "
                                   "(CSV, JSON, or Parquet).",
    "OverMaxRecordSize": "The length of a record in the input or result is greater than "
                         "maxCharsPerRecord of 1 MB.",
    "ParquetParsingError": "An error occurred while parsing the Parquet file. Check the file "
                           "and try again.",
    "ParseAsteriskIsNotAloneInSelectList": "Other expressions are not allowed in the SELECT "
                                           "list when * is used without dot notation in the "
                                           "SQL expression.",
    "ParseExpectedExpression": "Did not find the expected SQL expression.",
    "ParseExpectedTypeName": "Did not find the expected type name in the SQL expression.",
    "ParseInvalidPathComponent": "The SQL expression contains an invalid path component.",
    "ParseSelectMissingFrom": "The SQL expression contains a missing FROM after the SELECT "
                              "list.",
    "ParseUnexpectedToken": "The SQL expression contains an unexpected token.",
    "ParseUnsupportedSyntax": "The SQL expression contains unsupported syntax.",
    "UnsupportedFunction": "We encountered an unsupported SQL function.",
    "UnsupportedScanRangeInput": "Scan range queries are not supported on this type of object.",
    "UnsupportedSqlOperation": "We encountered an unsupported SQL operation.",
    "UnsupportedSyntax": "We encountered syntax that is not valid.",
    "ValueParseFailure": "A timestamp parse failure occurred in the SQL expression.",
}
SELECT_ERRORS: dict[str, type[S3Error]] = {
    _code: _define(_code, 400, _message) for _code, _message in _SELECT_ERRORS.items()}
