"""What a record is to the evaluator, and how a name or a position is looked up in one.

A CSV record is a :class:`CsvRecord` (its fields, and the header's names when FileHeaderInfo
is USE); a JSON or Parquet record is the decoded value (usually a dict). Unquoted names match
case-insensitively, quoted ones exactly; ``_N`` is the N-th CSV column (from 1). What is not
there is MISSING.
"""
from __future__ import annotations

from typing import Any

from .values import MISSING


class CsvRecord:
    __slots__ = ("fields", "header", "labels")

    def __init__(self, fields: list[str], header: dict[str, int] | None,
                 labels: list[str] | None = None) -> None:
        self.fields = fields
        #: name -> position, and lower-cased name -> position
        self.header = header
        #: the header's names in order (USE), made once per object by the reader
        self.labels = labels

    def names(self) -> list[str]:
        """Output names of the fields: the header's, ``_N`` beyond it or without one."""
        labels, count = self.labels or [], len(self.fields)
        if len(labels) >= count:
            return labels if len(labels) == count else labels[:count]
        return labels + [f"_{i}" for i in range(len(labels) + 1, count + 1)]


def header_of(names: list[str]) -> dict[str, int]:
    header: dict[str, int] = {}
    for position, name in enumerate(names):
        header.setdefault(name, position)
    for position, name in enumerate(names):
        header.setdefault(name.lower(), position)
    return header


def attribute(value: Any, name: str, quoted: bool) -> Any:
    """``value.name``: MISSING when ``value`` has no such attribute."""
    if isinstance(value, dict):
        found = value.get(name, MISSING)
        if found is MISSING and not quoted:
            lowered = name.lower()
            for key, item in value.items():
                if key.lower() == lowered:
                    return item
        return found
    if isinstance(value, CsvRecord):
        header = value.header
        if header is not None:
            position = header.get(name)
            if position is None and not quoted:
                position = header.get(name.lower())
            if position is not None:
                return value.fields[position] if position < len(value.fields) else MISSING
        if name.startswith("_") and name[1:].isdigit():
            position = int(name[1:]) - 1
            return value.fields[position] if position < len(value.fields) else MISSING
        return MISSING
    return MISSING


def element(value: Any, index: Any) -> Any:
    """``value[index]``: MISSING when there is no such element."""
    if isinstance(value, list) and isinstance(index, int) and not isinstance(index, bool):
        return value[index] if 0 <= index < len(value) else MISSING
    if isinstance(value, dict) and isinstance(index, str):
        return value.get(index, MISSING)
    return MISSING
