"""An emulator's configuration as one frozen value (a change makes a new value).

Handlers read it through their ``Call``, authentication receives it; the Emulator
(:mod:`s3emu.emulator`) makes it from its arguments. This module imports only the standard
library.
"""
from __future__ import annotations

from dataclasses import dataclass

#: The accepted values of ``bucket_defaults`` (the bucket settings of each are
#: ``s3emu.model.settings.NEW_BUCKETS``).
BUCKET_DEFAULTS = ("current", "legacy")

#: S3's minimum size for every part of a multipart upload but the last.
S3_MIN_PART_SIZE = 5 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """An emulator's configuration (see :class:`s3emu.Emulator` for each setting)."""

    region: str = "us-east-1"
    #: ``"on"``: verify signatures like S3; ``"off"``: accept any
    auth: str = "on"
    min_part_size: int = S3_MIN_PART_SIZE
    seed: str = "s3emu"
    block_sse_c: bool = True
    #: what new buckets start as: ``"current"`` (S3 today) or ``"legacy"`` (before April 2023)
    bucket_defaults: str = "current"

    def __post_init__(self) -> None:
        if self.auth not in ("on", "off"):
            raise ValueError("auth must be 'on' or 'off'")
        if self.bucket_defaults not in BUCKET_DEFAULTS:
            raise ValueError(f"bucket_defaults must be one of "
                             f"{', '.join(map(repr, BUCKET_DEFAULTS))}, "
                             f"not {self.bucket_defaults!r}")
