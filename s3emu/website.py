"""The website endpoint: a bucket's static website (its PutBucketWebsite configuration) served
as S3 serves it, in HTML.

A request reaches it when its host is a website endpoint's (``Address.website``, told apart
once per host by :mod:`s3emu.protocol.addressing`): ``BUCKET.s3-website-REGION.amazonaws.com``
or ``BUCKET.s3-website.REGION.amazonaws.com`` (in-process, through requests / urllib3), and
``BUCKET.s3-website.localhost:PORT`` on a local server. What S3 documents ("Website endpoints",
"Configuring an index document", "Configuring a custom error document", "(Optional)
Configuring a webpage redirect"), in this order:

- over HTTPS there is no website endpoint: the connection is dropped without an answer (S3's
  website endpoints do not support HTTPS; in-process, the caller sees a connection error);
- the bare endpoint (no bucket) is 301 to https://aws.amazon.com/s3/; methods other than GET
  and HEAD are 405 MethodNotAllowed; a missing bucket 404 NoSuchBucket; a bucket of another
  region than the endpoint's 400 IncorrectEndpoint naming its endpoint; a bucket without a
  website configuration 404 NoSuchWebsiteConfiguration;
- RedirectAllRequestsTo: 301 to the same path on its host (its protocol, else ``http``);
- routing rules without an error code, in order: the first whose KeyPrefixEquals the key
  starts with (or without a Condition) redirects (HttpRedirectCode, else 301; Protocol,
  HostName, else the request's host; ReplaceKeyWith, or ReplaceKeyPrefixWith in place of the
  prefix, else the same key);
- the object: ``/`` and keys ending in ``/`` read the index document under that prefix; the
  read is S3's GetObject (HeadObject for HEAD) made by the anonymous principal, authorized by
  the access decision of the REST endpoint (bucket policy, ACLs, Block Public Access), with
  the request's conditional and Range headers; an object with
  ``x-amz-website-redirect-location`` is a 301 to it;
- a key without a trailing ``/`` that is not an object, where ``KEY/<index suffix>`` can be
  read, is 302 to ``/KEY/``;
- an error: a routing rule whose HttpErrorCodeReturnedEquals is its status (and whose prefix
  matches) redirects; for a 4xx, the error document is returned with the error's status; else,
  or when the error document cannot be read, S3's HTML error page (Code, Message, the error's
  fields, RequestId, HostId; and "An Error Occurred While Attempting to Retrieve a Custom Error
  Document" with that error). Every error answer also names the error in its headers
  (``x-amz-error-code``, ``x-amz-error-message``, ``x-amz-error-detail-Key``), as S3's do.

Requests are always anonymous: a signature is not looked at. This module imports the access,
auth, errors, faults (the dropped connection), model, operations, ops and protocol parts; it
holds no policy logic of its own.
"""
from __future__ import annotations

from html import escape
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import quote

from .access.enforce import authorize
from .auth.identify import ANONYMOUS_CREDENTIAL
from .auth.request import Authenticated
from .auth.users import ANONYMOUS
from .errors import (IncorrectEndpoint, MethodNotAllowed, NoSuchBucket,
                     NoSuchWebsiteConfiguration, NotModified, S3Error)
from .faults import ConnectionReset
from .model.website import RoutingRule, WebsiteConfiguration
from .operations import OPERATIONS
from .ops.registry import Call
from .protocol.reply import Reply

if TYPE_CHECKING:
    from .messages import Inbound
    from .model.bucket import Bucket
    from .protocol.addressing import Address
    from .services import Services

#: What a website request is journaled as, by method.
OPERATION_OF = {"GET": "GetObject", "HEAD": "HeadObject"}
HTML = "text/html; charset=utf-8"
#: Where the bare website endpoint sends a browser.
S3_HOME = "https://aws.amazon.com/s3/"
#: Regions whose website endpoint is ``s3-website-REGION`` (the others' is ``s3-website.REGION``)
_DASH_REGIONS = frozenset({"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1",
                           "ap-southeast-2", "ap-northeast-1", "sa-east-1", "us-gov-west-1"})
#: Request headers that change what a read answers (the rest are dropped for the error document)
_READ_HEADERS = ("range", "if-match", "if-none-match", "if-modified-since",
                 "if-unmodified-since")
_AUTH = Authenticated(ANONYMOUS, ANONYMOUS_CREDENTIAL)


def endpoint_of(bucket: str, region: str) -> str:
    """A bucket's website endpoint host."""
    sep = "-" if region in _DASH_REGIONS else "."
    return f"{bucket}.s3-website{sep}{region}.amazonaws.com"


def serve(services: Services, inbound: Inbound, where: Address, request_id: str,
          host_id: str) -> Reply:
    """The answer of the website endpoint to one request (see the module docstring)."""
    if inbound.secure:
        raise ConnectionReset("S3 website endpoints do not support HTTPS")
    page = _Page(request_id, host_id)
    method = inbound.method
    if where.bucket is None:
        return _moved(301, S3_HOME)
    if method not in OPERATION_OF:
        return page.error(MethodNotAllowed(Method=method, ResourceType="OBJECT"))
    bucket = services.store.buckets.get(where.bucket)
    if bucket is None:
        return page.error(NoSuchBucket(BucketName=where.bucket))
    if where.region is not None and where.region != bucket.region:
        return page.error(IncorrectEndpoint(Endpoint=endpoint_of(bucket.name, bucket.region)))
    config = bucket.settings.website
    if config is None:
        return page.error(NoSuchWebsiteConfiguration(BucketName=bucket.name))
    host = inbound.headers.get("host") or endpoint_of(bucket.name, bucket.region)
    if config.redirect_all is not None:
        to = config.redirect_all
        return _moved(301, f"{to.protocol or 'http'}://{to.host_name}{where.raw_path}")
    key = where.key or ""
    rule = config.rule_for(key)
    if rule is not None:
        return _follow(rule, key, host)
    return _Site(services, inbound, bucket, config, page).read(key, host)


