"""CORS as a browser enforces it: headless Chromium on a page from another origin fetch()es a
presigned PUT and a GET from ``s3emu serve``. With a rule for the page's origin both succeed
and the page reads the body; without one the browser blocks them (fetch rejects)."""
from __future__ import annotations

import os
import uuid

import pytest
from botocore.exceptions import ClientError

#: Runs in the page: a presigned PUT then a GET, both cross-origin; the outcome (or the error
#: the browser gave) is written on the page and handed back.
SCRIPT = """
const [putUrl, getUrl, body, done] = arguments;
const log = document.getElementById("log");
(async () => {
  const out = {};
  try {
    const put = await fetch(putUrl, {method: "PUT", body: body});
    out.put = put.status;
  } catch (e) { out.put = "blocked: " + e.message; }
  try {
    const got = await fetch(getUrl);
    out.get = got.status;
    out.body = await got.text();
    out.etag = got.headers.get("ETag");
  } catch (e) { out.get = "blocked: " + e.message; }
  log.textContent = JSON.stringify(out, null, 2);
  done(out);
})();
"""


def run_fetches(browser, s3, bucket, key, body):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key})
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})
    return browser.execute_async_script(SCRIPT, put_url, get_url, body)


@pytest.fixture
def bucket(s3):
    name = f"browser-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def test_matching_rule_lets_the_page_put_and_read(browser, s3, bucket, page_origin, tmp_path):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [page_origin], "AllowedMethods": ["PUT", "GET"],
        "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 0}]})
    out = run_fetches(browser, s3, bucket, "hello.txt", "hello from the browser")
    assert out["put"] == 200
    assert out["get"] == 200
    assert out["body"] == "hello from the browser"
    assert out["etag"] == s3.head_object(Bucket=bucket, Key="hello.txt")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="hello.txt")["Body"].read() == \
        b"hello from the browser"
    shot = os.environ.get("S3EMU_BROWSER_SCREENSHOT") or str(tmp_path / "allowed.png")
    assert browser.save_screenshot(shot)


def test_without_a_rule_the_browser_blocks_both(browser, s3, bucket):
    s3.put_object(Bucket=bucket, Key="there.txt", Body=b"served, but not to this page")
    out = run_fetches(browser, s3, bucket, "there.txt", "never stored")
    assert out["put"].startswith("blocked: ")        # the preflight is refused (403)
    assert out["get"].startswith("blocked: ")        # served, without Access-Control-Allow-Origin
    assert s3.get_object(Bucket=bucket, Key="there.txt")["Body"].read() == \
        b"served, but not to this page"


def test_a_rule_for_another_origin_blocks_the_page(browser, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["https://elsewhere.example"], "AllowedMethods": ["PUT", "GET"]}]})
    out = run_fetches(browser, s3, bucket, "k.txt", "never stored")
    assert out["put"].startswith("blocked: ") and out["get"].startswith("blocked: ")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k.txt")


#: A PUT with a JSON Content-Type (not CORS-safelisted: the preflight asks for it), then a GET
#: of a key that does not exist.
HEADERS_SCRIPT = """
const [putUrl, missingUrl, done] = arguments;
(async () => {
  const out = {};
  try {
    const put = await fetch(putUrl, {method: "PUT", body: "{}",
                                     headers: {"Content-Type": "application/json"}});
    out.put = put.status;
  } catch (e) { out.put = "blocked: " + e.message; }
  try {
    const got = await fetch(missingUrl);
    out.missing = got.status;
    out.error = await got.text();
  } catch (e) { out.missing = "blocked: " + e.message; }
  done(out);
})();
"""


def run_header_fetches(browser, s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "j"})
    missing = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "nope"})
    return browser.execute_async_script(HEADERS_SCRIPT, put_url, missing)


def test_requested_headers_must_be_allowed(browser, s3, bucket, page_origin):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [page_origin], "AllowedMethods": ["PUT", "GET"]}]})
    out = run_header_fetches(browser, s3, bucket)
    assert out["put"].startswith("blocked: ")       # content-type is not an AllowedHeader
    assert out["missing"] == 404                    # the error carries the CORS headers
    assert "<Code>NoSuchKey</Code>" in out["error"]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [page_origin], "AllowedMethods": ["PUT", "GET"],
        "AllowedHeaders": ["Content-Type"], "MaxAgeSeconds": 0}]})
    assert run_header_fetches(browser, s3, bucket)["put"] == 200
    assert s3.get_object(Bucket=bucket, Key="j")["ContentType"] == "application/json"
