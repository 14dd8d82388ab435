"""Compile a sqlglot expression into a function of a record, with S3 Select's semantics.

Three-valued logic (a comparison with NULL or MISSING is NULL; WHERE keeps a record only when
its condition is TRUE), IS [NOT] NULL (true for NULL and MISSING) and IS [NOT] MISSING, LIKE
with ESCAPE, BETWEEN, IN, arithmetic, ``||``, CASE, COALESCE, NULLIF, CAST and the functions
of :mod:`.functions`. Aggregates compile to an accumulator (:mod:`.aggregate`) that the caller
feeds each record; their value is read after the last one.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from sqlglot import exp

from .functions import compile_call
from .aggregate import Accumulator, accumulator_for
from .records import attribute, element
from .sql import AGGREGATES
from .values import (MISSING, absent, cast, compare, equal, fail, is_number, numeric,
                     text_of)

Compiled = Callable[[Any], Any]

#: sqlglot's type names -> S3 Select's CAST types
CAST_TYPES = {"INT": "INT", "BIGINT": "INT", "FLOAT": "FLOAT", "DOUBLE": "FLOAT",
              "DECIMAL": "DECIMAL", "TEXT": "STRING", "VARCHAR": "STRING",
              "BOOLEAN": "BOOL", "TIMESTAMP": "TIMESTAMP", "TIMESTAMPTZ": "TIMESTAMP"}


@dataclass
class Context:
    """What compiling needs: the FROM alias, the clock's now, the aggregates found."""

    alias: str | None
    now: datetime
    accumulators: list[Accumulator] = field(default_factory=list)
    aggregates_allowed: bool = False


def compile_expression(node: exp.Expression, ctx: Context) -> Compiled:
    compiler = _COMPILERS.get(type(node))
    if compiler is not None:
        return compiler(node, ctx)
    if isinstance(node, exp.Func):
        return compile_call(node, lambda arg: compile_expression(arg, ctx), ctx.now)
    raise fail("UnsupportedSyntax", f"S3 Select does not support {node.sql()!r}.")


def condition(node: exp.Expression | None, ctx: Context) -> Callable[[Any], bool]:
    """A WHERE clause as a predicate (no WHERE: always true)."""
    if node is None:
        return lambda record: True
    compiled = compile_expression(node, ctx)
    return lambda record: compiled(record) is True


# -- paths --------------------------------------------------------------------------------

def _column(node: exp.Column, ctx: Context) -> Compiled:
    if isinstance(node.this, exp.Star):
        return lambda record: record
    parts = [part for part in node.parts if isinstance(part, exp.Identifier)]
    first = parts[0]
    if len(parts) > 1 and _names_source(first, ctx):
        parts = parts[1:]
    elif len(parts) == 1 and _names_source(first, ctx) and not first.quoted:
        return lambda record: record
    steps = []
    for part in parts:
        name, quoted = part.name, part.quoted
        if name.startswith("_") and name[1:].isdigit() and int(name[1:]) < 1:
            raise fail("InvalidColumnIndex",
                       f"The column index {name} is invalid: positions start at _1.")
        steps.append((name, quoted))
    if len(steps) == 1:
        name, quoted = steps[0]
        return lambda record: attribute(record, name, quoted)

    def walk(record: Any) -> Any:
        value = record
        for name, quoted in steps:
            value = attribute(value, name, quoted)
            if value is MISSING:
                break
        return value
    return walk


def _names_source(identifier: exp.Identifier, ctx: Context) -> bool:
    name = identifier.name
    if ctx.alias is not None:
        return name == ctx.alias or not identifier.quoted and name.lower() == ctx.alias.lower()
    return name.lower() == "s3object"


