"""AWS STS, as far as S3 users need it: ``AssumeRole``, ``GetSessionToken`` and
``GetCallerIdentity`` over STS's query API (a form POSTed to ``/``, signed with SigV4 for the
``sts`` service), answering STS's XML (``https://sts.amazonaws.com/doc/2011-06-15/``).

In-process, botocore's STS clients are served here like S3 (no socket); ``s3emu serve``
answers the same on its endpoint (``boto3.client("sts", endpoint_url=...)``). A request is an
STS request when it is a POST to ``/`` whose signature is scoped to ``sts``.

From the STS API reference:

- AssumeRole: ``RoleArn`` of a role added with ``emu.add_role``; ``RoleSessionName`` of 2..64
  characters of ``[\\w+=,.@-]``; ``DurationSeconds`` 900 .. the role's maximum (3600 by
  default), and at most 3600 for a session assuming a role (role chaining); an optional session
  ``Policy`` (limits what the role's policies grant) and session ``Tags.member.N`` (become
  ``aws:PrincipalTag/*``). The role's trust policy must allow the caller ``sts:AssumeRole``,
  and so must the caller's own identity policies if it has any. ``PolicyArns`` (managed
  policies), MFA (``SerialNumber`` / ``TokenCode``) and ``TransitiveTagKeys`` are 501.
- GetSessionToken: a user's own permissions on temporary credentials, 900 .. 129600 seconds
  (43200 by default); not with temporary credentials.
- Expiry is on the emulator clock: temporary credentials stop working (S3's ExpiredToken) once
  it passes their ``Expiration``.

Secrets are made from the emulator's seeded ids (deterministic) and never logged.

This module imports only the standard library, errors, the auth and access packages, messages,
protocol's body reader and the services.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any, Mapping
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from .access.enforce import who_of
from .access.identity import Identity, compile_document
from .auth.identify import usual_form
from .auth.request import Request
from .auth.sigv4 import check_signature
from .auth.signing import ALGORITHM, canonical_queries, parse_amz_date
from .auth.tokens import check_token
from .auth.users import Session, User
from .errors import (EntityTooLarge, ExpiredToken, InvalidAccessKeyId, InvalidToken,
                     SignatureDoesNotMatch)
from .messages import Inbound, Outcome
from .protocol.body import read_raw

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/sts/aws4_request")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z")
_MAX_BODY = 64 * 1024
_UNSUPPORTED = ("PolicyArns", "SerialNumber", "TokenCode", "TransitiveTagKeys",
                "ProvidedContexts")


#: what a role without documents may do, for a session policy to limit
_ALLOW_ALL = compile_document({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


class StsError(Exception):
    """An STS error response: status, code, message, and whether the caller (Sender) or
    STS (Receiver) is at fault."""

    def __init__(self, status: int, code: str, message: str, kind: str = "Sender") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind


def is_sts(inbound: Inbound) -> bool:
    """Whether a request is for STS: a POST to ``/`` signed for the ``sts`` service."""
    if inbound.method != "POST" or inbound.environ.get("PATH_INFO", "/") not in ("", "/"):
        return False
    authorization = inbound.headers.get("authorization", "")
    return authorization.startswith(ALGORITHM) and _SCOPE.search(authorization) is not None


def serve(services: Any, inbound: Inbound, request_id: str) -> Outcome:
    """Answer one STS request."""
    action = None
    try:
        body = read_raw(inbound.environ, (_MAX_BODY, EntityTooLarge), inbound.body).tobytes()
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.get("Action")
        user = _authenticate(services, inbound, body)
        if action == "GetCallerIdentity":
            result = _caller_identity(user)
        elif action == "AssumeRole":
            result = _assume_role(services, user, params)
        elif action == "GetSessionToken":
            result = _session_token(services, user, params)
        else:
            raise StsError(400, "InvalidAction",
                           f"Could not find operation {action} for version 2011-06-15")
        text = (f'<{action}Response xmlns="{NAMESPACE}"><{action}Result>{result}'
                f'</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId>'
                f'</ResponseMetadata></{action}Response>')
        status = "200 OK"
        code = None
    except EntityTooLarge:
        text, status, code = _error(StsError(413, "RequestEntityTooLarge",
                                             "Request body too large"), request_id)
    except StsError as error:
        text, status, code = _error(error, request_id)
    data = text.encode()
    headers = [("Content-Type", "text/xml"), ("Content-Length", str(len(data))),
               ("x-amzn-RequestId", request_id)]
    return Outcome(status, headers, [data], action, code, request_id, 0, len(data))


def _error(error: StsError, request_id: str) -> tuple[str, str, str]:
    text = (f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>{error.kind}</Type>'
            f'<Code>{error.code}</Code><Message>{escape(error.message)}</Message></Error>'
            f'<RequestId>{request_id}</RequestId></ErrorResponse>')
    reasons = {400: "Bad Request", 403: "Forbidden", 413: "Request Entity Too Large",
               501: "Not Implemented"}
    return text, f"{error.status} {reasons.get(error.status, 'Error')}", error.code


# -- authentication ----------------------------------------------------------------------------

def _authenticate(services: Any, inbound: Inbound, body: bytes) -> User:
    """The caller of a SigV4-signed STS request (STS's errors when the signature is wrong;
    with ``auth="off"`` any signature, the default user for an unknown key)."""
    headers = inbound.headers
    usual = usual_form(headers.get("authorization", ""))
    amz_date = headers.get("x-amz-date", "")
    when = parse_amz_date(amz_date)
    if usual is None or when is None:
        raise StsError(400, "IncompleteSignature", "The request signature does not conform to "
                       "AWS standards.")
    credential, signed, provided = usual
    access_key, date, region, _, _ = credential.split("/")
    user = services.users.get(access_key)
    if services.settings.auth == "off":          # any signature, as for S3 requests
        return user or services.users.default
    if user is None:
        raise StsError(403, "InvalidClientTokenId",
                       "The security token included in the request is invalid.")
    now = services.clock.now()
    if abs(now - when) > timedelta(minutes=15):
        raise StsError(403, "SignatureDoesNotMatch", "Signature expired: "
                       f"{amz_date} is now earlier than the allowed window.")
    raw_query = str(inbound.environ.get("QUERY_STRING", ""))
    request = Request("POST", "/", raw_query, headers, {}, None, False, now)
    try:                             # S3's SigV4 check, over the sts scope and the body's hash
        check_signature(request, services.users.signing_key(user.secret, date, region, "sts"),
                        access_key, provided, amz_date, f"{date}/{region}/sts/aws4_request",
                        canonical_queries(raw_query), signed.split(";"),
                        hashlib.sha256(body).hexdigest())
    except SignatureDoesNotMatch:
        raise StsError(403, "SignatureDoesNotMatch", "The request signature we calculated "
                       "does not match the signature you provided. Check your AWS Secret "
                       "Access Key and signing method. Consult the service documentation for "
                       "details.") from None
    try:                             # S3's session-token rules, answered in STS's words
        check_token(user, headers.get("x-amz-security-token"), now)
    except ExpiredToken:
        raise StsError(400, "ExpiredToken",
                       "The security token included in the request is expired") from None
    except (InvalidToken, InvalidAccessKeyId):
        raise StsError(403, "InvalidClientTokenId",
                       "The security token included in the request is invalid.") from None
    return user


# -- the actions -------------------------------------------------------------------------------

def _caller_identity(user: User) -> str:
    user_id = user.session.user_id if user.session is not None else user.access_key
    return (f"<Arn>{escape(user.arn)}</Arn><UserId>{escape(user_id)}</UserId>"
            f"<Account>{user.account_id}</Account>")


def _validation(message: str) -> StsError:
    return StsError(400, "ValidationError", message)


def _duration(params: Mapping[str, str], default: int, least: int, most: int,
              too_long: str) -> int:
    text = params.get("DurationSeconds")
    if text is None:
        return min(default, most)
    if not text.isdigit():
        raise _validation(f"Value '{text}' at 'durationSeconds' failed to satisfy constraint: "
                          "Member must be a number")
    seconds = int(text)
    if seconds < least:
        raise _validation(f"1 validation error detected: Value '{seconds}' at "
                          f"'durationSeconds' failed to satisfy constraint: Member must have "
                          f"value greater than or equal to {least}")
    if seconds > most:
        raise _validation(too_long)
    return seconds


def _tags(params: Mapping[str, str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    number = 1
    while f"Tags.member.{number}.Key" in params:
        tags[params[f"Tags.member.{number}.Key"]] = params.get(f"Tags.member.{number}.Value", "")
        number += 1
    if len(tags) > 50:
        raise _validation("1 validation error detected: Value at 'tags' failed to satisfy "
                          "constraint: Member must have length less than or equal to 50")
    return tags


def _assume_role(services: Any, caller: User, params: Mapping[str, str]) -> str:
    for unsupported in _UNSUPPORTED:
        if any(key == unsupported or key.startswith(unsupported + ".") for key in params):
            raise StsError(501, "NotImplemented", f"s3emu does not implement AssumeRole with "
                           f"{unsupported}.", kind="Receiver")
    arn, name = params.get("RoleArn"), params.get("RoleSessionName")
    if not arn or not name:
        missing = "roleArn" if not arn else "roleSessionName"
        raise _validation(f"1 validation error detected: Value null at '{missing}' failed to "
                          "satisfy constraint: Member must not be null")
    if not _SESSION_NAME.match(name):
        raise _validation(f"1 validation error detected: Value '{name}' at 'roleSessionName' "
                          "failed to satisfy constraint: Member must satisfy regular "
                          "expression pattern: [\\w+=,.@-]* and have length between 2 and 64")
    role = services.users.roles.get(arn)
    who = who_of(caller)
    denied = StsError(403, "AccessDenied", f"User: {caller.arn} is not authorized to perform: "
                      f"sts:AssumeRole on resource: {arn}")
    if role is None:
        raise denied
    context = {"aws:principalarn": [caller.arn], "aws:principalaccount": [caller.account_id]}
    if role.trust.evaluate(who, "sts:AssumeRole", arn, context) != "Allow":
        raise denied
    if caller.identity is not None and \
            caller.identity.verdict(who, "sts:AssumeRole", arn, context)[0] != "Allow":
        raise denied
    chained = caller.session is not None
    most = 3600 if chained else role.max_session
    seconds = _duration(params, 3600, 900, most, (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.") if chained else (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."))
    session_policy = None
    if "Policy" in params:
        try:
            session_policy = compile_document(params["Policy"], kind="session")
        except ValueError as error:
            raise StsError(400, "MalformedPolicyDocument", str(error)) from None
    tags = {**role.tags, **_tags(params)}
    identity = role.identity
    if session_policy is not None:
        identity = Identity(identity.policies or (_ALLOW_ALL,), identity.boundary,
                            session_policy)
    elif not identity.restricted:
        identity = None                      # a role without documents: its account's rights
    now = services.clock.now()
    session_arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{name}"
    credentials = _issue(services, Session(
        arn=session_arn, token="", issued=now, expires=now + timedelta(seconds=seconds),
        user_id=f"{role.role_id}:{name}", role_arn=role.arn), role.account_id,
        f"{role.name}/{name}", identity, tags)
    packed = ""
    if session_policy is not None or tags:
        size = len(json.dumps(tags)) + (len(params.get("Policy", "")) if session_policy else 0)
        packed = f"<PackedPolicySize>{min(100, size // 20)}</PackedPolicySize>"
    return (f"{credentials}<AssumedRoleUser><AssumedRoleId>{role.role_id}:{escape(name)}"
            f"</AssumedRoleId><Arn>{escape(session_arn)}</Arn></AssumedRoleUser>{packed}")


def _session_token(services: Any, caller: User, params: Mapping[str, str]) -> str:
    if caller.session is not None:
        raise StsError(403, "AccessDenied", "Cannot call GetSessionToken with session "
                       "credentials")
    for name in ("SerialNumber", "TokenCode"):
        if name in params:
            raise StsError(501, "NotImplemented", f"s3emu does not implement GetSessionToken "
                           f"with {name} (MFA).", kind="Receiver")
    seconds = _duration(params, 43200, 900, 129600, (
        "1 validation error detected: Value at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value less than or equal to 129600"))
    now = services.clock.now()
    return _issue(services, Session(
        arn=caller.arn, token="", issued=now, expires=now + timedelta(seconds=seconds),
        user_id=caller.access_key), caller.account_id, caller.display_name, caller.identity,
        dict(caller.tags))


def _issue(services: Any, session: Session, account_id: str, name: str, identity: Any,
           tags: dict[str, str]) -> str:
    """New temporary credentials for ``session`` (its token made here); their
    ``<Credentials>`` element."""
    ids = services.ids
    key_id = "ASIA" + ids.request_id()[:16]
    secret = hashlib.sha256(f"secret:{ids.request_id()}:{key_id}".encode()).hexdigest()[:40]
    token = "IQoJb3JpZ2luX2Vj" + hashlib.sha256(
        f"token:{ids.request_id()}:{key_id}".encode()).hexdigest() * 4
    session = replace(session, token=token)
    services.users.add(key_id, secret, account_id=account_id, name=name, identity=identity,
                       tags=tags, session=session)
    expiration = session.expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f"<Credentials><AccessKeyId>{key_id}</AccessKeyId>"
            f"<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>"
            f"<Expiration>{expiration}</Expiration></Credentials>")
