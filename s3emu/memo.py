"""The one caching helper of s3emu's speed tricks, and what each memo buys.

Every memo in s3emu is made by :func:`memo`: ``functools.lru_cache`` with a bound, so there is
one kind of memo and one eviction rule (when a memo is full, its least recently used entry
goes). Two kinds of memo, by what they hold:

- pure functions of their inputs (a date's text, a set of header names) are memoized where
  they are defined, for the whole process;
- what comes from one emulator's data (SigV4 signing keys derived from a user's secret, the
  checks of a credential) is memoized by the object that holds the data,
  :class:`~s3emu.auth.users.Users`, which each Emulator owns: a secret or a key derived from it
  is never shared between emulators, and goes with its emulator.

A speed trick is kept only where it saves at least 1% of a request: the in-process path costs
450-650 µs a request, botocore's share included, so about 5 µs. What each one saves, per
request, measured by ``python bench/tricks.py`` (the trick switched on and off call by call,
s3emu's calls alternating with botocore's as in ``bench/inprocess.py``; paired medians, µs,
PUT / GET / HEAD / ListObjectsV2 of a 1 KiB object):

========================================  ==========================  =======================
memo or trick                              where                       saves (µs)
========================================  ==========================  =======================
credential checks, per :class:`Users`      ``auth/sigv4.py``           10.3 / 9.7 / 11.9 / 10.4
``Date`` / ``Last-Modified`` text          ``protocol/dates.py``       9.3 / 11.9 / 11.1 / 7.8
ISO 8601 text (per object listed)          ``protocol/dates.py``       - / - / - / 8.6
canonical query (requests with a query)    ``auth/signing.py``         - / - / - / 7.1
kinds of header a write carries            ``ops/support/...names``    9.4 / - / - / -
WSGI keys of header names                  ``intercept.py``            7.3 / 4.9 / 3.7 / 4.4
policy resource patterns (per pattern)     ``access/policy.py``        9.4 (hot, timeit)
signing keys, per :class:`Users`           ``auth/users.py``           10.4 (hot; presigned,
                                                                       POST, a check's miss)
CRC combine operators (per part)           ``protocol/checksums.py``   3,500 (hot)
========================================  ==========================  =======================

Other tricks measured the same way, not memos: the hand-written HMAC from pad states
(``auth/signing.py`` :func:`~s3emu.auth.signing.sign_hex`, 7.6 / 10.4 / 9.1 / 10.0), botocore's
headers read from its private dict (``intercept.py``, 9.7 / 6.9 / 6.4 / 5.8), request ids made
a few dozen at a time (``ids.py``, 5.5 / 8.6 / 10.9 / 8.3), a small aws-chunked body decoded
in one step (``protocol/chunked.py``, 6.9 a PUT), XML text escaped only when it needs it
(``protocol/xml.py``, 11% of rendering a 1000-object listing), a request's URL split by hand
(``intercept.py`` :func:`~s3emu.intercept.split_url`: 5.2 µs hot, timeit, for a URL not seen
before, which ``urlsplit``'s own cache does not help; the benchmarks' PUT / GET / HEAD repeat one
URL, so only their delete row, one key per call, shows it). Some are kept below 1% because
without them PutObject came out at 1.20-1.29x botocore's cost, over the 1.2x target: the
``split_host`` memo (``protocol/addressing.py``, 2.8-3.7), routing's index of the rows a
request without a query can match (``protocol/routing.py``, 1.1-3.4), and three objects made
once a request with their fields given by position, not by keyword (a call naming twenty
keywords costs about three times as much in Python): the journal entry (``app.py``
``App._journal``, 0.5), the :class:`~s3emu.ops.registry.Call` (``App._reply``, 0.6 hot) and a
write's new version (``ops/objects.py`` ``new_version``, 0.7); and, measured the same way with
one function switched against another, a SigV4 header read in one regular expression match
(``auth/identify.py`` ``usual_form``, 0.6), the one-chunk body's Blob made without
:meth:`~s3emu.model.blob.Blob.of`'s checks (``Blob.over``, 0.5) and an MD5 copied from a made
one instead of asked of OpenSSL (``protocol/checksums.py`` ``md5_hex``, 0.3). Memos worth
less were removed: ``is_sha256_hex`` (0.8-1.8), SigV4 date parsing (only on a check's miss),
``canonical_id`` (not on the common path), and botocore classes recognised by name (a dict
lookup costs more than the test). Named tuples are made cheaply but read at twice a plain
object's cost, so what the path reads often stays a dataclass (``Inbound``, ``Outcome``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar
from collections.abc import Callable

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper

T = TypeVar("T")


def memo(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """A decorator memoizing a function of hashable arguments in at most ``maxsize`` entries
    (least recently used out first; thread-safe; exceptions are not remembered)."""
    return lru_cache(maxsize=maxsize)

