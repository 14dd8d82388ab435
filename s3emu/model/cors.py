"""A bucket's CORS configuration, compiled once when it is stored: :class:`CorsRule` and
:class:`CorsConfiguration` (the value of ``BucketSettings.cors``).

How S3 evaluates a request against it (PutBucketCors, the user guide's "Elements of a CORS
configuration"): the first rule that matches wins; a rule matches when the request's
``Origin`` matches one of its ``AllowedOrigin`` (each may hold one ``*``, which matches any
run of characters, the empty one too; the pattern is anchored at both ends and compared as
written), the method (the preflight's ``Access-Control-Request-Method``, or an actual
request's own method, or its ``Access-Control-Request-Method`` when it sends one) is one of its
``AllowedMethod``, and, for a preflight, every name of ``Access-Control-Request-Headers``
matches one of its ``AllowedHeader`` without regard to case (a rule without ``AllowedHeader``
allows no requested header).

This module imports only the standard library.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: The methods a rule may allow.
METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")


def _pattern(text: str) -> tuple[str, str] | str:
    """A pattern with one ``*`` as (prefix, suffix), one without as the text itself."""
    if "*" in text:
        prefix, _, suffix = text.partition("*")
        return prefix, suffix
    return text


def _matches(pattern: tuple[str, str] | str, text: str) -> bool:
    if isinstance(pattern, str):
        return pattern == text
    prefix, suffix = pattern
    return (len(text) >= len(prefix) + len(suffix) and text.startswith(prefix)
            and text.endswith(suffix))


@dataclass(frozen=True)
class CorsRule:
    """One ``CORSRule``, as stored (for GetBucketCors) and compiled (for matching)."""

    allowed_methods: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    id: str | None = None
    _origins: tuple[tuple[str, str] | str, ...] = field(
        init=False, repr=False, compare=False)
    _headers: tuple[tuple[str, str] | str, ...] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_origins", tuple(_pattern(o) for o in self.allowed_origins))
        object.__setattr__(self, "_headers",
                           tuple(_pattern(h.lower()) for h in self.allowed_headers))

    def allow_origin(self, origin: str) -> str | None:
        """The ``Access-Control-Allow-Origin`` this rule answers ``origin`` with (``*`` when
        the origin matched is ``*``), or None when no origin of the rule matches."""
        for written, pattern in zip(self.allowed_origins, self._origins):
            if _matches(pattern, origin):
                return "*" if written == "*" else origin
        return None

    def allows_header(self, name: str) -> bool:
        """Whether requested header ``name`` (lower-case) matches an AllowedHeader."""
        return any(_matches(pattern, name) for pattern in self._headers)


@dataclass(frozen=True)
class CorsMatch:
    """The rule that matched a request, and the Access-Control-Allow-Origin it gives."""

    rule: CorsRule
    allow_origin: str


@dataclass(frozen=True)
class CorsConfiguration:
    """A bucket's CORS rules, in order."""

    rules: tuple[CorsRule, ...]

    def match(self, origin: str, method: str,
              request_headers: tuple[str, ...] = ()) -> CorsMatch | None:
        """The first rule matching ``origin``, ``method`` and every one of
        ``request_headers`` (lower-case names), or None."""
        for rule in self.rules:
            if method not in rule.allowed_methods:
                continue
            allowed = rule.allow_origin(origin)
            if allowed is None:
                continue
            if all(rule.allows_header(name) for name in request_headers):
                return CorsMatch(rule, allowed)
        return None
