"""S3 Select's scalar functions: COALESCE, NULLIF, LOWER, UPPER, TRIM, SUBSTRING,
CHAR_LENGTH / CHARACTER_LENGTH, and the date functions of :mod:`.timestamps`. Anything else is
UnsupportedFunction."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from sqlglot import exp

from .timestamps import date_add, date_diff, extract, to_string, to_timestamp, utcnow
from .values import MISSING, absent, fail

Compiled = Callable[[Any], Any]
Compile = Callable[[exp.Expression], Compiled]


def _string(value: Any, function: str) -> str:
    if not isinstance(value, str):
        raise fail("IncorrectSqlFunctionArgumentType", f"{function} takes a string.")
    return value


def _integer(value: Any, function: str) -> int:
    if isinstance(value, str):
        value = value.strip()
        if value.lstrip("-").isdigit():
            return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise fail("IncorrectSqlFunctionArgumentType", f"{function} takes an INT.")
    return value


def substring(text: Any, start: Any, length: Any = MISSING) -> Any:
    """SUBSTRING(string, start [, length]): positions from 1; a start before 1 shortens the
    length accordingly (SQL's rule)."""
    if absent(text) or absent(start) or length is None:
        return None
    text = _string(text, "SUBSTRING")
    first = _integer(start, "SUBSTRING")
    if length is MISSING:
        return text[max(first, 1) - 1:]
    count = _integer(length, "SUBSTRING")
    if count < 0:
        raise fail("IllegalSqlFunctionArgument", "SUBSTRING's length cannot be negative.")
    end = first + count
    return text[max(first, 1) - 1:max(end, 1) - 1]


def trim(text: Any, characters: Any, position: str) -> Any:
    if absent(text) or characters is None:
        return None
    text = _string(text, "TRIM")
    chars = " " if characters is MISSING else _string(characters, "TRIM")
    if position == "LEADING":
        return text.lstrip(chars)
    if position == "TRAILING":
        return text.rstrip(chars)
    return text.strip(chars)


def _one(function: Callable[[str], Any], name: str) -> Callable[[Any], Any]:
    def call(value: Any) -> Any:
        return None if absent(value) else function(_string(value, name))
    return call


def _part_name(node: exp.Expression) -> str:
    if isinstance(node, (exp.Column, exp.Var, exp.Identifier)) and node.name:
        return node.name
    raise fail("IllegalSqlFunctionArgument", f"{node.sql()!r} is not a date part.")


def _arity(node: exp.Expression, args: list[Any], low: int, high: int, name: str) -> None:
    if not low <= len(args) <= high:
        raise fail("EvaluatorInvalidArguments",
                   f"Incorrect number of arguments in the call to {name}.")


def compile_call(node: exp.Func, compile: Compile, now: datetime) -> Compiled:
    """The function call ``node`` as a function of a record."""
    if isinstance(node, exp.Coalesce):
        options = [compile(node.this)] + [compile(arg) for arg in node.expressions]

        def coalesce(record: Any) -> Any:
            for option in options:
                value = option(record)
                if not absent(value):
                    return value
            return None
        return coalesce
    if isinstance(node, exp.Nullif):
        first, second = compile(node.this), compile(node.expression)

        def nullif(record: Any) -> Any:
            a, b = first(record), second(record)
            from .values import equal
            return None if equal(a, b) is True else a
        return nullif
    if isinstance(node, (exp.Lower, exp.Upper, exp.Length)):
        function = {exp.Lower: _one(str.lower, "LOWER"), exp.Upper: _one(str.upper, "UPPER"),
                    exp.Length: _one(len, "CHAR_LENGTH")}[type(node)]
        inner = compile(node.this)
        return lambda record: function(inner(record))
    if isinstance(node, exp.Substring):
        text, start = compile(node.this), compile(node.args["start"])
        length_node = node.args.get("length")
        length = compile(length_node) if length_node is not None else (lambda r: MISSING)
        return lambda record: substring(text(record), start(record), length(record))
    if isinstance(node, exp.Trim):
        text = compile(node.this)
        chars_node = node.args.get("expression")
        chars = compile(chars_node) if chars_node is not None else (lambda r: MISSING)
        position = str(node.args.get("position") or "BOTH").upper()
        return lambda record: trim(text(record), chars(record), position)
    if isinstance(node, exp.Extract):
        part, ts = _part_name(node.this), compile(node.expression)
        return lambda record: extract(part, ts(record))
    if isinstance(node, exp.Anonymous):
        return _own(node, compile, now)
    raise fail("UnsupportedFunction", f"S3 Select has no function {node.sql_name()}.")


def _own(node: exp.Anonymous, compile: Compile, now: datetime) -> Compiled:
    name = str(node.this).upper()
    args = list(node.expressions)
    if name == "UTCNOW":
        _arity(node, args, 0, 0, name)
        moment = utcnow(now)
        return lambda record: moment
    if name in ("DATE_ADD", "DATE_DIFF"):
        _arity(node, args, 3, 3, name)
        part = _part_name(args[0])
        first, second = compile(args[1]), compile(args[2])
        function = date_add if name == "DATE_ADD" else date_diff
        return lambda record: function(part, first(record), second(record))
    if name == "TO_STRING":
        _arity(node, args, 2, 2, name)
        ts, pattern = compile(args[0]), compile(args[1])
        return lambda record: to_string(ts(record), pattern(record))
    if name == "TO_TIMESTAMP":
        _arity(node, args, 1, 1, name)
        text = compile(args[0])
        return lambda record: to_timestamp(text(record))
    raise fail("UnsupportedFunction", f"S3 Select has no function {name}.")