def _dot(node: exp.Dot, ctx: Context) -> Compiled:
    base = compile_expression(node.this, ctx)
    target = node.expression
    if not isinstance(target, exp.Identifier):
        if isinstance(target, exp.Star):
            return base
        raise fail("ParseInvalidPathComponent", f"{target.sql()!r} is not a path component.")
    name, quoted = target.name, target.quoted

    def step(record: Any) -> Any:
        value = base(record)
        if isinstance(value, _Spread):
            return _Spread(v for v in (attribute(item, name, quoted) for item in value)
                           if v is not MISSING)
        return attribute(value, name, quoted)
    return step


class _Spread(list):  # type: ignore[type-arg, unused-ignore]
    """The values a ``[*]`` in a SELECT path stands for (output as an array)."""


def _bracket(node: exp.Bracket, ctx: Context) -> Compiled:
    base = compile_expression(node.this, ctx)
    if len(node.expressions) != 1:
        raise fail("ParseInvalidPathComponent", "A path index takes one value.")
    index_node = node.expressions[0]
    if isinstance(index_node, exp.Star):
        def spread(record: Any) -> Any:
            value = base(record)
            return _Spread(value) if isinstance(value, list) else MISSING
        return spread
    index = compile_expression(index_node, ctx)
    return lambda record: element(base(record), index(record))


# -- literals -----------------------------------------------------------------------------

def _literal(node: exp.Literal, ctx: Context) -> Compiled:
    text = node.this
    if node.is_string:
        value: Any = text
    elif re.fullmatch(r"\d+", text):
        value = int(text)
    elif "e" in text.lower():
        value = float(text)
    else:
        value = Decimal(text)
    return lambda record: value


def _constant(value: Any) -> Callable[[exp.Expression, Context], Compiled]:
    return lambda node, ctx: (lambda record: value)


def _boolean(node: exp.Boolean, ctx: Context) -> Compiled:
    value = bool(node.this)
    return lambda record: value


def _paren(node: exp.Paren, ctx: Context) -> Compiled:
    return compile_expression(node.this, ctx)


# -- logic and comparison -----------------------------------------------------------------

def _logic(node: exp.Expression, ctx: Context) -> Compiled:
    """AND / OR with SQL's three values: one side's ``decisive`` value (False for AND, True
    for OR) is the answer, the other value only when both sides have it, else NULL."""
    left, right = compile_expression(node.this, ctx), compile_expression(node.expression, ctx)
    decisive = not isinstance(node, exp.And)
    other = not decisive

    def combined(record: Any) -> Any:
        a = left(record)
        if a is decisive:
            return decisive
        b = right(record)
        if b is decisive:
            return decisive
        return other if a is other and b is other else None
    return combined


def _not(node: exp.Not, ctx: Context) -> Compiled:
    inner = compile_expression(node.this, ctx)

    def negate(record: Any) -> Any:
        value = inner(record)
        return (not value) if isinstance(value, bool) else None
    return negate


_ORDER: dict[type, Callable[[int], bool]] = {
    exp.EQ: lambda o: o == 0, exp.NEQ: lambda o: o != 0, exp.GT: lambda o: o > 0,
    exp.GTE: lambda o: o >= 0, exp.LT: lambda o: o < 0, exp.LTE: lambda o: o <= 0}


def _comparison(node: exp.Expression, ctx: Context) -> Compiled:
    left, right = compile_expression(node.this, ctx), compile_expression(node.expression, ctx)
    test = _ORDER[type(node)]

    def compared(record: Any) -> Any:
        order = compare(left(record), right(record))
        return None if order is None else test(order)
    return compared


def _is(node: exp.Is, ctx: Context) -> Compiled:
    subject = compile_expression(node.this, ctx)
    what = node.expression
    if isinstance(what, exp.Null):
        return lambda record: absent(subject(record))
    if isinstance(what, exp.Column) and what.name.upper() == "MISSING" and \
            not what.this.quoted and not what.table:
        return lambda record: subject(record) is MISSING
    if isinstance(what, exp.Boolean):
        wanted = bool(what.this)
        return lambda record: subject(record) is wanted
    raise fail("ParseUnexpectedToken", f"IS takes NULL, MISSING, TRUE or FALSE, not "
               f"{what.sql()!r}.")


