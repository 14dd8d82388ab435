"""SelectObjectContent's errors through boto3: each is S3's code with 400 (SQL that does not
parse or that S3 Select does not run, bad serializations and scan ranges, data that is not
what the request says, functions given the wrong arguments)."""
from __future__ import annotations

import gzip

import pytest

from helpers import error_of
from select_helpers import CSV_NONE, JSON_LINES, TO_CSV, select

DATA = b'{"i": 1, "s": "x"}\n'


@pytest.fixture
def obj(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o.json", Body=DATA)
    return "o.json"


def refused(s3, bucket, key, sql="SELECT * FROM S3Object", inp=JSON_LINES, out=None,
            **extra):
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, key, sql, inp, out or TO_CSV, **extra)
    return error_of(caught)


@pytest.mark.parametrize("sql,code", [
    ("SELECT a b c FROM S3Object", "ParseUnexpectedToken"),
    ("SELECT 'open FROM S3Object", "ParseUnexpectedToken"),
    ("SELECT FROM S3Object", "ParseExpectedExpression"),
    ("SELECT * FROM S3Object WHERE", "ParseExpectedExpression"),
    ("SELECT 1", "ParseSelectMissingFrom"),
    ("SELECT *, s.i FROM S3Object s", "ParseAsteriskIsNotAloneInSelectList"),
    ("SELECT s.i FROM S3Object s ORDER BY s.i", "ParseUnsupportedSyntax"),
    ("SELECT s.i FROM S3Object s GROUP BY s.i", "ParseUnsupportedSyntax"),
    ("SELECT DISTINCT s.i FROM S3Object s", "ParseUnsupportedSyntax"),
    ("SELECT * FROM S3Object s JOIN S3Object t ON s.i = t.i", "ParseUnsupportedSyntax"),
    ("SELECT * FROM S3Object s WHERE s.i IN (SELECT 1 FROM S3Object)",
     "ParseUnsupportedSyntax"),
    ("SELECT * FROM other", "ParseUnsupportedSyntax"),
    ("SELECT * FROM S3Object s WHERE COUNT(*) > 1", "UnsupportedSqlOperation"),
    ("DELETE FROM S3Object", "UnsupportedSqlOperation"),
    ("SELECT SUM(*) FROM S3Object", "ParseUnsupportedSyntax"),
    ("SELECT FOO(1) FROM S3Object", "UnsupportedFunction"),
    ("SELECT CAST(1 AS BLOB) FROM S3Object", "InvalidDataType"),
    ("SELECT * FROM S3Object LIMIT -1", "EvaluatorNegativeLimit"),
    ("SELECT s._0 FROM S3Object s", "InvalidColumnIndex"),
    ("SELECT CAST(s.s AS INT) FROM S3Object s", "CastFailed"),
    ("SELECT s.s + 1 FROM S3Object s", "CastFailed"),
    ("SELECT UPPER(s.i) FROM S3Object s", "IncorrectSqlFunctionArgumentType"),
    ("SELECT DATE_ADD(day, 1) FROM S3Object", "EvaluatorInvalidArguments"),
    ("SELECT DATE_ADD(week, 1, UTCNOW()) FROM S3Object", "IllegalSqlFunctionArgument"),
    ("SELECT TO_TIMESTAMP('yesterday') FROM S3Object", "ValueParseFailure"),
    ("SELECT TO_STRING(UTCNOW(), 'Q') FROM S3Object", "EvaluatorInvalidTimestampFormatPattern"),
    ("SELECT * FROM S3Object s WHERE s.s LIKE 'x' ESCAPE 'ab'", "LikeInvalidInputs"),
    ("SELECT s.i / 0 FROM S3Object s", "EvaluatorInvalidArguments"),
])
def test_sql_errors(s3, bucket, obj, sql, code):
    assert refused(s3, bucket, obj, sql) == (400, code)


def test_request_errors(s3, bucket, obj):
    assert refused(s3, bucket, obj, inp={}) == (400, "MissingRequiredParameter")
    assert refused(s3, bucket, obj, inp={"CSV": {}, "JSON": {}}) == \
        (400, "ObjectSerializationConflict")
    assert refused(s3, bucket, obj, inp={"JSON": {}, "CompressionType": "ZIP"}) == \
        (400, "InvalidCompressionFormat")
    assert refused(s3, bucket, obj, inp={"CSV": {"FileHeaderInfo": "MAYBE"}}) == \
        (400, "InvalidFileHeaderInfo")
    assert refused(s3, bucket, obj, inp={"JSON": {"Type": "TREE"}}) == (400, "InvalidJsonType")
    assert refused(s3, bucket, obj, out={"CSV": {"QuoteFields": "SOMETIMES"}}) == \
        (400, "InvalidQuoteFields")
    assert refused(s3, bucket, obj, inp={"CSV": {"FieldDelimiter": "ab"}}) == \
        (400, "InvalidRequestParameter")
    assert refused(s3, bucket, obj, ScanRange={"Start": 5, "End": 2}) == \
        (400, "InvalidScanRange")
    assert refused(s3, bucket, obj, inp={"JSON": {"Type": "DOCUMENT"}},
                   ScanRange={"Start": 1}) == (400, "UnsupportedScanRangeInput")
    assert refused(s3, bucket, obj, inp={"Parquet": {}, "CompressionType": "GZIP"}) == \
        (400, "InvalidCompressionFormat")


def test_expression_type_must_be_sql(s3, bucket, obj):
    with pytest.raises(s3.exceptions.ClientError) as caught:
        s3.select_object_content(Bucket=bucket, Key=obj, Expression="SELECT * FROM S3Object",
                                 ExpressionType="XPATH", InputSerialization=JSON_LINES,
                                 OutputSerialization=TO_CSV)
    assert error_of(caught) == (400, "InvalidExpressionType")


def test_data_errors(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain.csv", Body=b"a,b\n")
    assert refused(s3, bucket, "plain.csv", inp={"CSV": {}, "CompressionType": "GZIP"}) == \
        (400, "InvalidCompressionFormat")
    assert refused(s3, bucket, "plain.csv", inp={"CSV": {}, "CompressionType": "BZIP2"}) == \
        (400, "InvalidCompressionFormat")
    s3.put_object(Bucket=bucket, Key="cut.gz", Body=gzip.compress(b"a,b\n" * 1000)[:-30])
    assert refused(s3, bucket, "cut.gz", inp={"CSV": {}, "CompressionType": "GZIP"}) == \
        (400, "InvalidCompressionFormat")
    s3.put_object(Bucket=bucket, Key="bad.json", Body=b'{"a": 1}\n{"a": \n')
    assert refused(s3, bucket, "bad.json") == (400, "JSONParsingError")
    assert refused(s3, bucket, "bad.json", inp={"JSON": {"Type": "DOCUMENT"}}) == \
        (400, "JSONParsingError")
    s3.put_object(Bucket=bucket, Key="latin.csv", Body="café\n".encode("latin-1"))
    assert refused(s3, bucket, "latin.csv", inp=CSV_NONE) == (400, "InvalidTextEncoding")
