"""S3's checksums: Content-MD5 and the flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1,
SHA256), computed over a Blob's segments without joining them.

CRC32 uses binascii (zlib's CRC-32, as botocore does); CRC32C and CRC64NVME use ``awscrt`` when
it is installed (boto3[crt]) and a table-driven pure-Python fallback otherwise. Values are
base64 of the big-endian digest, as in ``x-amz-checksum-*`` headers.

This module imports only the standard library, errors and the memo helper (and awscrt if
present).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import sys
from functools import partial
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..errors import BadDigest, InvalidDigest, InvalidRequest
from ..memo import memo

#: algorithm name -> header suffix
ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
HEADER_OF = {alg: f"x-amz-checksum-{alg.lower()}" for alg in ALGORITHMS}
_ALGORITHM_OF = {name: alg for alg, name in HEADER_OF.items()}
_DIGEST_SIZE = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def _table(poly: int, width: int) -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & ((1 << width) - 1))
    return table


_CRC32C_TABLE: list[int] | None = None
_CRC64_TABLE: list[int] | None = None


def _py_crc(data: memoryview, crc: int, table: list[int], mask: int) -> int:
    crc ^= mask
    for byte in data.tobytes():
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def _crc32c(data: memoryview, crc: int) -> int:
    try:
        from awscrt import checksums as crt
        return crt.crc32c(data, crc)
    except ImportError:
        global _CRC32C_TABLE
        if _CRC32C_TABLE is None:
            _CRC32C_TABLE = _table(0x82F63B78, 32)
        return _py_crc(data, crc, _CRC32C_TABLE, 0xFFFFFFFF)


def _crc64nvme(data: memoryview, crc: int) -> int:
    try:
        from awscrt import checksums as crt
        return crt.crc64nvme(data, crc)
    except (ImportError, AttributeError):
        global _CRC64_TABLE
        if _CRC64_TABLE is None:
            _CRC64_TABLE = _table(0x9A6C9329AC4BC9B5, 64)
        return _py_crc(data, crc, _CRC64_TABLE, 0xFFFFFFFFFFFFFFFF)


def _crc(step: Callable[[memoryview, int], int],
         size: int) -> Callable[[Iterable[memoryview]], bytes]:
    def digest(segments: Iterable[memoryview]) -> bytes:
        crc = 0
        for seg in segments:
            crc = step(seg, crc)
        return crc.to_bytes(size, "big")
    return digest


def _hash(name: str) -> Callable[[Iterable[memoryview]], bytes]:
    def digest(segments: Iterable[memoryview]) -> bytes:
        h = hashlib.new(name)
        for seg in segments:
            h.update(seg)
        return h.digest()
    return digest


_DIGESTS: dict[str, Callable[[Iterable[memoryview]], bytes]] = {
    "CRC32": _crc(binascii.crc32, 4),      # binascii's, as botocore's
    "CRC32C": _crc(_crc32c, 4),
    "CRC64NVME": _crc(_crc64nvme, 8),
    "SHA1": _hash("sha1"),
    "SHA256": _hash("sha256"),
}


def digest(algorithm: str, segments: Iterable[memoryview]) -> bytes:
    """Raw digest of ``segments`` with ``algorithm`` (one of :data:`ALGORITHMS`)."""
    return _DIGESTS[algorithm](segments)


#: Reflected polynomials of the CRCs whose values of two byte strings combine (init == xorout).
_REFLECTED = {"CRC32": (0xEDB88320, 32), "CRC32C": (0x82F63B78, 32),
              "CRC64NVME": (0x9A6C9329AC4BC9B5, 64)}


def _times(matrix: Sequence[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


@memo(3 * 64)   # every algorithm's operators, for lengths up to 2**64 bytes
def _zero_operator(algorithm: str, k: int) -> tuple[int, ...]:
    """The operator matrix that appends 2**k zero bytes to a CRC of ``algorithm``.

    Memoized: squaring the matrices anew costs 3.5 ms a :func:`combine` (an 8 MiB part's
    length), the memo 6 µs (per part of a CompleteMultipartUpload with a full-object
    checksum)."""
    if k == 0:
        poly, width = _REFLECTED[algorithm]
        bit = [poly] + [1 << i for i in range(width - 1)]        # one zero bit
        for _ in range(3):                                         # 2, 4, 8 bits: one byte
            bit = [_times(bit, row) for row in bit]
        return tuple(bit)
    last = _zero_operator(algorithm, k - 1)
    return tuple(_times(last, row) for row in last)


def combine(algorithm: str, first: bytes, second: bytes, second_length: int) -> bytes:
    """The CRC of ``A + B`` from the raw CRCs of ``A`` and ``B`` and the length of ``B``.

    For CRC32, CRC32C and CRC64NVME (S3's full-object checksums of multipart uploads); no byte
    of ``A`` or ``B`` is read again.
    """
    width = _REFLECTED[algorithm][1] // 8
    crc = int.from_bytes(first, "big")
    k = 0
    while second_length:
        if second_length & 1:
            crc = _times(_zero_operator(algorithm, k), crc)
        second_length >>= 1
        k += 1
    return (crc ^ int.from_bytes(second, "big")).to_bytes(width, "big")


def checksum(algorithm: str, segments: Iterable[memoryview]) -> str:
    """Base64 checksum, as sent in ``x-amz-checksum-<algorithm>``."""
    return binascii.b2a_base64(_DIGESTS[algorithm](segments), newline=False).decode()


#: base64 decoding that takes nothing but the alphabet and padding (binascii.Error otherwise):
#: from Python 3.11 what ``b64decode(validate=True)`` calls, without its wrapper
_strict_b64decode: Callable[[str], bytes] = (
    partial(binascii.a2b_base64, strict_mode=True) if sys.version_info >= (3, 11)
    else partial(base64.b64decode, validate=True))


#: an MD5 to copy: cheaper than asking OpenSSL for a new one where caches are cold (0.3 µs of
#: a PutObject, between botocore's calls)
_MD5 = hashlib.md5()


def md5_hex(segments: Iterable[memoryview]) -> str:
    h = _MD5.copy()
    for seg in segments:
        h.update(seg)
    return h.hexdigest()


def check_content_md5(header: str | None, md5hex: str) -> None:
    """InvalidDigest if Content-MD5 is not base64 of 16 bytes; BadDigest if it differs."""
    if header is None:
        return
    try:
        raw = _strict_b64decode(header.strip())
    except (binascii.Error, ValueError):
        raise InvalidDigest(Content_MD5=header) from None
    if len(raw) != 16:
        raise InvalidDigest(Content_MD5=header)
    if raw.hex() != md5hex:
        raise BadDigest(ExpectedDigest=raw.hex(), CalculatedDigest=md5hex)


def requested_algorithm(headers: Mapping[str, str], trailers: Mapping[str, str]) -> str | None:
    """The checksum algorithm a request names (sdk header, checksum header or trailer)."""
    for alg, name in HEADER_OF.items():
        if name in headers or name in trailers:
            return alg
    declared = headers.get("x-amz-sdk-checksum-algorithm") or headers.get(
        "x-amz-checksum-algorithm")
    if declared:
        alg = declared.upper()
        if alg not in _DIGESTS:
            raise InvalidRequest(
                "Value for x-amz-checksum-algorithm header is invalid.")
        return alg
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    for alg, name in HEADER_OF.items():
        if trailer == name:
            return alg
    return None


def verify_checksums(headers: Mapping[str, str], trailers: Mapping[str, str],
                     segments: Sequence[memoryview]) -> dict[str, str]:
    """Validate the flexible checksums a request carries; return ``{algorithm: base64}``.

    A value that is not base64 of the right size is InvalidRequest; a value that differs from
    the payload's is BadDigest. When a request names an algorithm without a value (only
    ``x-amz-sdk-checksum-algorithm``), the checksum is computed and returned.
    """
    found: dict[str, str] = {}
    given = []
    for name, alg in _ALGORITHM_OF.items():     # five names: mostly none or one present
        value = headers.get(name) or trailers.get(name)
        if value:
            given.append((alg, value))
    if len(given) > 1:
        raise InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum "
                             "Types are not allowed.")
    for alg, value in given:
        if checksum(alg, segments) != value:    # equal: well-formed too, nothing to decode
            try:
                raw = _strict_b64decode(value)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != _DIGEST_SIZE[alg]:
                raise InvalidRequest(f"Value for x-amz-checksum-{alg.lower()} header is "
                                     "invalid.")
            raise BadDigest(f"The {alg} you specified did not match the calculated checksum.")
        found[alg] = value
    if not found:
        requested = requested_algorithm(headers, trailers)
        if requested is not None:
            found[requested] = checksum(requested, segments)
    return found
