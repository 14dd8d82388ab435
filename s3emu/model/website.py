"""A bucket's static website configuration (PutBucketWebsite), as one frozen value.

:class:`WebsiteConfiguration` is either a redirect of every request to another host
(:class:`RedirectAll`) or an index document suffix with an optional error document key and up
to 50 :class:`RoutingRule` values, each a :class:`Condition` (key prefix, error status, both,
or none: every request) and the :class:`Redirect` it applies. The matching rules are here
(:meth:`WebsiteConfiguration.rule_for`, :meth:`Redirect.key_for`); where a redirect sends the
browser (the Location header) is the website endpoint's business (:mod:`s3emu.website`).

This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedirectAll:
    """RedirectAllRequestsTo: every request goes to ``host_name``."""

    host_name: str
    #: ``http`` or ``https``; None: the protocol of the original request
    protocol: str | None = None


@dataclass(frozen=True)
class Condition:
    """When a routing rule applies (both parts, when both are set)."""

    key_prefix_equals: str | None = None
    #: a 4xx or 5xx status (as S3 stores it: the text given, e.g. ``"404"``)
    http_error_code_returned_equals: str | None = None


@dataclass(frozen=True)
class Redirect:
    """Where a routing rule sends a request (at least one field is set)."""

    host_name: str | None = None
    #: the status of the redirect (``"301"`` when not set)
    http_redirect_code: str | None = None
    protocol: str | None = None
    replace_key_prefix_with: str | None = None
    replace_key_with: str | None = None

    def key_for(self, key: str, prefix: str | None) -> str:
        """The key a request for ``key`` is redirected to (``prefix``: the rule's
        KeyPrefixEquals, which ReplaceKeyPrefixWith replaces)."""
        if self.replace_key_with is not None:
            return self.replace_key_with
        if self.replace_key_prefix_with is not None:
            cut = len(prefix) if prefix and key.startswith(prefix) else 0
            return self.replace_key_prefix_with + key[cut:]
        return key


@dataclass(frozen=True)
class RoutingRule:
    redirect: Redirect
    #: None: the rule applies to every request
    condition: Condition | None = None

    def matches(self, key: str, status: int | None) -> bool:
        """Whether the rule applies to a request for ``key`` that met ``status`` (None: before
        the object is looked up, when only rules without an error code can apply)."""
        condition = self.condition
        if condition is None:
            return status is None
        prefix, code = condition.key_prefix_equals, condition.http_error_code_returned_equals
        if prefix is not None and not key.startswith(prefix):
            return False
        if code is None:
            return status is None
        return status is not None and code == str(status)


@dataclass(frozen=True)
class WebsiteConfiguration:
    """One bucket's website configuration (see the module docstring)."""

    #: IndexDocument Suffix (None only with ``redirect_all``)
    index_suffix: str | None = None
    #: ErrorDocument Key
    error_key: str | None = None
    redirect_all: RedirectAll | None = None
    routing_rules: tuple[RoutingRule, ...] = ()

    def rule_for(self, key: str, status: int | None = None) -> RoutingRule | None:
        """The first routing rule that applies to a request for ``key`` (``status``: the
        error it met, None before the lookup)."""
        for rule in self.routing_rules:
            if rule.matches(key, status):
                return rule
        return None
