"""CORS: PutBucketCors, GetBucketCors, DeleteBucketCors (rows of :mod:`.subresources`), the
preflight ``OPTIONS`` request (:data:`PREFLIGHT`), and the CORS headers of actual requests
(:func:`add_cors_headers`, called by the app for requests carrying ``Origin``).

The rules, from S3's PutBucketCors and "Appendix: OPTIONS object" pages, the user guide's CORS
chapter, and S3's answers as recorded by others (ceph s3-tests, LocalStack's AWS-validated
snapshots):

- the document is ``CORSConfiguration`` with 1 to 100 ``CORSRule`` (none: MalformedXML), each
  with at least one ``AllowedMethod`` and one ``AllowedOrigin`` (else MalformedXML), any
  ``AllowedHeader`` and ``ExposeHeader``, at most one ``ID`` (255 characters at most) and one
  ``MaxAgeSeconds`` (an integer); a method other than GET, PUT, POST, DELETE, HEAD is
  InvalidRequest "Found unsupported HTTP method in CORS config. Unsupported method is X"; an
  AllowedOrigin or AllowedHeader with two ``*`` is InvalidRequest; the document is 64 KB at
  most; it needs Content-MD5 or a flexible checksum; GetBucketCors gives the rules back as
  written, and 404 NoSuchCORSConfiguration when there are none; DeleteBucketCors is 204;
- a preflight (``OPTIONS`` on a bucket or key, never signed, never authorized; on the service
  endpoint it names no bucket, which is "Bucket not found") needs
  ``Origin`` (400 BadRequest "Insufficient information. Origin request header needed."); a
  missing bucket is 403 AccessForbidden "CORSResponse: Bucket not found", a bucket without
  rules 403 "CORSResponse: CORS is not enabled for this bucket."; then it needs
  ``Access-Control-Request-Method`` (400 "Invalid Access-Control-Request-Method: null"); no
  matching rule is 403 AccessForbidden "CORSResponse: This CORS request is not allowed. ..."
  (S3's spelling, "evalution" included) with ``Method`` and ``ResourceType``; a match is 200
  with Access-Control-Allow-Origin (the origin, or ``*`` for the rule's ``*``),
  -Allow-Methods (the rule's), -Allow-Headers (the requested names, lower-case),
  -Expose-Headers, -Max-Age, -Allow-Credentials (``true`` unless ``*``) and ``Vary``;
- an actual request with ``Origin`` on a bucket with rules gets the same headers (without
  -Allow-Headers) when a rule matches its origin and its method (or its
  ``Access-Control-Request-Method``, when sent), errors included; otherwise none. Requested
  headers are not checked on actual requests, and a request S3 serves stays served: CORS is
  the browser's to enforce.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import (AccessForbidden, BadRequest, InvalidArgument, InvalidRequest,
                      MalformedXML)
from ..model.cors import METHODS, CorsConfiguration, CorsMatch, CorsRule
from ..operations import BUCKET
from ..protocol import numbers, xml
from .registry import Call, Reply, operation

if TYPE_CHECKING:
    from ..model.bucket import Bucket
    from ..model.store import Store

ROOT = "CORSConfiguration"
#: the operation name of a preflight (S3's access logs call it REST.OPTIONS.PREFLIGHT)
PREFLIGHT = "PreflightCORS"
MAX_RULES = 100
MAX_ID = 255
#: what S3 sends as ``Vary`` with CORS headers
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
_ELEMENTS = frozenset({"ID", "AllowedHeader", "AllowedMethod", "AllowedOrigin",
                       "ExposeHeader", "MaxAgeSeconds"})
_INT32 = 2 ** 31


def _texts(element: dict[str, Any], name: str) -> tuple[str, ...]:
    """The texts of every ``name`` child (an empty element is ``""``)."""
    if name not in element:
        return ()
    values = element[name]
    if not isinstance(values, list):
        values = [values]
    return tuple(xml.text_of(value) for value in values)


def _one_wildcard(kind: str, values: tuple[str, ...]) -> None:
    for value in values:
        if value.count("*") > 1:
            raise InvalidRequest(f'{kind} "{value}" can not have more than one wildcard.')


def _rule(element: Any) -> CorsRule:
    if not isinstance(element, dict) or not set(element) <= _ELEMENTS:
        raise MalformedXML()
    methods, origins = _texts(element, "AllowedMethod"), _texts(element, "AllowedOrigin")
    ids, ages = _texts(element, "ID"), _texts(element, "MaxAgeSeconds")
    if not methods or not origins or len(ids) > 1 or len(ages) > 1:
        raise MalformedXML()
    for method in methods:
        if method not in METHODS:
            raise InvalidRequest("Found unsupported HTTP method in CORS config. "
                                 f"Unsupported method is {method}")
    headers = _texts(element, "AllowedHeader")
    _one_wildcard("AllowedOrigin", origins)
    _one_wildcard("AllowedHeader", headers)
    rule_id = ids[0] if ids else None
    if rule_id is not None and len(rule_id) > MAX_ID:
        raise InvalidArgument(f"ID length should not exceed allowed limit of {MAX_ID}",
                              ArgumentName="ID", ArgumentValue=rule_id)
    max_age = None
    if ages:
        max_age = numbers.integer(ages[0], signs="-")
        if max_age is None or not -_INT32 <= max_age < _INT32:
            raise MalformedXML()
    return CorsRule(allowed_methods=methods, allowed_origins=origins, allowed_headers=headers,
                    expose_headers=_texts(element, "ExposeHeader"), max_age=max_age,
                    id=rule_id)


def parse_cors(body: bytes, bucket: Bucket | None = None) -> CorsConfiguration:
    """The rules of a ``CORSConfiguration`` document, with S3's validation."""
    doc = xml.parse(body, ROOT)
    if not set(doc) <= {"CORSRule"}:
        raise MalformedXML()
    elements = xml.as_list(doc.get("CORSRule"))
    if not elements or len(elements) > MAX_RULES:
        raise MalformedXML()
    return CorsConfiguration(tuple(_rule(element) for element in elements))