class _Site:
    """The reads of one request to a bucket's website (the page, the folder's index, the
    error document), each S3's GetObject / HeadObject made anonymously."""

    def __init__(self, services: Services, inbound: Inbound, bucket: Bucket,
                 config: WebsiteConfiguration, page: _Page) -> None:
        self.services, self.inbound, self.bucket = services, inbound, bucket
        self.config, self.page = config, page
        self.operation = OPERATIONS[OPERATION_OF[inbound.method]]
        self.headers = {name: value for name, value in inbound.headers.items()
                        if name != "authorization" and not name.startswith("x-amz-")}
        self.plain = {name: value for name, value in self.headers.items()
                      if name not in _READ_HEADERS}

    def read(self, key: str, host: str) -> Reply:
        suffix = self.config.index_suffix or ""
        lookup = key + suffix if not key or key.endswith("/") else key
        try:
            reply = self._get(lookup, self.headers)
        except NotModified as not_modified:
            return Reply(status=304, headers=dict(not_modified.headers))
        except S3Error as error:
            if key and not key.endswith("/") and self._missing(key) and \
                    self._readable(f"{key}/{suffix}"):
                return _moved(302, "/" + quote(key) + "/")
            return self._failed(error, key, host)
        redirect = reply.headers.get("x-amz-website-redirect-location")
        if redirect is not None:
            return _moved(301, redirect)
        return reply

    def _failed(self, error: S3Error, key: str, host: str) -> Reply:
        """An error's answer: a routing rule for its status, the error document, or S3's
        HTML page."""
        rule = self.config.rule_for(key, error.status)
        if rule is not None:
            return _follow(rule, key, host)
        document = self.config.error_key
        if document is None or not 400 <= error.status < 500:
            return self.page.error(error)
        try:
            reply = self._get(document, self.plain)
        except S3Error as failure:
            return self.page.error(error, failure)
        reply.status = error.status
        reply.headers.update(error_headers(error))
        return reply

    def _get(self, key: str, headers: dict[str, str]) -> Reply:
        """The REST endpoint's GetObject (HeadObject) of ``key``, made anonymously."""
        services, bucket, operation = self.services, self.bucket, self.operation
        call = Call(
            operation=operation, method=self.inbound.method, bucket=bucket.name, key=key,
            query={}, headers=headers, request_id=self.page.request_id, region=bucket.region,
            user=ANONYMOUS, auth=_AUTH, inbound=self.inbound, store=services.store,
            clock=services.clock, ids=services.ids, users=services.users,
            settings=services.settings, secure=False, virtual_host=True)
        authorize(call)
        assert operation.handler is not None
        reply: Reply = operation.handler(call)
        return reply

    def _missing(self, key: str) -> bool:
        version = self.bucket.find(key)
        return version is None or version.delete_marker

    def _readable(self, key: str) -> bool:
        try:
            self._get(key, self.plain)
        except S3Error:
            return False
        return True


def _moved(status: int, location: str) -> Reply:
    return Reply(status=status, headers={"Location": location}, body=b"")


def _follow(rule: RoutingRule, key: str, host: str) -> Reply:
    """The redirect a routing rule makes of a request for ``key``."""
    redirect = rule.redirect
    prefix = rule.condition.key_prefix_equals if rule.condition is not None else None
    target = quote(redirect.key_for(key, prefix))
    status = int(redirect.http_redirect_code or 301)
    return _moved(status, f"{redirect.protocol or 'http'}://{redirect.host_name or host}/"
                          f"{target}")


class _Page:
    """S3's HTML error pages, for one request."""

    def __init__(self, request_id: str, host_id: str) -> None:
        self.request_id, self.host_id = request_id, host_id

    def error(self, error: S3Error, document: S3Error | None = None) -> Reply:
        """The page of ``error``; ``document``: what reading the error document met."""
        title = f"{error.status} {HTTPStatus(error.status).phrase}"
        lines = ["<html>", f"<head><title>{title}</title></head>", "<body>",
                 f"<h1>{title}</h1>", "<ul>"]
        lines += _items(error, {"RequestId": self.request_id, "HostId": self.host_id})
        lines.append("</ul>")
        if document is not None:
            lines += ["<h3>An Error Occurred While Attempting to Retrieve a Custom Error "
                      "Document</h3>", "<ul>"]
            lines += _items(document, {})
            lines.append("</ul>")
        lines += ["<hr/>", "</body>", "</html>", ""]
        headers = {"Content-Type": HTML, **error_headers(error)}
        return Reply(status=error.status, headers=headers,
                     body="\n".join(lines).encode("utf-8", "surrogateescape"))


def error_headers(error: S3Error) -> dict[str, str]:
    """What the website endpoint says of an error in headers (also on HEAD, which has no
    page): ``x-amz-error-code``, ``x-amz-error-message`` and ``x-amz-error-detail-<field>``."""
    headers = {"x-amz-error-code": error.code, "x-amz-error-message": error.message}
    for name, value in error.fields.items():
        headers[f"x-amz-error-detail-{name}"] = str(value)
    return headers


def _items(error: S3Error, more: Mapping[str, Any]) -> list[str]:
    fields = {"Code": error.code, "Message": error.message, **error.fields, **more}
    return [f"<li>{name}: {escape(str(value), quote=False)}</li>"
            for name, value in fields.items()]
