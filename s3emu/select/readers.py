"""Records from the object's bytes: CSV, JSON LINES, JSON DOCUMENT, Parquet.

CSV and JSON LINES are split into records on the record delimiter as bytes stream in (with
AllowQuotedRecordDelimiter, a delimiter inside quotes does not end a record); with a
ScanRange only the records whose first byte is in the range are read. A JSON DOCUMENT is a
sequence of JSON values, each read whole. Parquet is read a row group batch at a time with
pyarrow. Memory: one record (CSV, LINES), one top-level value (DOCUMENT), one batch (Parquet).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timezone
from typing import Any, Iterator

from ..model.blob import Blob
from .records import CsvRecord, header_of
from .request import CsvInput, SelectRequest
from .source import Source
from .values import fail


#: S3 Select's limit on one record (maxCharsPerRecord): beyond it, OverMaxRecordSize
MAX_RECORD = 1 << 20


def _records(source: Source, delimiter: bytes, *, skip_first: bool, end: int | None,
             quote: bytes | None) -> Iterator[bytes]:
    """Raw records; ``end``: the last offset (from the source's start) a record may begin at."""
    buffer = b""
    offset = 0                  # of the buffer's first byte, from the source's start
    pending = b""               # a record still inside quotes
    first = skip_first
    step = len(delimiter)
    for chunk in source.chunks():
        pieces = (buffer + chunk if buffer else chunk).split(delimiter)
        buffer = pieces.pop()                   # the start of a record not ended yet
        for piece in pieces:
            begin = offset
            offset += len(piece) + step
            if first:
                first = False
                continue
            if quote is not None:
                if pending:
                    piece = pending + piece
                if piece.count(quote) % 2:
                    pending = piece + delimiter
                    if len(pending) > MAX_RECORD:
                        raise fail("OverMaxRecordSize")
                    continue
                pending = b""
            if end is not None and begin > end:
                return
            if len(piece) > MAX_RECORD:
                raise fail("OverMaxRecordSize")
            yield piece
        if len(buffer) > MAX_RECORD:
            raise fail("OverMaxRecordSize")
    if first:
        return
    tail = pending + buffer
    if tail and (end is None or offset <= end):
        if len(tail) > MAX_RECORD:
            raise fail("OverMaxRecordSize")
        yield tail


def _text(record: bytes) -> str:
    try:
        return record.decode("utf-8")
    except UnicodeDecodeError:
        raise fail("InvalidTextEncoding") from None


def csv_records(source: Source, options: CsvInput, *, at_start: bool,
                end: int | None) -> Iterator[CsvRecord]:
    quote = options.quote.encode() if options.allow_quoted_record_delimiter else None
    raw = _records(source, options.record_delimiter.encode(), skip_first=not at_start,
                   end=end, quote=quote)
    comment = options.comments

    def lines() -> Iterator[str]:
        for record in raw:
            text = _text(record)
            if text.endswith("\r") and options.record_delimiter == "\n":
                text = text[:-1]
            if not text or comment is not None and text.startswith(comment):
                continue
            yield text

    escape = options.quote_escape if options.quote_escape != options.quote else None
    delimiter, quote_char = options.field_delimiter, options.quote
    special = (quote_char, escape) if escape is not None else (quote_char,)

    def fields_of(text: str) -> list[str]:
        if not any(char in text for char in special):
            return text.split(delimiter)            # no quotes: the fast path
        parsed = list(csv.reader([text], delimiter=delimiter, quotechar=quote_char,
                                 escapechar=escape, doublequote=escape is None, strict=True))
        return parsed[0] if parsed else [""]

    header: dict[str, int] | None = None
    labels: list[str] | None = None
    rows = lines()
    try:
        if at_start and options.header != "NONE":
            first = next(rows, None)
            if first is None:
                return
            if options.header == "USE":
                labels = fields_of(first)
                header = header_of(labels)
        for text in rows:
            yield CsvRecord(fields_of(text), header, labels)
    except csv.Error as error:
        raise _csv_error(str(error), options) from None


def _csv_error(reason: str, options: CsvInput) -> Exception:
    if "unexpected end of data" in reason and not options.allow_quoted_record_delimiter:
        return fail("CSVEscapingRecordDelimiter")
    if "expected after" in reason:
        return fail("CSVUnescapedQuote")
    return fail("CSVParsingError", f"Encountered an error parsing the CSV file: {reason}.")


def json_lines(source: Source, *, at_start: bool, end: int | None) -> Iterator[Any]:
    for record in _records(source, b"\n", skip_first=not at_start, end=end, quote=None):
        text = _text(record).strip()
        if not text:
            continue
        try:
            yield json.loads(text)
        except ValueError:
            raise fail("JSONParsingError") from None


def json_document(source: Source) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    buffer = ""
    retry_at = 0
    pending = b""
    for chunk in source.chunks():
        data = pending + chunk
        try:
            text = data.decode("utf-8")
            pending = b""
        except UnicodeDecodeError as error:
            if error.start < len(data) - 3:
                raise fail("InvalidTextEncoding") from None
            text, pending = data[:error.start].decode("utf-8"), data[error.start:]
        buffer += text
        if len(buffer) < retry_at:
            continue
        while True:
            buffer = buffer.lstrip()
            if not buffer:
                break
            try:
                value, at = decoder.raw_decode(buffer)
            except ValueError:
                retry_at = 2 * len(buffer)       # perhaps incomplete: read on
                break
            if at == len(buffer) and not isinstance(value, (dict, list)):
                retry_at = len(buffer) + 1       # a number may go on in the next chunk
                break
            retry_at = 0
            buffer = buffer[at:]
            yield value
    if pending:
        raise fail("InvalidTextEncoding")
    buffer = buffer.strip()
    while buffer:
        try:
            value, at = decoder.raw_decode(buffer)
        except ValueError:
            raise fail("JSONParsingError") from None
        yield value
        buffer = buffer[at:].lstrip()


class _BlobFile(io.RawIOBase):
    """A Blob as a seekable file (Parquet's footer is at the end)."""

    def __init__(self, blob: Blob, source: Source) -> None:
        self.blob, self.source, self.position = blob, source, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: len(self.blob)}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer: Any) -> int:
        stop = min(len(self.blob), self.position + len(buffer))
        data = self.blob.tobytes(self.position, stop) if stop > self.position else b""
        buffer[:len(data)] = data
        self.position += len(data)
        self.source.scanned += len(data)
        self.source.processed += len(data)
        return len(data)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=timezone.utc)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parquet_rows(blob: Blob, source: Source) -> Iterator[Any]:
    import pyarrow
    import pyarrow.parquet as parquet
    try:
        handle = parquet.ParquetFile(io.BufferedReader(_BlobFile(blob, source)))
        for batch in handle.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                yield {k: _plain(v) for k, v in row.items()}
    except (pyarrow.ArrowException, OSError, ValueError) as error:
        raise fail("ParquetParsingError", f"An error occurred while parsing the Parquet file: "
                   f"{error}") from None


def records(blob: Blob, request: SelectRequest, source: Source, *,
            end: int | None, at_start: bool) -> Iterator[Any]:
    """The object's records, as the request's InputSerialization reads them (``at_start``:
    from the object's first record; otherwise the first piece read is dropped, the tail of
    a record that began before the scan range)."""
    if request.input_format == "CSV":
        return csv_records(source, request.csv_in, at_start=at_start, end=end)
    if request.input_format == "Parquet":
        return parquet_rows(blob, source)
    if request.json_type == "LINES":
        return json_lines(source, at_start=at_start, end=end)
    return json_document(source)