def _between(node: exp.Between, ctx: Context) -> Compiled:
    subject = compile_expression(node.this, ctx)
    low, high = compile_expression(node.args["low"], ctx), \
        compile_expression(node.args["high"], ctx)

    def between(record: Any) -> Any:
        value = subject(record)
        above, below = compare(value, low(record)), compare(value, high(record))
        if above is None or below is None:
            return None
        return above >= 0 and below <= 0
    return between


def _in(node: exp.In, ctx: Context) -> Compiled:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        raise fail("ParseUnsupportedSyntax", "IN takes a list of values.")
    subject = compile_expression(node.this, ctx)
    options = [compile_expression(option, ctx) for option in node.expressions]

    def within(record: Any) -> Any:
        value = subject(record)
        unknown = False
        for option in options:
            same = equal(value, option(record))
            if same:
                return True
            unknown = unknown or same is None
        return None if unknown else False
    return within


def _like(node: exp.Expression, ctx: Context) -> Compiled:
    escape: Compiled | None = None
    if isinstance(node, exp.Escape):
        escape = compile_expression(node.expression, ctx)
        node = node.this
    if not isinstance(node, exp.Like):
        raise fail("ParseUnsupportedSyntax", "ESCAPE goes with LIKE.")
    subject, pattern = compile_expression(node.this, ctx), compile_expression(node.expression, ctx)
    negate = bool(node.args.get("negate"))
    cache: dict[tuple[str, str | None], re.Pattern[str]] = {}

    def like(record: Any) -> Any:
        value, wanted = subject(record), pattern(record)
        mark = escape(record) if escape is not None else None
        if absent(value) or absent(wanted) or escape is not None and absent(mark):
            return None
        if not isinstance(value, str) or not isinstance(wanted, str) or \
                mark is not None and (not isinstance(mark, str) or len(mark) != 1):
            raise fail("LikeInvalidInputs", "LIKE takes strings, and ESCAPE one character.")
        regex = cache.get((wanted, mark))
        if regex is None:
            regex = cache[(wanted, mark)] = _like_regex(wanted, mark)
        return (regex.fullmatch(value) is None) if negate else \
            (regex.fullmatch(value) is not None)
    return like


def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape is not None and char == escape:
            if i + 1 >= len(pattern):
                raise fail("LikeInvalidInputs", "The LIKE pattern ends with its escape character.")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


# -- arithmetic ---------------------------------------------------------------------------

def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        raise fail("EvaluatorInvalidArguments", "Division by zero in the SQL expression.")
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a >= 0) == (b >= 0) else -quotient
    return a / b


def _modulo(a: Any, b: Any) -> Any:
    if b == 0:
        raise fail("EvaluatorInvalidArguments", "Division by zero in the SQL expression.")
    if isinstance(a, int) and isinstance(b, int):
        rest = abs(a) % abs(b)
        return rest if a >= 0 else -rest
    return a % b


_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul,
    exp.Div: _divide, exp.Mod: _modulo}


def _operands(a: Any, b: Any) -> tuple[Any, Any]:
    x, y = numeric(a), numeric(b)
    if x is None or y is None:
        bad = a if x is None else b
        raise fail("CastFailed", f"Arithmetic on {text_of(bad)!r}, which is no number.")
    if isinstance(x, float) and isinstance(y, Decimal):
        return x, float(y)
    if isinstance(x, Decimal) and isinstance(y, float):
        return float(x), y
    return x, y


def _arithmetic(node: exp.Expression, ctx: Context) -> Compiled:
    left, right = compile_expression(node.this, ctx), compile_expression(node.expression, ctx)
    apply = _ARITHMETIC[type(node)]

    def computed(record: Any) -> Any:
        a, b = left(record), right(record)
        if absent(a) or absent(b):
            return MISSING if a is MISSING or b is MISSING else None
        return apply(*_operands(a, b))
    return computed


