"""Static website configuration: PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite (rows
of :mod:`.subresources`); the website endpoint that serves it is :mod:`s3emu.website`.

The document is ``WebsiteConfiguration`` (PutBucketWebsite in S3's API reference; "Configuring
an index document", "Configuring a custom error document" and "(Optional) Configuring a
webpage redirect" in its user guide). S3's checks, in its order and with its errors:

- an element S3's schema does not have, a repeated one, one holding text where it wants
  elements (or the reverse), RedirectAllRequestsTo without HostName, ErrorDocument without
  Key, an empty RoutingRules, a RoutingRule without Redirect or a Redirect with nothing in it,
  a status that is not a number: MalformedXML;
- RedirectAllRequestsTo with any other element: InvalidArgument "RedirectAllRequestsTo cannot
  be provided in conjunction with other Routing Rules.";
- no IndexDocument (and no RedirectAllRequestsTo): InvalidArgument "A value for IndexDocument
  Suffix must be provided if RedirectAllRequestsTo is empty"; an empty Suffix or one with a
  ``/``: InvalidArgument "The IndexDocument Suffix is not well formed";
- more than 50 routing rules, an empty Condition, ReplaceKeyPrefixWith with ReplaceKeyWith,
  an HttpErrorCodeReturnedEquals that is not 4xx/5xx, an HttpRedirectCode that is not 3xx (or
  is 300), a Protocol other than ``http`` / ``https``: InvalidRequest with S3's message.

GetBucketWebsite shows what was stored; with none it is 404 NoSuchWebsiteConfiguration.
DeleteBucketWebsite answers 204, also when there was nothing to delete.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgument, InvalidRequest, MalformedXML
from ..model.website import (Condition, Redirect, RedirectAll, RoutingRule,
                             WebsiteConfiguration)
from ..protocol import numbers, xml
from .registry import Call, Reply

if TYPE_CHECKING:
    from ..model.bucket import Bucket

ROOT = "WebsiteConfiguration"
#: S3's limit on routing rules in one configuration.
MAX_ROUTING_RULES = 50
_TOP = frozenset({"IndexDocument", "ErrorDocument", "RedirectAllRequestsTo", "RoutingRules"})
_REDIRECT = ("Protocol", "HostName", "ReplaceKeyPrefixWith", "ReplaceKeyWith",
             "HttpRedirectCode")
_CONDITION = ("KeyPrefixEquals", "HttpErrorCodeReturnedEquals")
_PROTOCOLS = ("http", "https")
_BAD_PROTOCOL = ("Invalid protocol, protocol can be http or https. If not defined the protocol "
                 "will be selected automatically.")


def _element(doc: dict[str, Any], allowed: frozenset[str] | tuple[str, ...]) -> dict[str, Any]:
    """``doc`` checked to hold only ``allowed`` element names, none of them repeated."""
    for name, value in doc.items():
        if name not in allowed or isinstance(value, list):
            raise MalformedXML()
    return doc


def _children(value: Any, allowed: frozenset[str] | tuple[str, ...]) -> dict[str, Any]:
    """An element that holds elements (``<A/>``: none); MalformedXML if it holds text."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedXML()
    return _element(value, allowed)


def _text(value: Any) -> str | None:
    return None if value is None else xml.text_of(value)


def _protocol(value: Any) -> str | None:
    protocol = _text(value)
    if protocol is not None and protocol not in _PROTOCOLS:
        raise InvalidRequest(_BAD_PROTOCOL)
    return protocol


def _status(value: Any) -> tuple[str, int] | None:
    """A status element's text and number; MalformedXML when it is not a number."""
    text = _text(value)
    if text is None:
        return None
    number = numbers.count(text)
    if number is None:
        raise MalformedXML()
    return text, number


