"""SelectObjectContent through boto3: input formats (CSV and its options, JSON DOCUMENT /
LINES, Parquet), compression, ScanRange, output formats, the event stream (Records, Stats,
Progress, Cont, End, errors mid-stream), access (SSE-C, archived objects, anonymous), and 501
without the ``select`` extra."""
from __future__ import annotations

import bz2
import gzip
import io
import json

import pytest
import requests

from helpers import error_of, make_client
from select_helpers import (CSV_NONE, CSV_USE, JSON_DOC, JSON_LINES, TO_CSV, TO_JSON, select,
                            select_events)

PEOPLE = b"name,age,city\nalice,30,Paris\nbob,25,Oslo\ncarol,41,Lima\n"


@pytest.fixture
def people(s3, bucket):
    s3.put_object(Bucket=bucket, Key="people.csv", Body=PEOPLE)
    return "people.csv"


def test_csv_star_to_csv_and_json(s3, bucket, people):
    assert select(s3, bucket, people, "SELECT * FROM S3Object", CSV_NONE) == PEOPLE.decode()
    assert select(s3, bucket, people, "SELECT * FROM S3Object s WHERE s.age = '25'", CSV_USE,
                  TO_JSON) == '{"name":"bob","age":"25","city":"Oslo"}\n'
    assert select(s3, bucket, people, "SELECT s._1, s._3 FROM S3Object s LIMIT 1",
                  {"CSV": {"FileHeaderInfo": "IGNORE"}}, TO_JSON) == \
        '{"_1":"alice","_3":"Paris"}\n'


def test_csv_header_names_and_positions(s3, bucket, people):
    out = select(s3, bucket, people, 'SELECT s.NAME, s."city", s._2 AS years FROM S3Object s',
                 CSV_USE, TO_JSON)
    assert out.splitlines()[0] == '{"NAME":"alice","city":"Paris","years":"30"}'
    # a quoted name matches exactly: "CITY" is not there (MISSING, left out of JSON)
    assert select(s3, bucket, people, 'SELECT s."CITY" FROM S3Object s LIMIT 1', CSV_USE,
                  TO_JSON) == "{}\n"


def test_csv_input_options(s3, bucket):
    body = b"#a comment\nx|'p;q'|y;'r''s'|1|2"
    s3.put_object(Bucket=bucket, Key="o.csv", Body=body)
    inp = {"CSV": {"FileHeaderInfo": "NONE", "FieldDelimiter": "|", "RecordDelimiter": ";",
                   "QuoteCharacter": "'", "QuoteEscapeCharacter": "'", "Comments": "#"}}
    # the comment runs to the first record delimiter: "#a comment\nx|'p" is skipped
    out = select(s3, bucket, "o.csv", "SELECT s._1, s._2 FROM S3Object s", inp, TO_JSON)
    assert out == '{"_1":"q\'","_2":"y"}\n{"_1":"r\'s","_2":"1"}\n'


def test_csv_quoted_record_delimiter(s3, bucket):
    s3.put_object(Bucket=bucket, Key="q.csv", Body=b'a,"line one\nline two"\nb,c\n')
    allowed = {"CSV": {"AllowQuotedRecordDelimiter": True}}
    assert select(s3, bucket, "q.csv", "SELECT s._2 FROM S3Object s", allowed, TO_JSON) == \
        '{"_2":"line one\\nline two"}\n{"_2":"c"}\n'
    # by default a record delimiter ends the record, quotes or not: here inside quotes
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "q.csv", "SELECT s._1 FROM S3Object s", CSV_NONE)
    assert error_of(caught) == (400, "CSVEscapingRecordDelimiter")


def test_csv_unescaped_quote(s3, bucket):
    s3.put_object(Bucket=bucket, Key="u.csv", Body=b'"a"b,c\n')
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "u.csv", "SELECT * FROM S3Object", CSV_NONE)
    assert error_of(caught) == (400, "CSVUnescapedQuote")


def test_csv_quote_escape_character(s3, bucket):
    s3.put_object(Bucket=bucket, Key="e.csv", Body=b'"say \\"hi\\"",2\n')
    inp = {"CSV": {"QuoteEscapeCharacter": "\\"}}
    assert select(s3, bucket, "e.csv", "SELECT s._1 FROM S3Object s", inp, TO_JSON) == \
        '{"_1":"say \\"hi\\""}\n'


