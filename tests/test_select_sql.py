"""S3 Select's SQL through boto3's select_object_content: each feature of the documented
subset, on JSON records (typed values) and CSV records (strings)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from select_helpers import CSV_USE, JSON_LINES, TO_JSON, select

RECORD = {"i": 7, "f": 2.5, "s": "Hello World", "n": None, "b": True, "neg": -7,
          "ts": "2021-03-04T05:06:07Z", "nested": {"list": [1, 2, 3], "k": "v"}}


@pytest.fixture
def record(s3, bucket):
    s3.put_object(Bucket=bucket, Key="r.json", Body=json.dumps(RECORD).encode())
    return lambda expr: value(s3, bucket, expr)


def value(s3, bucket, expr):
    out = select(s3, bucket, "r.json", f"SELECT {expr} AS v FROM S3Object s", JSON_LINES,
                 TO_JSON)
    return json.loads(out).get("v", "MISSING")


@pytest.mark.parametrize("expr,expected", [
    ("s.i = 7", True), ("s.i <> 7", False), ("s.i != 8", True), ("s.i < 7.5", True),
    ("s.i <= 7", True), ("s.i > 7", False), ("s.i >= 7", True), ("s.s = 'Hello World'", True),
    ("s.s < 'I'", True), ("'10' > 9", True),                  # a string meets a number
    ("s.n = 1", None), ("s.nope = 1", None), ("s.s = 1", None),
    ("s.i = 7 AND s.n = 1", None), ("s.i = 8 AND s.n = 1", False),
    ("s.i = 7 OR s.n = 1", True), ("s.i = 8 OR s.n = 1", None),
    ("s.n = 1 AND s.i = 8", False), ("s.n = 1 OR s.i = 7", True),
    ("s.i = 7 AND s.b = true", True), ("s.i = 8 OR s.b = false", False),
    ("NOT s.i = 7", False), ("NOT (s.n = 1)", None),
    ("s.n IS NULL", True), ("s.nope IS NULL", True), ("s.i IS NULL", False),
    ("s.n IS NOT NULL", False), ("s.nope IS MISSING", True), ("s.n IS MISSING", False),
    ("s.i IS NOT MISSING", True), ("s.b IS TRUE", True),
    ("s.i BETWEEN 1 AND 7", True), ("s.i BETWEEN 8 AND 9", False),
    ("s.i NOT BETWEEN 8 AND 9", True), ("s.n BETWEEN 1 AND 2", None),
    ("s.i IN (1, 7)", True), ("s.i IN (1, 2)", False), ("s.i IN (1, NULL)", None),
    ("s.i NOT IN (1, 2)", True), ("s.s IN ('x', 'Hello World')", True),
])
def test_comparisons_and_logic(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("s.s LIKE 'Hello%'", True), ("s.s LIKE '%World'", True), ("s.s LIKE 'H_llo%'", True),
    ("s.s LIKE 'hello%'", False), ("s.s NOT LIKE 'x%'", True), ("s.n LIKE 'x'", None),
    ("'100%' LIKE '100!%' ESCAPE '!'", True), ("'1000' LIKE '100!%' ESCAPE '!'", False),
    ("'a_c' LIKE 'a\\_c' ESCAPE '\\'", True), ("'abc' LIKE 'a\\_c' ESCAPE '\\'", False),
    ("'100' NOT LIKE '100!%' ESCAPE '!'", True),
])
def test_like(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("s.i + 1", 8), ("s.i - 10", -3), ("s.i * 3", 21), ("s.i / 2", 3), ("s.neg / 2", -3),
    ("s.i % 4", 3), ("s.neg % 4", -3), ("-s.i", -7), ("s.f * 2", 5.0), ("s.i / 2.0", 3.5),
    ("1.5 + 1.25", 2.75), ("'4' + 1", 5), ("s.n + 1", None), ("s.nope + 1", "MISSING"),
    ("(s.i + 1) * 2", 16),
])
def test_arithmetic(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("CAST('42' AS INT)", 42), ("CAST(' 42 ' AS INTEGER)", 42), ("CAST(s.f AS INT)", 2),
    ("CAST('1.5' AS FLOAT)", 1.5), ("CAST('1.25' AS DECIMAL)", 1.25),
    ("CAST('1.25' AS NUMERIC)", 1.25), ("CAST(s.i AS STRING)", "7"),
    ("CAST(s.b AS STRING)", "true"), ("CAST('TRUE' AS BOOL)", True),
    ("CAST(0 AS BOOL)", False), ("CAST('2007-04-05T14:30Z' AS TIMESTAMP)",
                                 "2007-04-05T14:30:00Z"),
    ("CAST('2007T' AS TIMESTAMP)", "2007-01-01T00:00:00Z"),
    ("CAST(s.n AS INT)", None), ("CAST(s.nope AS INT)", "MISSING"),
])
def test_cast(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("CASE WHEN s.i > 5 THEN 'big' ELSE 'small' END", "big"),
    ("CASE WHEN s.i > 50 THEN 'big' END", None),
    ("CASE s.i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' ELSE 'other' END", "seven"),
    ("COALESCE(s.n, s.nope, s.i)", 7), ("COALESCE(s.n, s.nope)", None),
    ("NULLIF(s.i, 7)", None), ("NULLIF(s.i, 8)", 7),
])
def test_case_coalesce_nullif(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("LOWER(s.s)", "hello world"), ("UPPER(s.s)", "HELLO WORLD"),
    ("TRIM('  x  ')", "x"), ("TRIM(LEADING FROM '  x  ')", "x  "),
    ("TRIM(TRAILING FROM '  x  ')", "  x"), ("TRIM(BOTH 'ab' FROM 'abxba')", "x"),
    ("SUBSTRING(s.s, 7)", "World"), ("SUBSTRING(s.s, 1, 5)", "Hello"),
    ("SUBSTRING(s.s FROM 2 FOR 3)", "ell"), ("SUBSTRING('abc', 0, 2)", "a"),
    ("CHAR_LENGTH(s.s)", 11), ("CHARACTER_LENGTH('abc')", 3), ("LOWER(s.n)", None),
    ("s.s || '!'", "Hello World!"),
])
def test_string_functions(record, expr, expected):
    assert record(expr) == expected


@pytest.mark.parametrize("expr,expected", [
    ("TO_TIMESTAMP(s.ts)", "2021-03-04T05:06:07Z"),
    ("TO_STRING(TO_TIMESTAMP(s.ts), 'yyyy-MM-dd HH:mm:ss')", "2021-03-04 05:06:07"),
    ("TO_STRING(TO_TIMESTAMP(s.ts), 'MMMM d, y h a')", "March 4, 2021 5 AM"),
    ("TO_STRING(TO_TIMESTAMP(s.ts), 'yy MMM dd''T''X')", "21 Mar 04TZ"),   # 'T': text
    ("TO_STRING(CAST('2021-01-02T03:04:05.25+01:00' AS TIMESTAMP), 'SSS XXX xx')",
     "250 +01:00 +0100"),
    ("EXTRACT(YEAR FROM TO_TIMESTAMP(s.ts))", 2021),
    ("EXTRACT(MONTH FROM TO_TIMESTAMP(s.ts))", 3),
    ("EXTRACT(DAY FROM TO_TIMESTAMP(s.ts))", 4),
    ("EXTRACT(HOUR FROM TO_TIMESTAMP(s.ts))", 5),
    ("EXTRACT(MINUTE FROM TO_TIMESTAMP(s.ts))", 6),
    ("EXTRACT(SECOND FROM TO_TIMESTAMP(s.ts))", 7),
    ("EXTRACT(TIMEZONE_HOUR FROM CAST('2021-01-01T00:00+05:30' AS TIMESTAMP))", 5),
    ("EXTRACT(TIMEZONE_MINUTE FROM CAST('2021-01-01T00:00+05:30' AS TIMESTAMP))", 30),
    ("DATE_ADD(day, 30, TO_TIMESTAMP(s.ts))", "2021-04-03T05:06:07Z"),
    ("DATE_ADD(month, 11, TO_TIMESTAMP(s.ts))", "2022-02-04T05:06:07Z"),
    ("DATE_ADD(year, -1, TO_TIMESTAMP(s.ts))", "2020-03-04T05:06:07Z"),
    ("DATE_ADD(hour, 20, TO_TIMESTAMP(s.ts))", "2021-03-05T01:06:07Z"),
    ("DATE_DIFF(day, TO_TIMESTAMP(s.ts), CAST('2021-03-14T05:06:07Z' AS TIMESTAMP))", 10),
    ("DATE_DIFF(year, CAST('2010-06-01T' AS TIMESTAMP), TO_TIMESTAMP(s.ts))", 10),
    ("DATE_DIFF(month, CAST('2021-01-05T' AS TIMESTAMP), TO_TIMESTAMP(s.ts))", 1),
    ("DATE_DIFF(hour, TO_TIMESTAMP(s.ts), CAST('2021-03-04T00:00Z' AS TIMESTAMP))", -5),
])
def test_date_functions(record, expr, expected):
    assert record(expr) == expected


def test_utcnow_is_the_emulator_clock(emu, s3, bucket, record):
    emu.clock.set(datetime(2030, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
    assert record("UTCNOW()") == "2030-05-06T07:08:09Z"
    assert record("EXTRACT(YEAR FROM UTCNOW())") == 2030


@pytest.fixture
def table(s3, bucket):
    rows = [{"g": "a", "x": 1}, {"g": "b", "x": 2.5}, {"g": "a", "x": None}, {"g": "c"},
            {"g": "a", "x": 4}]
    s3.put_object(Bucket=bucket, Key="t.json",
                  Body="\n".join(json.dumps(r) for r in rows).encode())
    return lambda sql: json.loads(select(s3, bucket, "t.json", sql, JSON_LINES, TO_JSON))


def test_aggregates(table):
    assert table("SELECT COUNT(*) AS c, COUNT(s.x) AS cx, SUM(s.x) AS sx, AVG(s.x) AS ax, "
                 "MIN(s.x) AS lo, MAX(s.x) AS hi FROM S3Object s") == \
        {"c": 5, "cx": 3, "sx": 7.5, "ax": 2.5, "lo": 1, "hi": 4}
    assert table("SELECT COUNT(*), SUM(s.x) FROM S3Object s WHERE s.g = 'a'") == \
        {"_1": 3, "_2": 5}
    assert table("SELECT COUNT(*) AS c, SUM(s.x) AS sx, MAX(s.g) AS m FROM S3Object s "
                 "WHERE s.g = 'z'") == {"c": 0, "sx": None, "m": None}
    assert table("SELECT MAX(s.g) AS m, MIN(s.g) AS n, COUNT(*) + 1 AS c1 FROM S3Object s") \
        == {"m": "c", "n": "a", "c1": 6}


def test_aggregates_over_csv_strings(s3, bucket):
    s3.put_object(Bucket=bucket, Key="n.csv", Body=b"v\n10\n2\n30\n")
    assert select(s3, bucket, "n.csv", "SELECT SUM(s.v), MIN(s.v), MAX(s.v), AVG(s.v) FROM "
                  "S3Object s", CSV_USE) == "42,2,30,14\n"


def test_limit_and_aliases(s3, bucket):
    s3.put_object(Bucket=bucket, Key="l.json",
                  Body=b"".join(b'{"N": %d}\n' % i for i in range(10)))
    assert select(s3, bucket, "l.json", "SELECT x.n AS num FROM S3Object AS x WHERE x.N > 2 "
                  "LIMIT 3", JSON_LINES, TO_JSON) == '{"num":3}\n{"num":4}\n{"num":5}\n'
    assert select(s3, bucket, "l.json", "SELECT * FROM S3Object LIMIT 0", JSON_LINES) == ""
    assert select(s3, bucket, "l.json", "SELECT S3Object.N FROM S3Object LIMIT 1",
                  JSON_LINES, TO_JSON) == '{"N":0}\n'
    assert select(s3, bucket, "l.json", "SELECT N, 'k' FROM S3Object LIMIT 1",
                  JSON_LINES, TO_JSON) == '{"N":0,"_2":"k"}\n'


def test_where_on_csv_strings(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c.csv", Body=b"n,v\na,5\nb,12\nc,x\nd,\n")
    assert select(s3, bucket, "c.csv", "SELECT s.n FROM S3Object s WHERE s.v > 6", CSV_USE) \
        == "b\n"
    assert select(s3, bucket, "c.csv", "SELECT s.n FROM S3Object s WHERE s.v = ''", CSV_USE) \
        == "d\n"
    assert select(s3, bucket, "c.csv", "SELECT s.n, s._9 FROM S3Object s WHERE "
                  "s._9 IS MISSING LIMIT 1", CSV_USE, TO_JSON) == '{"n":"a"}\n'


def test_limit_of_an_aggregate_counts_output_rows(table):
    assert table("SELECT COUNT(*) AS c FROM S3Object LIMIT 1") == {"c": 5}


def test_aggregate_with_limit_0_returns_nothing(s3, bucket, table):
    assert select(s3, bucket, "t.json", "SELECT COUNT(*) FROM S3Object LIMIT 0", JSON_LINES) \
        == ""
