"""One Select, from request to event stream: :func:`prepare` parses and compiles (errors there
are the request's, 400), :func:`events` reads the records one by one, filters, projects or
aggregates, writes and frames them. Output is sent in Records events of about
:data:`CHUNK` bytes; with RequestProgress a Progress event follows each, and a Cont event
is sent after each :data:`CONT_EVERY` bytes scanned without a message; Stats and End close the
stream. An error once the stream has begun is an error event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from ..errors import S3Error
from ..model.blob import Blob
from . import eventstream
from .evaluate import Compiled, Context, compile_expression, condition
from .aggregate import Accumulator
from .readers import records
from .records import CsvRecord, attribute, element
from .request import SelectRequest
from .source import Source
from .sql import Query, Step, parse
from .values import MISSING
from .writers import Fields, csv_writer, json_writer

CHUNK = 64 * 1024
CONT_EVERY = 1 << 20


@dataclass
class Plan:
    request: SelectRequest
    query: Query
    where: Callable[[Any], bool]
    columns: list[tuple[str, Compiled]]
    accumulators: list[Accumulator]
    write: Callable[[Fields], str]


def prepare(request: SelectRequest, now: datetime) -> Plan:
    query = parse(request.expression)
    ctx = Context(query.alias, now)
    where = condition(query.where, ctx)
    ctx.aggregates_allowed = query.aggregate
    columns = [(p.name or f"_{i}", compile_expression(p.expression, ctx))
               for i, p in enumerate(query.projections, 1)]
    write = csv_writer(request.csv_out) if request.output_format == "CSV" else \
        json_writer(request.json_record_delimiter)
    return Plan(request, query, where, columns, ctx.accumulators, write)


def _star(record: Any) -> Fields:
    if isinstance(record, CsvRecord):
        return list(zip(record.names(), record.fields))
    if isinstance(record, dict):
        return list(record.items())
    return [("_1", record)]


def _follow(value: Any, steps: list[Step], first: bool = True) -> Iterator[Any]:
    if not steps:
        if value is not MISSING:
            yield value
        return
    step, rest = steps[0], steps[1:]
    if step.wildcard:
        if isinstance(value, list):
            for item in value:
                yield from _follow(item, rest, False)
        elif first:
            yield from _follow(value, rest, False)
        return
    if step.name is not None:
        yield from _follow(attribute(value, step.name, step.quoted), rest, False)
    else:
        yield from _follow(element(value, step.index), rest, False)


def _span(request: SelectRequest, size: int) -> tuple[int, int | None, bool]:
    """Where to read from, the last offset (from there) a record may start at, and whether
    the first piece read is the tail of a record before the range."""
    start, end = request.scan_start, request.scan_end
    if start is None and end is None:
        return 0, None, False
    if start is None:
        assert end is not None
        start, end = max(0, size - end), None
    delimiter = len(request.csv_in.record_delimiter) if request.input_format == "CSV" else 1
    read_from = max(0, start - delimiter) if start > 0 else 0
    return read_from, (end - read_from if end is not None else None), start > 0


def events(plan: Plan, blob: Blob) -> Iterator[bytes]:
    """The response's messages; the first is computed before this returns (so that an error
    in the first records is the request's)."""
    stream = _events(plan, blob)
    try:
        first = next(stream)
    except StopIteration:       # pragma: no cover - there is always an End
        return iter(())
    return _guarded(first, stream)


def _guarded(first: bytes, stream: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    try:
        yield from stream
    except S3Error as error:
        yield eventstream.error(error.code, error.message)


def _events(plan: Plan, blob: Blob) -> Iterator[bytes]:
    request, query = plan.request, plan.query
    read_from, end, skip = _span(request, len(blob))
    source = Source(blob, request.compression, read_from)
    rows = records(blob, request, source, end=end, at_start=not skip)
    write, where, columns = plan.write, plan.where, plan.columns
    accumulators = plan.accumulators
    limit = query.limit if not query.aggregate else None   # LIMIT counts output rows
    if query.aggregate and query.limit == 0:
        yield from _closing(request, source, 0)
        return
    path = query.path
    out: list[str] = []
    size = returned = matched = 0
    quiet_since = 0
    for record in rows:
        candidates = _follow(record, path) if path else (record,)
        for item in candidates:
            if limit is not None and matched >= limit:
                break
            if not where(item):
                continue
            matched += 1
            if accumulators:
                for acc in accumulators:
                    acc.add(item)
                continue
            text = write(_star(item) if query.star else
                         [(name, column(item)) for name, column in columns])
            out.append(text)
            size += len(text)
        if size >= CHUNK:
            payload = "".join(out).encode()
            out, size = [], 0
            returned += len(payload)
            yield eventstream.records(payload)
            if request.progress:
                yield eventstream.progress(source.scanned, source.processed, returned)
            quiet_since = source.scanned
        elif source.scanned - quiet_since >= CONT_EVERY:
            quiet_since = source.scanned
            yield eventstream.cont()
        if limit is not None and matched >= limit:
            break
    if query.aggregate:
        out.append(write([(name, column(None)) for name, column in columns]))
    payload = "".join(out).encode()
    if payload:
        returned += len(payload)
        yield eventstream.records(payload)
    yield from _closing(request, source, returned)


def _closing(request: SelectRequest, source: Source, returned: int) -> Iterator[bytes]:
    if request.progress:
        yield eventstream.progress(source.scanned, source.processed, returned)
    yield eventstream.stats(source.scanned, source.processed, returned)
    yield eventstream.end()