def test_csv_output_options(s3, bucket, people):
    sql = "SELECT s.name, s.city FROM S3Object s WHERE s.name = 'bob'"
    assert select(s3, bucket, people, sql, CSV_USE, {"CSV": {"QuoteFields": "ALWAYS"}}) == \
        '"bob","Oslo"\n'
    out = {"CSV": {"FieldDelimiter": "\t", "RecordDelimiter": ";"}}
    assert select(s3, bucket, people, sql, CSV_USE, out) == "bob\tOslo;"
    s3.put_object(Bucket=bucket, Key="n.csv", Body=b'"a,b","say ""x"""\n')
    assert select(s3, bucket, "n.csv", "SELECT * FROM S3Object", CSV_NONE) == \
        '"a,b","say ""x"""\n'
    escaped = {"CSV": {"QuoteEscapeCharacter": "\\"}}
    assert select(s3, bucket, "n.csv", "SELECT s._2 FROM S3Object s", CSV_NONE, escaped) == \
        '"say \\"x\\""\n'


def test_json_output_record_delimiter(s3, bucket, people):
    out = select(s3, bucket, people, "SELECT s.name FROM S3Object s", CSV_USE,
                 {"JSON": {"RecordDelimiter": ","}})
    assert out == '{"name":"alice"},{"name":"bob"},{"name":"carol"},'


def test_json_lines_and_document(s3, bucket):
    lines = b'{"a": 1, "b": {"c": [10, 20]}}\n\n{"a": 2, "b": null}\n{"a": 3}\n'
    s3.put_object(Bucket=bucket, Key="l.json", Body=lines)
    sql = "SELECT s.a, s.b.c[1] AS c, s.b FROM S3Object s"
    assert select(s3, bucket, "l.json", sql, JSON_LINES, TO_JSON) == (
        '{"a":1,"c":20,"b":{"c":[10,20]}}\n{"a":2,"b":null}\n{"a":3}\n')
    assert select(s3, bucket, "l.json", sql, JSON_LINES, TO_CSV) == (
        '1,20,"{""c"":[10,20]}"\n2,,\n3,,\n')
    document = json.dumps({"people": [{"n": "x", "tags": ["p", "q"]}, {"n": "y", "tags": []}]})
    s3.put_object(Bucket=bucket, Key="d.json", Body=(document + "\n" + document).encode())
    out = select(s3, bucket, "d.json", "SELECT p.n, p.tags[*] AS t FROM S3Object[*].people[*] p",
                 JSON_DOC, TO_JSON)
    assert out == '{"n":"x","t":["p","q"]}\n{"n":"y","t":[]}\n' * 2
    assert select(s3, bucket, "d.json", "SELECT * FROM S3Object[*].people[0] p", JSON_DOC,
                  TO_JSON) == '{"n":"x","tags":["p","q"]}\n' * 2


@pytest.mark.parametrize("compression,pack", [("GZIP", gzip.compress), ("BZIP2", bz2.compress)])
def test_compressed_input(s3, bucket, compression, pack):
    body = pack(PEOPLE)
    s3.put_object(Bucket=bucket, Key="p.csv.z", Body=body)
    events = select_events(s3, bucket, "p.csv.z", "SELECT COUNT(*) FROM S3Object",
                           {"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": compression})
    assert events[0] == {"Records": {"Payload": b"3\n"}}
    assert events[1] == {"Stats": {"Details": {"BytesScanned": len(body),
                                               "BytesProcessed": len(PEOPLE),
                                               "BytesReturned": 2}}}


def test_gzip_of_several_members(s3, bucket):
    s3.put_object(Bucket=bucket, Key="m.gz", Body=gzip.compress(b"a\n") + gzip.compress(b"b\n"))
    assert select(s3, bucket, "m.gz", "SELECT * FROM S3Object",
                  {"CSV": {}, "CompressionType": "GZIP"}) == "a\nb\n"


def test_parquet(s3, bucket):
    pa = pytest.importorskip("pyarrow")   # in the test extra: never skipped in the suite
    import pyarrow.parquet as pq
    table = pa.table({"id": [1, 2, 3], "name": ["a", "b", None], "score": [1.5, 2.5, 3.5]})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=2)
    s3.put_object(Bucket=bucket, Key="t.parquet", Body=sink.getvalue())
    out = select(s3, bucket, "t.parquet", "SELECT s.id, s.name FROM S3Object s WHERE s.score > 2",
                 {"Parquet": {}}, TO_JSON)
    assert out == '{"id":2,"name":"b"}\n{"id":3,"name":null}\n'
    assert select(s3, bucket, "t.parquet", "SELECT SUM(s.id), AVG(s.score) FROM S3Object s",
                  {"Parquet": {}}) == "6,2.5\n"


def test_parquet_that_is_not(s3, bucket, people):
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, people, "SELECT * FROM S3Object", {"Parquet": {}})
    assert error_of(caught) == (400, "ParquetParsingError")


