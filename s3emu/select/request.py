"""The SelectObjectContentRequest document as a :class:`SelectRequest`, checked as S3 checks it.

Elements (botocore's service model): ``Expression``, ``ExpressionType`` (SQL),
``RequestProgress/Enabled``, ``InputSerialization`` (``CompressionType`` NONE / GZIP / BZIP2 and
one of ``CSV``, ``JSON``, ``Parquet``), ``OutputSerialization`` (one of ``CSV``, ``JSON``),
``ScanRange`` (``Start``, ``End``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import MalformedXML
from ..protocol import xml
from .values import fail

_CSV_IN = {"FileHeaderInfo", "Comments", "QuoteEscapeCharacter", "RecordDelimiter",
           "FieldDelimiter", "QuoteCharacter", "AllowQuotedRecordDelimiter"}
_CSV_OUT = {"QuoteFields", "QuoteEscapeCharacter", "RecordDelimiter", "FieldDelimiter",
            "QuoteCharacter"}


@dataclass(frozen=True)
class CsvInput:
    header: str = "NONE"             # NONE, USE, IGNORE
    comments: str | None = "#"
    quote_escape: str = '"'
    record_delimiter: str = "\n"
    field_delimiter: str = ","
    quote: str = '"'
    allow_quoted_record_delimiter: bool = False


@dataclass(frozen=True)
class CsvOutput:
    quote_fields: str = "ASNEEDED"   # ALWAYS, ASNEEDED
    quote_escape: str = '"'
    record_delimiter: str = "\n"
    field_delimiter: str = ","
    quote: str = '"'


@dataclass(frozen=True)
class SelectRequest:
    expression: str
    #: "CSV", "JSON" or "Parquet"
    input_format: str
    compression: str = "NONE"
    csv_in: CsvInput = field(default_factory=CsvInput)
    #: "DOCUMENT" or "LINES"
    json_type: str = "DOCUMENT"
    #: "CSV" or "JSON"
    output_format: str = "CSV"
    csv_out: CsvOutput = field(default_factory=CsvOutput)
    json_record_delimiter: str = "\n"
    progress: bool = False
    scan_start: int | None = None
    scan_end: int | None = None


def _children(value: Any) -> dict[str, Any]:
    if value is None or isinstance(value, str) and not value.strip():
        return {}
    if not isinstance(value, dict):
        raise MalformedXML()
    return {k: v for k, v in value.items() if k != "#text"}


def _text(doc: dict[str, Any], name: str, default: str | None = None) -> str | None:
    if name not in doc:
        return default
    return xml.text_of(doc[name])


def _char(doc: dict[str, Any], name: str, default: str, *, longest: int = 1) -> str:
    value = _text(doc, name, default)
    assert value is not None
    if not value or len(value) > longest:
        raise fail("InvalidRequestParameter",
                   f"{name} must be {'one character' if longest == 1 else 'one or two characters'}"
                   f", not {value!r}.")
    return value


def _flag(doc: dict[str, Any], name: str) -> bool:
    value = (_text(doc, name, "FALSE") or "").strip().upper()
    if value not in ("TRUE", "FALSE"):
        raise fail("InvalidRequestParameter", f"{name} must be TRUE or FALSE.")
    return value == "TRUE"


def _one_format(doc: dict[str, Any], names: tuple[str, ...], where: str) -> str:
    present = [name for name in names if name in doc]
    if not present:
        raise fail("MissingRequiredParameter", f"{where} names no format ({', '.join(names)}).")
    if len(present) > 1:
        raise fail("ObjectSerializationConflict",
                   f"{where} specified more than one format ({', '.join(present)}).")
    return present[0]


def _csv_in(doc: dict[str, Any]) -> CsvInput:
    unknown = set(doc) - _CSV_IN
    if unknown:
        raise MalformedXML()
    header = (_text(doc, "FileHeaderInfo", "NONE") or "").strip().upper()
    if header not in ("NONE", "USE", "IGNORE"):
        raise fail("InvalidFileHeaderInfo")
    comments = _text(doc, "Comments", "#")
    if comments is not None and len(comments) > 1:
        raise fail("InvalidRequestParameter", "Comments must be one character.")
    return CsvInput(header, comments or None, _char(doc, "QuoteEscapeCharacter", '"'),
                    _char(doc, "RecordDelimiter", "\n", longest=2),
                    _char(doc, "FieldDelimiter", ","), _char(doc, "QuoteCharacter", '"'),
                    _flag(doc, "AllowQuotedRecordDelimiter"))


def _csv_out(doc: dict[str, Any]) -> CsvOutput:
    if set(doc) - _CSV_OUT:
        raise MalformedXML()
    quote_fields = (_text(doc, "QuoteFields", "ASNEEDED") or "").strip().upper()
    if quote_fields not in ("ALWAYS", "ASNEEDED"):
        raise fail("InvalidQuoteFields")
    return CsvOutput(quote_fields, _char(doc, "QuoteEscapeCharacter", '"'),
                     _char(doc, "RecordDelimiter", "\n", longest=2),
                     _char(doc, "FieldDelimiter", ","), _char(doc, "QuoteCharacter", '"'))


def _offset(doc: dict[str, Any], name: str) -> int | None:
    text = _text(doc, name)
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit():
        raise fail("InvalidRequestParameter", f"ScanRange {name} must be a non-negative "
                   f"integer, not {text!r}.")
    return int(text)


def parse_request(body: bytes) -> SelectRequest:
    """The request document ``body``: MalformedXML, MissingRequiredParameter,
    InvalidExpressionType, ObjectSerializationConflict, InvalidCompressionFormat, ... when
    S3 would refuse it."""
    doc = _children(xml.parse(body, "SelectObjectContentRequest", keep_whitespace=True))
    expression = _text(doc, "Expression")
    if expression is None or not expression.strip():
        raise fail("MissingRequiredParameter", "The SelectRequest has no Expression.")
    expression_type = (_text(doc, "ExpressionType") or "").strip()
    if expression_type != "SQL":
        if not expression_type:
            raise fail("MissingRequiredParameter", "The SelectRequest has no ExpressionType.")
        raise fail("InvalidExpressionType")
    if "InputSerialization" not in doc:
        raise fail("MissingRequiredParameter", "The SelectRequest has no InputSerialization.")
    if "OutputSerialization" not in doc:
        raise fail("MissingRequiredParameter", "The SelectRequest has no OutputSerialization.")
    inputs = _children(doc["InputSerialization"])
    input_format = _one_format(inputs, ("CSV", "JSON", "Parquet"), "InputSerialization")
    compression = (_text(inputs, "CompressionType", "NONE") or "").strip().upper()
    if compression not in ("NONE", "GZIP", "BZIP2"):
        raise fail("InvalidCompressionFormat")
    if input_format == "Parquet" and compression != "NONE":
        raise fail("InvalidCompressionFormat", "Parquet objects take no whole-object "
                   "compression (their columns are compressed inside the file).")
    fmt = _children(inputs[input_format])
    csv_in, json_type = CsvInput(), "DOCUMENT"
    if input_format == "CSV":
        csv_in = _csv_in(fmt)
    elif input_format == "JSON":
        json_type = (_text(fmt, "Type", "DOCUMENT") or "").strip().upper()
        if json_type not in ("DOCUMENT", "LINES") or set(fmt) - {"Type"}:
            raise fail("InvalidJsonType")
    elif fmt:
        raise MalformedXML()
    outputs = _children(doc["OutputSerialization"])
    output_format = _one_format(outputs, ("CSV", "JSON"), "OutputSerialization")
    out = _children(outputs[output_format])
    csv_out, json_delimiter = CsvOutput(), "\n"
    if output_format == "CSV":
        csv_out = _csv_out(out)
    else:
        if set(out) - {"RecordDelimiter"}:
            raise MalformedXML()
        json_delimiter = _char(out, "RecordDelimiter", "\n", longest=2)
    progress = _flag(_children(doc.get("RequestProgress")), "Enabled")
    start = end = None
    if "ScanRange" in doc:
        scan = _children(doc["ScanRange"])
        start, end = _offset(scan, "Start"), _offset(scan, "End")
        if start is None and end is None:
            raise fail("InvalidScanRange", "The ScanRange must give a Start or an End.")
        if start is not None and end is not None and end < start:
            raise fail("InvalidScanRange", "The ScanRange's End is before its Start.")
        if input_format == "Parquet" or compression != "NONE" or \
                input_format == "JSON" and json_type == "DOCUMENT":
            raise fail("UnsupportedScanRangeInput", "ScanRange is for uncompressed CSV and "
                       "JSON LINES objects.")
    return SelectRequest(expression, input_format, compression, csv_in, json_type,
                         output_format, csv_out, json_delimiter, progress, start, end)