def parse_configuration(body: bytes, bucket: Bucket | None = None) -> WebsiteConfiguration:
    """The stored value of a ``WebsiteConfiguration`` document (see the module docstring)."""
    doc = _element(xml.parse(body, ROOT), _TOP)
    if "RedirectAllRequestsTo" in doc:
        if len(doc) > 1:
            raise InvalidArgument(
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing "
                "Rules.", ArgumentName="RedirectAllRequestsTo", ArgumentValue="not null")
        redirect = _children(doc["RedirectAllRequestsTo"], ("HostName", "Protocol"))
        host = _text(redirect.get("HostName"))
        if not host:
            raise MalformedXML()
        return WebsiteConfiguration(redirect_all=RedirectAll(
            host, _protocol(redirect.get("Protocol"))))
    if "IndexDocument" not in doc:
        raise InvalidArgument(
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is "
            "empty", ArgumentName="IndexDocument", ArgumentValue="null")
    suffix = _text(_children(doc["IndexDocument"], ("Suffix",)).get("Suffix"))
    if not suffix or "/" in suffix:
        raise InvalidArgument("The IndexDocument Suffix is not well formed",
                              ArgumentName="IndexDocument", ArgumentValue=suffix)
    error_key = None
    if "ErrorDocument" in doc:
        error_key = _text(_children(doc["ErrorDocument"], ("Key",)).get("Key"))
        if not error_key:
            raise MalformedXML()
    rules: tuple[RoutingRule, ...] = ()
    if "RoutingRules" in doc:
        listed = doc["RoutingRules"]
        if not isinstance(listed, dict) or set(listed) != {"RoutingRule"}:
            raise MalformedXML()            # no rules, text, or another element
        entries = xml.as_list(listed["RoutingRule"])
        if len(entries) > MAX_ROUTING_RULES:
            raise InvalidRequest(
                f"{len(entries)} routing rules provided, the number of routing rules in a "
                f"website configuration is limited to {MAX_ROUTING_RULES}.")
        rules = tuple(_rule(entry) for entry in entries)
    return WebsiteConfiguration(index_suffix=suffix, error_key=error_key, routing_rules=rules)


def _rule(entry: Any) -> RoutingRule:
    rule = _children(entry, ("Condition", "Redirect"))
    condition = None
    if "Condition" in rule:
        given = _children(rule["Condition"], _CONDITION)
        if not given:
            raise InvalidRequest(
                "Condition cannot be empty. To redirect all requests without a condition, the "
                "condition element shouldn't be present.")
        code = _status(given.get("HttpErrorCodeReturnedEquals"))
        if code is not None and not 400 <= code[1] <= 599:
            raise InvalidRequest(f"The provided HTTP error code ({code[0]}) is not valid. "
                                 "Valid codes are 4XX or 5XX.")
        condition = Condition(_empty_or_text(given, "KeyPrefixEquals"),
                              code[0] if code is not None else None)
    if "Redirect" not in rule:
        raise MalformedXML()
    given = _children(rule["Redirect"], _REDIRECT)
    if not given:
        raise MalformedXML()
    if "ReplaceKeyPrefixWith" in given and "ReplaceKeyWith" in given:
        raise InvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
    code = _status(given.get("HttpRedirectCode"))
    if code is not None and not 301 <= code[1] <= 399:
        raise InvalidRequest(f"The provided HTTP redirect code ({code[0]}) is not valid. "
                             "Valid codes are 3XX except 300.")
    redirect = Redirect(
        host_name=_text(given.get("HostName")),
        http_redirect_code=code[0] if code is not None else None,
        protocol=_protocol(given.get("Protocol")),
        replace_key_prefix_with=_empty_or_text(given, "ReplaceKeyPrefixWith"),
        replace_key_with=_empty_or_text(given, "ReplaceKeyWith"))
    return RoutingRule(redirect, condition)


def _empty_or_text(given: dict[str, Any], name: str) -> str | None:
    """A key element's text: ``""`` when the element is there but empty (``<ReplaceKeyWith/>``
    sends a request to the site's root, ``<KeyPrefixEquals/>`` matches every key), None when
    it is not there."""
    if name not in given:
        return None
    return _text(given[name]) or ""


def show_configuration(value: WebsiteConfiguration, call: Call, bucket: Bucket) -> Reply:
    body: dict[str, Any] = {}
    if value.redirect_all is not None:
        body["RedirectAllRequestsTo"] = {"HostName": value.redirect_all.host_name,
                                         "Protocol": value.redirect_all.protocol}
    if value.index_suffix is not None:
        body["IndexDocument"] = {"Suffix": value.index_suffix}
    if value.error_key is not None:
        body["ErrorDocument"] = {"Key": value.error_key}
    if value.routing_rules:
        body["RoutingRules"] = {"RoutingRule": [_show_rule(rule)
                                                for rule in value.routing_rules]}
    return Reply(xml=(ROOT, body))


def _show_rule(rule: RoutingRule) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    if rule.condition is not None:
        shown["Condition"] = {
            "KeyPrefixEquals": rule.condition.key_prefix_equals,
            "HttpErrorCodeReturnedEquals": rule.condition.http_error_code_returned_equals}
    redirect = rule.redirect
    shown["Redirect"] = {
        "Protocol": redirect.protocol, "HostName": redirect.host_name,
        "ReplaceKeyPrefixWith": redirect.replace_key_prefix_with,
        "ReplaceKeyWith": redirect.replace_key_with,
        "HttpRedirectCode": redirect.http_redirect_code}
    return shown
