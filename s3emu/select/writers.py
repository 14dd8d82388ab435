"""Result records as CSV or JSON text (OutputSerialization).

CSV: the fields in order, NULL and MISSING as empty fields; QuoteFields ASNEEDED quotes a
field holding the field or record delimiter, the quote character or a line break, ALWAYS
quotes every field; a quote inside a quoted field is preceded by QuoteEscapeCharacter. JSON:
one object per record (MISSING fields left out, NULL as null), then RecordDelimiter.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from .request import CsvOutput
from .values import MISSING, absent, text_of

Fields = list[tuple[str, Any]]


def csv_writer(options: CsvOutput) -> Callable[[Fields], str]:
    quote, escape = options.quote, options.quote_escape
    delimiter, end = options.field_delimiter, options.record_delimiter
    always = options.quote_fields == "ALWAYS"
    specials = re.compile("|".join(re.escape(s) for s in (delimiter, quote, end, "\n", "\r")))
    search = specials.search

    def field(value: Any) -> str:
        text = value if type(value) is str else "" if absent(value) else text_of(value)
        if always or search(text):
            return quote + text.replace(quote, escape + quote) + quote
        return text

    def write(fields: Fields) -> str:
        return delimiter.join(field(value) for _, value in fields) + end
    return write


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return text_of(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items() if v is not MISSING}
    if isinstance(value, list):
        return [_json_value(v) for v in value if v is not MISSING]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return text_of(value)


def json_writer(record_delimiter: str) -> Callable[[Fields], str]:
    encoder = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False)

    def write(fields: Fields) -> str:
        document = {name: _json_value(value) for name, value in fields if value is not MISSING}
        return encoder.encode(document) + record_delimiter
    return write
