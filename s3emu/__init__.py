"""s3emu: a fast, faithful, deterministic S3 emulator for tests.

Public names: :class:`Emulator`, :class:`Clock`, :func:`mock_s3`, :class:`Server`,
:class:`S3Error`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import Clock as Clock
from .emulator import Emulator as Emulator
from .errors import S3Error as S3Error

if TYPE_CHECKING:  # imported lazily below; type checkers see them as the public names they are
    from .mock import mock_s3 as mock_s3
    from .server import Server as Server

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:  # lazy: importing s3emu must stay cheap
    if name == "Server":
        from .server import Server
        return Server
    if name == "mock_s3":
        from .mock import mock_s3
        return mock_s3
    raise AttributeError(f"module 's3emu' has no attribute {name!r}")
