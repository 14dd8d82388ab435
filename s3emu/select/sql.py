"""The SQL of a Select request parsed with sqlglot into a :class:`Query`.

sqlglot parses the statement into its AST (with a dialect that leaves S3 Select's own
functions, DATE_ADD / DATE_DIFF / TO_STRING / TO_TIMESTAMP / UTCNOW, as plain calls); this
module checks it is the subset S3 Select has (one SELECT over S3Object, WHERE, LIMIT; no
GROUP BY, ORDER BY, JOIN, DISTINCT, subqueries) and maps parse failures to S3's error codes.
S3's FROM paths for JSON (``FROM S3Object[*].people[*] p``) are no SQL sqlglot knows: they are
read here and removed from the text before it is parsed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp, parser as sqlglot_parser
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from .values import fail

#: S3 Select's own functions, kept as plain calls (sqlglot would read them as other dialects')
_OWN = ("DATE_ADD", "DATE_DIFF", "DATEDIFF", "TO_TIMESTAMP", "TO_STRING", "UTCNOW")


class S3SelectDialect(Dialect):
    """sqlglot's default dialect with S3 Select's date functions left as calls."""

    class Parser(sqlglot_parser.Parser):
        FUNCTIONS = {name: build for name, build in sqlglot_parser.Parser.FUNCTIONS.items()
                     if name not in _OWN}


#: ``FROM S3Object[*].a.b[0] alias``: the object's name, its path, the rest
_FROM = re.compile(r"\bFROM\s+S3Object((?:\s*\[\s*(?:\*|\d+)\s*\]|\s*\.\s*(?:\"[^\"]*\"|\w+))*)",
                   re.IGNORECASE)
_STEP = re.compile(r"\[\s*(\*|\d+)\s*\]|\.\s*(?:\"([^\"]*)\"|(\w+))")


@dataclass(frozen=True)
class Step:
    """One step of a path: an attribute (``name``), an index, or ``[*]`` (``wildcard``)."""

    name: str | None = None
    quoted: bool = False
    index: int | None = None
    wildcard: bool = False


@dataclass
class Projection:
    expression: exp.Expression
    #: the output's field name (its alias, the path's last name), None: ``_N`` by position
    name: str | None


@dataclass
class Query:
    """A parsed S3 Select statement."""

    #: empty for ``SELECT *``
    projections: list[Projection]
    alias: str | None
    #: the FROM path after ``S3Object`` (JSON only)
    path: list[Step] = field(default_factory=list)
    where: exp.Expression | None = None
    limit: int | None = None
    aggregate: bool = False

    @property
    def star(self) -> bool:
        return not self.projections


AGGREGATES = (exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max)


def _from_path(text: str) -> tuple[str, list[Step]]:
    """The statement without its FROM path, and the path."""
    match = _FROM.search(text)
    if match is None:
        return text, []
    steps = []
    for step in _STEP.finditer(match.group(1)):
        index, quoted, plain = step.groups()
        if index == "*":
            steps.append(Step(wildcard=True))
        elif index is not None:
            steps.append(Step(index=int(index)))
        else:
            steps.append(Step(name=quoted if quoted is not None else plain,
                              quoted=quoted is not None))
    return text[:match.start(1)] + " " + text[match.end(1):], steps


def _parse_error(error: ParseError | TokenError) -> Exception:
    if isinstance(error, TokenError):
        return fail("ParseUnexpectedToken", f"The SQL expression contains an unexpected token: "
                    f"{error}")
    details = error.errors[0] if error.errors else {}
    description = str(details.get("description", error))
    where = f" at line {details.get('line')}, column {details.get('col')}" if details else ""
    code = "ParseExpectedExpression" if description.startswith(("Expected", "Required")) \
        else "ParseUnexpectedToken"
    return fail(code, f"{description.split(' but got')[0]}{where}.")


def parse(text: str) -> Query:
    """The statement ``text`` as a :class:`Query`; S3's Parse* errors when it is none."""
    stripped, path = _from_path(text)
    try:
        statements = sqlglot_parse(stripped)
    except (ParseError, TokenError) as error:
        raise _parse_error(error) from None
    if len(statements) != 1 or statements[0] is None:
        raise fail("ParseUnexpectedToken", "The SQL expression must be one SELECT statement.")
    tree = statements[0]
    if not isinstance(tree, exp.Select):
        raise fail("UnsupportedSqlOperation",
                   f"S3 Select runs SELECT statements only, not {tree.key.upper()}.")
    return _query(tree, path)


def sqlglot_parse(text: str) -> list[Any]:
    return S3SelectDialect().parse(text)


_UNSUPPORTED = (("group", "GROUP BY"), ("order", "ORDER BY"), ("having", "HAVING"),
                ("joins", "JOIN"), ("distinct", "DISTINCT"), ("with_", "WITH"),
                ("offset", "OFFSET"), ("windows", "WINDOW"), ("qualify", "QUALIFY"))


def _query(tree: exp.Select, path: list[Step]) -> Query:
    for arg, name in _UNSUPPORTED:
        if tree.args.get(arg):
            raise fail("ParseUnsupportedSyntax", f"S3 Select does not support {name}.")
    source = tree.args.get("from_") or tree.args.get("from")
    if source is None:
        raise fail("ParseSelectMissingFrom")
    table = source.this
    if not isinstance(table, exp.Table) or table.name.lower() != "s3object" or table.db:
        raise fail("ParseUnsupportedSyntax", "The FROM clause must name S3Object.")
    alias = table.alias or None
    if not tree.expressions:
        raise fail("ParseExpectedExpression", "The SELECT list is empty.")
    for node in tree.walk():
        if isinstance(node, (exp.Subquery, exp.Union)) or \
                isinstance(node, exp.Select) and node is not tree:
            raise fail("ParseUnsupportedSyntax", "S3 Select does not support subqueries.")
        if isinstance(node, exp.Window):
            raise fail("ParseUnsupportedSyntax", "S3 Select does not support window functions.")
    projections = _projections(tree.expressions)
    where = tree.args.get("where")
    if where is not None and any(isinstance(node, AGGREGATES) for node in where.walk()):
        raise fail("UnsupportedSqlOperation", "Aggregate functions are not allowed in WHERE.")
    aggregate = any(isinstance(node, AGGREGATES) for p in projections
                    for node in p.expression.walk())
    return Query(projections, alias, path, where.this if where is not None else None,
                 _limit(tree.args.get("limit")), aggregate)


def _projections(nodes: list[exp.Expression]) -> list[Projection]:
    stars = [node for node in nodes if isinstance(node, exp.Star) or
             isinstance(node, exp.Column) and isinstance(node.this, exp.Star)]
    if stars:
        if len(nodes) > 1:
            raise fail("ParseAsteriskIsNotAloneInSelectList")
        return []
    out = []
    for node in nodes:
        name = None
        if isinstance(node, exp.Alias):
            name, node = node.alias, node.this
        elif isinstance(node, exp.Column):
            name = node.name
        elif isinstance(node, exp.Dot) and isinstance(node.expression, exp.Identifier):
            name = node.expression.name
        out.append(Projection(node, name))
    return out


def _limit(limit: exp.Expression | None) -> int | None:
    if limit is None:
        return None
    value = limit.expression
    if isinstance(value, exp.Neg):
        raise fail("EvaluatorNegativeLimit")
    if not isinstance(value, exp.Literal) or value.is_string or not value.this.isdigit():
        raise fail("ParseUnexpectedToken", "LIMIT takes a non-negative integer.")
    return int(value.this)