def show_cors(value: CorsConfiguration, call: Call, bucket: Bucket) -> Reply:
    rules = []
    for rule in value.rules:
        rules.append({"ID": rule.id, "AllowedHeader": list(rule.allowed_headers),
                      "AllowedMethod": list(rule.allowed_methods),
                      "AllowedOrigin": list(rule.allowed_origins),
                      "ExposeHeader": list(rule.expose_headers),
                      "MaxAgeSeconds": rule.max_age})
    return Reply(xml=(ROOT, {"CORSRule": rules}))


def _headers_of(match: CorsMatch) -> dict[str, str]:
    """The CORS headers of a request ``match`` allowed (preflight and actual alike)."""
    rule = match.rule
    headers = {"Access-Control-Allow-Origin": match.allow_origin,
               "Access-Control-Allow-Methods": ", ".join(rule.allowed_methods)}
    if rule.expose_headers:
        headers["Access-Control-Expose-Headers"] = ", ".join(rule.expose_headers)
    if rule.max_age is not None:
        headers["Access-Control-Max-Age"] = str(rule.max_age)
    if match.allow_origin != "*":
        headers["Access-Control-Allow-Credentials"] = "true"
    headers["Vary"] = VARY
    return headers


def _requested_headers(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(name for name in (part.strip().lower() for part in value.split(",")) if name)


@operation(PREFLIGHT, action="s3:GetBucketCORS", kind=BUCKET, unauthenticated=True,
           authorizes_itself=True, signs_itself=True)
def preflight(call: Call) -> Reply:
    """OPTIONS on a bucket or a key: the answer a browser's CORS preflight gets (its record's
    action is never checked: S3 answers a preflight to anyone)."""
    headers = call.headers
    origin = headers.get("origin")
    if origin is None:
        raise BadRequest("Insufficient information. Origin request header needed.")
    method = headers.get("access-control-request-method")
    bucket = call.store.buckets.get(call.bucket) if call.bucket else None
    if bucket is None or bucket.settings.cors is None:
        message = ("CORSResponse: Bucket not found" if bucket is None else
                   "CORSResponse: CORS is not enabled for this bucket.")
        raise AccessForbidden(message, Method=method or "OPTIONS", ResourceType="BUCKET")
    if method is None or method not in METHODS:
        raise BadRequest(f"Invalid Access-Control-Request-Method: {method or 'null'}")
    requested = _requested_headers(headers.get("access-control-request-headers"))
    match = bucket.settings.cors.match(origin, method, requested)
    if match is None:
        raise AccessForbidden(Method=method,
                              ResourceType="OBJECT" if call.key is not None else "BUCKET")
    answer = _headers_of(match)
    if requested:
        answer["Access-Control-Allow-Headers"] = ", ".join(requested)
    return Reply(headers=answer)


def add_cors_headers(reply: Reply, store: Store, bucket_name: str | None,
                     headers: dict[str, str], method: str, op: str | None) -> None:
    """Add the CORS headers to the reply of an actual request carrying ``Origin`` (the app
    calls this only then), when its bucket has a rule matching it."""
    if bucket_name is None or op == PREFLIGHT:
        return
    bucket = store.buckets.get(bucket_name)
    cors = bucket.settings.cors if bucket is not None else None
    if cors is None:
        return
    match = cors.match(headers["origin"],
                       headers.get("access-control-request-method") or method)
    if match is not None:
        reply.headers = {**reply.headers, **_headers_of(match)}
