"""The one caching helper of s3emu's speed tricks, and what each memo buys.

Every memo in s3emu is made by :func:`memo`: ``functools.lru_cache`` with a bound, so there is
one kind of memo and one eviction rule (when a memo is full, its least recently used entry
goes). A memo is kept only where it was measured to save at least 1% of a request (the
in-process path costs 450-650 µs a request, botocore's share included), and the numbers below
say what each saves.

Two kinds of memo, by what they hold:

- pure functions of their inputs (a date's text, a set of header names) are memoized where
  they are defined, for the whole process;
- what comes from one emulator's data (SigV4 signing keys derived from a user's secret, the
  checks of a credential) is memoized by the object that holds the data,
  :class:`~s3emu.auth.users.Users`, which each Emulator owns: a secret or a key derived from it
  is never shared between emulators, and goes with its emulator.

MEASURED
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

T = TypeVar("T")


def memo(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """A decorator memoizing a function of hashable arguments in at most ``maxsize`` entries
    (least recently used out first; thread-safe; exceptions are not remembered)."""
    return lru_cache(maxsize=maxsize)