def test_scan_range(s3, bucket):
    body = b"r0,a\nr1,b\nr2,c\nr3,d\n"        # records start at 0, 5, 10, 15
    s3.put_object(Bucket=bucket, Key="r.csv", Body=body)

    def ranged(**scan):
        return select(s3, bucket, "r.csv", "SELECT s._1 FROM S3Object s", CSV_NONE,
                      ScanRange=scan)
    assert ranged(Start=5, End=10) == "r1\nr2\n"
    assert ranged(Start=6, End=10) == "r2\n"
    assert ranged(Start=6) == "r2\nr3\n"
    assert ranged(End=7) == "r3\n"                # the last 7 bytes: r3 starts in them
    assert ranged(Start=0, End=0) == "r0\n"
    s3.put_object(Bucket=bucket, Key="r.json", Body=b'{"a":1}\n{"a":2}\n{"a":3}\n')
    assert select(s3, bucket, "r.json", "SELECT s.a FROM S3Object s", JSON_LINES,
                  ScanRange={"Start": 1}) == "2\n3\n"


def test_stats_progress_and_chunks(s3, bucket):
    rows = b"".join(b"%06d,%s\n" % (i, b"x" * 50) for i in range(3000))   # ~171 KiB
    s3.put_object(Bucket=bucket, Key="big.csv", Body=rows)
    events = select_events(s3, bucket, "big.csv", "SELECT * FROM S3Object", CSV_NONE,
                           RequestProgress={"Enabled": True})
    kinds = [next(iter(e)) for e in events]
    assert kinds[-3:] == ["Progress", "Stats", "End"]
    records = [e["Records"]["Payload"] for e in events if "Records" in e]
    assert len(records) >= 2 and b"".join(records) == rows
    assert kinds.count("Progress") == len(records)     # after each but the last, and at the end
    assert events[-2]["Stats"]["Details"] == {"BytesScanned": len(rows),
                                              "BytesProcessed": len(rows),
                                              "BytesReturned": len(rows)}
    quiet = select_events(s3, bucket, "big.csv", "SELECT * FROM S3Object s WHERE s._1 = 'no'",
                          CSV_NONE)
    assert [next(iter(e)) for e in quiet] == ["Stats", "End"]


def test_cont_events_while_nothing_matches(s3, bucket):
    rows = b"x" * 1023 + b"\n"
    s3.put_object(Bucket=bucket, Key="quiet.csv", Body=rows * 2100)     # ~2.1 MiB
    events = select_events(s3, bucket, "quiet.csv", "SELECT * FROM S3Object s WHERE s._1 = ''",
                           CSV_NONE)
    assert [next(iter(e)) for e in events] == ["Cont", "Cont", "Stats", "End"]


def test_error_mid_stream_is_an_error_event(s3, bucket):
    rows = b"".join(b"%06d,%s\n" % (i, b"y" * 60) for i in range(2000)) + b"oops,1\n"
    s3.put_object(Bucket=bucket, Key="bad.csv", Body=rows)
    response = s3.select_object_content(
        Bucket=bucket, Key="bad.csv", Expression="SELECT s._2, CAST(s._1 AS INT) FROM S3Object s",
        ExpressionType="SQL", InputSerialization=CSV_NONE, OutputSerialization=TO_CSV)
    seen = []
    with pytest.raises(Exception) as caught:
        for event in response["Payload"]:
            seen.append(event)
    assert type(caught.value).__name__ == "EventStreamError"
    assert caught.value.response["Error"]["Code"] == "CastFailed"
    assert seen and "Records" in seen[0]


def test_error_in_first_records_is_the_request_error(s3, bucket):
    s3.put_object(Bucket=bucket, Key="bad.csv", Body=b"oops\n")
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "bad.csv", "SELECT CAST(s._1 AS INT) FROM S3Object s", CSV_NONE)
    assert error_of(caught) == (400, "CastFailed")


def test_sse_c_object_needs_its_key(s3, bucket):
    key = b"k" * 32
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
    s3.put_object(Bucket=bucket, Key="secret.csv", Body=PEOPLE, SSECustomerAlgorithm="AES256",
                  SSECustomerKey=key)
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "secret.csv", "SELECT COUNT(*) FROM S3Object", CSV_USE)
    assert error_of(caught) == (400, "InvalidRequest")
    assert select(s3, bucket, "secret.csv", "SELECT COUNT(*) FROM S3Object", CSV_USE,
                  SSECustomerAlgorithm="AES256", SSECustomerKey=key) == "3\n"


def test_archived_object_is_invalid_object_state(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold.csv", Body=PEOPLE, StorageClass="GLACIER")
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "cold.csv", "SELECT * FROM S3Object", CSV_USE)
    assert error_of(caught) == (403, "InvalidObjectState")


def test_missing_key(s3, bucket):
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "nope.csv", "SELECT * FROM S3Object", CSV_USE)
    assert error_of(caught) == (404, "NoSuchKey")


