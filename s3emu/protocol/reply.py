"""What a handler answers: :class:`Reply`. This module imports only the standard library."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable, Mapping


@dataclass
class Reply:
    """Status, headers and a body.

    ``body`` is bytes or an iterable of bytes/memoryviews (streamed, never joined; give its
    size as ``length``). ``xml`` as ``(root, children)`` is rendered by
    :func:`s3emu.protocol.xml.render`.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes | memoryview] | None = None
    xml: tuple[str, Mapping[str, Any] | str] | None = None
    length: int | None = None