def _negative(node: exp.Neg, ctx: Context) -> Compiled:
    inner = compile_expression(node.this, ctx)

    def negated(record: Any) -> Any:
        value = inner(record)
        if absent(value):
            return value
        number = numeric(value)
        if number is None:
            raise fail("CastFailed", f"Arithmetic on {text_of(value)!r}, which is no number.")
        return -number
    return negated


def _concat(node: exp.Expression, ctx: Context) -> Compiled:
    left, right = compile_expression(node.this, ctx), compile_expression(node.expression, ctx)

    def joined(record: Any) -> Any:
        a, b = left(record), right(record)
        if absent(a) or absent(b):
            return None
        if not all(isinstance(v, str) or is_number(v) for v in (a, b)):
            raise fail("IncorrectSqlFunctionArgumentType", "|| takes strings.")
        return text_of(a) + text_of(b)
    return joined


# -- CASE, CAST ---------------------------------------------------------------------------

def _case(node: exp.Case, ctx: Context) -> Compiled:
    operand = compile_expression(node.this, ctx) if node.this is not None else None
    branches = [(compile_expression(branch.this, ctx),
                 compile_expression(branch.args["true"], ctx)) for branch in node.args["ifs"]]
    default = node.args.get("default")
    otherwise = compile_expression(default, ctx) if default is not None else (lambda r: None)

    def chosen(record: Any) -> Any:
        subject = operand(record) if operand is not None else None
        for when, then in branches:
            value = when(record)
            if operand is not None:
                if equal(subject, value) is True:
                    return then(record)
            elif value is True:
                return then(record)
        return otherwise(record)
    return chosen


def _cast(node: exp.Cast, ctx: Context) -> Compiled:
    inner = compile_expression(node.this, ctx)
    kind = node.to.this.name if hasattr(node.to.this, "name") else str(node.to.this)
    target = CAST_TYPES.get(kind)
    if target is None:
        raise fail("InvalidDataType", f"{node.to.sql()} is not a type S3 Select can CAST to "
                   "(INT, INTEGER, FLOAT, DECIMAL, NUMERIC, STRING, BOOL, TIMESTAMP).")
    return lambda record: cast(inner(record), target)


def _aggregate(node: exp.Expression, ctx: Context) -> Compiled:
    if not ctx.aggregates_allowed:
        raise fail("UnsupportedSqlOperation", "Aggregate functions cannot be nested.")
    argument = node.this
    if isinstance(argument, exp.Distinct):
        raise fail("ParseUnsupportedSyntax", "S3 Select does not support DISTINCT.")
    ctx.aggregates_allowed = False
    try:
        inner = None if isinstance(argument, exp.Star) else compile_expression(argument, ctx)
    finally:
        ctx.aggregates_allowed = True
    acc = accumulator_for(type(node).__name__.upper(), inner)
    ctx.accumulators.append(acc)
    return lambda record: acc.result()


_COMPILERS: dict[type, Callable[[Any, Context], Compiled]] = {
    exp.Column: _column, exp.Dot: _dot, exp.Bracket: _bracket, exp.Literal: _literal,
    exp.Null: _constant(None), exp.Boolean: _boolean, exp.Paren: _paren,
    exp.And: _logic, exp.Or: _logic, exp.Not: _not, exp.Is: _is, exp.Between: _between,
    exp.In: _in, exp.Like: _like, exp.Escape: _like, exp.Neg: _negative,
    exp.DPipe: _concat, exp.Case: _case, exp.Cast: _cast,
    **{kind: _comparison for kind in _ORDER}, **{kind: _arithmetic for kind in _ARITHMETIC},
    **{kind: _aggregate for kind in AGGREGATES},
}