def test_anonymous_select_is_refused(server):
    client = make_client(endpoint_url=server.endpoint_url)
    client.create_bucket(Bucket="pub")
    client.put_public_access_block(Bucket="pub", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    client.put_bucket_policy(Bucket="pub", Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::pub/*"}]}))
    client.put_object(Bucket="pub", Key="a.csv", Body=b"1\n")
    assert requests.get(f"{server.endpoint_url}/pub/a.csv").status_code == 200
    body = (b'<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL"
            b"</ExpressionType><InputSerialization><CSV/></InputSerialization>"
            b"<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>")
    reply = requests.post(f"{server.endpoint_url}/pub/a.csv?select&select-type=2", data=body)
    assert reply.status_code == 403
    assert "<Code>AccessDenied</Code>" in reply.text


def test_over_a_live_server(server):
    client = make_client(endpoint_url=server.endpoint_url)
    client.create_bucket(Bucket="live")
    client.put_object(Bucket="live", Key="p.csv", Body=PEOPLE)
    assert select(client, "live", "p.csv", "SELECT s.name FROM S3Object s WHERE "
                  "CAST(s.age AS INT) > 26", CSV_USE) == "alice\ncarol\n"


def hide_module(monkeypatch, hidden):
    """``s3emu.select`` imports everything but ``hidden``, as if it were not installed."""
    import s3emu.select as package
    real = package.importlib.import_module

    def import_module(name, *args):
        if name == hidden:
            raise ImportError(name)
        return real(name, *args)
    monkeypatch.setattr(package.importlib, "import_module", import_module)


def test_without_the_select_extra_is_501(s3, bucket, people, monkeypatch):
    hide_module(monkeypatch, "sqlglot")
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, people, "SELECT * FROM S3Object", CSV_USE)
    assert error_of(caught) == (501, "NotImplemented")
    assert "'select' extra" in caught.value.response["Error"]["Message"]


def test_a_record_over_1_mib_is_over_max_record_size(s3, bucket):
    s3.put_object(Bucket=bucket, Key="long.csv", Body=b"a," + b"x" * (1 << 20) + b"\n")
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, "long.csv", "SELECT COUNT(*) FROM S3Object", CSV_NONE)
    assert error_of(caught) == (400, "OverMaxRecordSize")


def test_json_document_values_across_chunks(s3, bucket):
    # top-level numbers, one of them cut by the 64 KiB read boundary
    body = b" " * (64 * 1024 - 3) + b"12345 678"
    s3.put_object(Bucket=bucket, Key="nums.json", Body=body)
    assert select(s3, bucket, "nums.json", "SELECT * FROM S3Object", JSON_DOC) == "12345\n678\n"


def test_memory_is_bounded_by_the_chunk_not_the_object(s3, bucket):
    import tracemalloc
    count = 150_000
    rows = b"".join(b"%07d,name%d,%d\n" % (i, i % 97, i % 100) for i in range(count))
    s3.put_object(Bucket=bucket, Key="rows.csv", Body=rows)       # ~2.6 MiB
    kept = [i for i in range(count) if str(i % 97).startswith("1")]
    select(s3, bucket, "rows.csv", "SELECT * FROM S3Object LIMIT 1", CSV_NONE)  # imports done
    tracemalloc.start()
    try:
        out = select(s3, bucket, "rows.csv", "SELECT COUNT(*), SUM(s._3) FROM S3Object s "
                     "WHERE s._2 LIKE 'name1%'", CSV_NONE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out == f"{len(kept)},{sum(i % 100 for i in kept)}\n"
    assert peak < (1 << 20) < len(rows), peak      # a chunk's worth, never the object


def test_parquet_without_pyarrow_is_501(s3, bucket, people, monkeypatch):
    hide_module(monkeypatch, "pyarrow")
    with pytest.raises(s3.exceptions.ClientError) as caught:
        select(s3, bucket, people, "SELECT * FROM S3Object", {"Parquet": {}})
    assert error_of(caught) == (501, "NotImplemented")
    assert "pyarrow" in caught.value.response["Error"]["Message"]
    assert select(s3, bucket, people, "SELECT COUNT(*) FROM S3Object", CSV_USE) == "3\n"


def test_select_after_its_modules_were_dropped(s3, bucket, people, monkeypatch):
    # pytest's in-process runs (pytester) drop the modules first imported during them and
    # keep the package attributes: the next Select must import one consistent set again
    import sys
    assert select(s3, bucket, people, "SELECT COUNT(*) FROM S3Object", CSV_USE) == "3\n"
    for name in list(sys.modules):
        if name.startswith(("sqlglot", "s3emu.select.")) and name != "s3emu.select.request" \
                and name != "s3emu.select.values":
            monkeypatch.delitem(sys.modules, name)
    assert select(s3, bucket, people, "SELECT UPPER(s.name) FROM S3Object s WHERE "
                  "DATE_ADD(day, 1, UTCNOW()) > UTCNOW() LIMIT 1", CSV_USE) == "ALICE\n"
