"""The dashboard under /_s3emu/ui/ on a live server: its static page and assets (content
types, a restrictive Content-Security-Policy) pass the admin rules but the header's; its JSON
views (buckets, listing, an object and its versions, download) keep every rule of the admin
API. The page itself in a real browser: tests_browser/test_dashboard_browser.py."""
from __future__ import annotations

import pathlib

import boto3
import pytest
import requests

import s3emu
import s3emu.dashboard
from s3emu.dashboard.assets import CONTENT_SECURITY_POLICY, FILES
from helpers import path_client

UI = "/_s3emu/ui/"
HEADER = {"X-S3emu-Admin": "1"}


@pytest.fixture
def live():
    """A live server over a frozen-clock emulator (auth off: botocore signs with real time)."""
    with s3emu.Server(s3emu.Emulator(auth="off")) as srv:
        yield srv


client = path_client


def get(srv, path, *, headers=None, **kwargs):
    return requests.get(f"{srv.endpoint_url}{UI}{path}", headers=headers, timeout=10,
                        allow_redirects=False, **kwargs)


def api(srv, path, **params):
    return get(srv, f"api/{path}", headers=HEADER, params=params)


@pytest.fixture
def seeded(live):
    s3 = client(live)
    s3.create_bucket(Bucket="photos")
    s3.put_bucket_versioning(Bucket="photos", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="photos", Key="2026/cat.txt", Body=b"meow",
                          Metadata={"owner": "ann"}, Tagging="kind=pet")
    second = s3.put_object(Bucket="photos", Key="2026/cat.txt", Body=b"<b>meow</b>",
                           ContentType="text/html")
    s3.put_object(Bucket="photos", Key="readme.md", Body=b"# photos")
    s3.create_bucket(Bucket="empty")
    return live, first["VersionId"], second["VersionId"]


@pytest.mark.parametrize("name, content_type, starts", [
    ("", "text/html; charset=utf-8", b"<!doctype html>"),
    ("app.js", "text/javascript; charset=utf-8", b"// s3emu dashboard"),
    ("style.css", "text/css; charset=utf-8", b":root"),
])
def test_the_page_and_assets_need_no_header_and_are_locked_down(live, name, content_type,
                                                                  starts):
    got = get(live, name)
    assert got.status_code == 200
    assert got.headers["Content-Type"] == content_type
    assert got.content.startswith(starts)
    assert int(got.headers["Content-Length"]) == len(got.content)
    assert got.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["base-uri"] == policy["form-action"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["X-Frame-Options"] == "DENY"
    assert got.headers["Referrer-Policy"] == "no-referrer"
    assert got.headers["Cache-Control"] == "no-store"
    assert not any(h.lower().startswith("access-control-") for h in got.headers)


def test_every_static_file_is_served_and_every_served_file_exists():
    folder = pathlib.Path(s3emu.dashboard.__file__).parent / "static"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)


def test_the_page_has_no_inline_script_or_style(live):
    page = get(live, "").text
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert '<script src="/_s3emu/ui/app.js" defer></script>' in page


def test_head_of_an_asset_and_the_path_without_its_slash(live):
    head = requests.head(f"{live.endpoint_url}{UI}app.js", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(get(live, "app.js").content)
    bare = requests.get(f"{live.endpoint_url}/_s3emu/ui", timeout=10, allow_redirects=False)
    assert bare.status_code == 308 and bare.headers["Location"] == UI


def test_unknown_assets_are_404_and_writes_405(live):
    for name in ("nope.js", "static/app.js", "../admin.py", "index.html/x", "api"):
        got = get(live, name, headers=HEADER)
        assert got.status_code == 404, name
        assert got.headers["Content-Type"] == "application/json"
    got = requests.post(f"{live.endpoint_url}{UI}", timeout=10)
    assert got.status_code == 405 and "only reads" in got.json()["error"]
    got = requests.delete(f"{live.endpoint_url}{UI}api/buckets", headers=HEADER, timeout=10)
    assert got.status_code == 405


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}",
                                  "192.168.1.5:{port}", "localhost.attacker.example"])
def test_a_non_loopback_host_gets_neither_the_page_nor_the_api(seeded, host):
    live = seeded[0]
    host = host.format(port=live.port)
    for path in ("", "app.js", "api/buckets", "api/objects?bucket=photos"):
        got = get(live, path, headers={"Host": host, **HEADER})
        assert got.status_code == 403, path
        assert got.headers["Content-Type"] == "application/json"
        assert "loopback" in got.json()["error"]
        assert "photos" not in got.text


def test_the_api_without_the_header_is_refused_and_reveals_nothing(seeded):
    live = seeded[0]
    for path in ("api/buckets", "api/objects?bucket=photos",
                 "api/object?bucket=photos&key=readme.md",
                 "api/download?bucket=photos&key=readme.md"):
        got = get(live, path)
        assert got.status_code == 403, path
        assert "X-S3emu-Admin" in got.json()["error"]
        assert "photos" not in got.text and "# photos" not in got.text


def test_a_foreign_origin_is_refused_page_and_api(seeded):
    live = seeded[0]
    for path in ("", "api/buckets"):
        got = get(live, path, headers={"Origin": "http://evil.example", **HEADER})
        assert got.status_code == 403 and "cross-origin" in got.json()["error"]


def test_a_token_is_needed_by_the_api_not_by_the_page():
    emu = s3emu.Emulator(admin=s3emu.admin.AdminAccess(token="open-sesame"))
    with s3emu.Server(emu) as srv:
        assert get(srv, "").status_code == 200
        assert api(srv, "buckets").status_code == 403
        got = get(srv, "api/buckets", headers={"X-S3emu-Admin": "open-sesame"})
        assert got.status_code == 200 and got.json() == {"buckets": []}


def test_off_or_exposed_the_page_is_refused_too():
    with s3emu.Server(s3emu.Emulator(), admin=False) as srv:
        got = get(srv, "")
        assert got.status_code == 403 and "turned off" in got.json()["error"]
    with s3emu.Server(s3emu.Emulator(), host="0.0.0.0") as srv:
        got = get(srv, "")
        assert got.status_code == 403 and "non-loopback" in got.json()["error"]


def test_buckets(seeded):
    got = api(seeded[0], "buckets")
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    buckets = got.json()["buckets"]
    assert [(b["name"], b["versioning"], b["objects"], b["region"]) for b in buckets] == [
        ("empty", None, 0, "us-east-1"), ("photos", "Enabled", 2, "us-east-1")]
    assert buckets[0]["created"] == "2025-01-01T00:00:00+00:00"


def test_a_listing_groups_by_prefix(seeded):
    live = seeded[0]
    top = api(live, "objects", bucket="photos").json()
    assert top["prefixes"] == ["2026/"]
    assert [o["key"] for o in top["objects"]] == ["readme.md"]
    assert top["objects"][0]["size"] == 8 and top["truncated"] is False
    inner = api(live, "objects", bucket="photos", prefix="2026/").json()
    assert [(o["key"], o["size"]) for o in inner["objects"]] == [("2026/cat.txt", 11)]
    assert api(live, "objects", bucket="photos", prefix="2026/",
               after="2026/cat.txt").json()["objects"] == []


def test_a_listing_pages_after_a_thousand_keys(live):
    s3 = client(live)
    s3.create_bucket(Bucket="many")
    for i in range(1001):
        s3.put_object(Bucket="many", Key=f"k{i:04d}", Body=b"")
    first = api(live, "objects", bucket="many").json()
    assert len(first["objects"]) == 1000 and first["truncated"] is True
    assert first["next"] == "k0999"
    rest = api(live, "objects", bucket="many", after=first["next"]).json()
    assert [o["key"] for o in rest["objects"]] == ["k1000"] and rest["truncated"] is False


def test_an_object_its_metadata_tags_and_versions(seeded):
    live, first, second = seeded
    got = api(live, "object", bucket="photos", key="2026/cat.txt").json()
    assert (got["version_id"], got["latest"], got["size"]) == (second, True, 11)
    assert got["content"] == {"ContentType": "text/html"}
    assert got["metadata"] == {} and got["tags"] == {}
    assert [(v["version_id"], v["latest"]) for v in got["versions"]] == [
        (second, True), (first, False)]
    older = api(live, "object", bucket="photos", key="2026/cat.txt", version=first).json()
    assert (older["version_id"], older["latest"], older["size"]) == (first, False, 4)
    assert older["metadata"] == {"owner": "ann"} and older["tags"] == {"kind": "pet"}
    assert older["encryption"] == {"algorithm": "AES256", "kms_key": None,
                                   "customer_key": False}
    assert older["downloadable"] is True


def test_a_download_is_an_attachment_never_rendered(seeded):
    live, first, second = seeded
    got = api(live, "download", bucket="photos", key="2026/cat.txt")
    assert got.status_code == 200 and got.content == b"<b>meow</b>"
    assert got.headers["Content-Type"] == "application/octet-stream"   # not the stored text/html
    assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''cat.txt"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"].startswith("sandbox")
    assert got.headers["x-amz-version-id"] == second
    older = api(live, "download", bucket="photos", key="2026/cat.txt", version=first)
    assert older.content == b"meow" and older.headers["x-amz-version-id"] == first
    head = requests.head(f"{live.endpoint_url}{UI}api/download", headers=HEADER, timeout=10,
                         params={"bucket": "photos", "key": "readme.md"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == "8"


def test_a_download_is_not_journaled(seeded):
    live = seeded[0]
    before = len(live.emulator.journal)
    api(live, "download", bucket="photos", key="readme.md")
    assert len(live.emulator.journal) == before


def test_what_cannot_be_downloaded(live):
    s3 = client(live)
    s3.create_bucket(Bucket="ver")
    s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="ver", Key="gone", Body=b"x")
    s3.delete_object(Bucket="ver", Key="gone")
    s3.put_object(Bucket="ver", Key="cold", Body=b"x", StorageClass="GLACIER")
    marker = api(live, "download", bucket="ver", key="gone")
    assert marker.status_code == 404 and "delete marker" in marker.json()["error"]
    assert api(live, "object", bucket="ver", key="gone").json()["delete_marker"] is True
    cold = api(live, "download", bucket="ver", key="cold")
    assert cold.status_code == 403 and "RestoreObject" in cold.json()["error"]
    assert api(live, "object", bucket="ver", key="cold").json()["downloadable"] is False


def test_an_sse_c_object_is_not_handed_out():
    with s3emu.Server(s3emu.Emulator(auth="off", block_sse_c=False), tls=True) as srv:
        s3 = boto3.client("s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          verify=srv.ca_path)
        s3.create_bucket(Bucket="secret")
        s3.put_object(Bucket="secret", Key="k", Body=b"hidden", SSECustomerAlgorithm="AES256",
                      SSECustomerKey="k" * 32)
        base = f"{srv.endpoint_url}{UI}api/"
        got = requests.get(base + "download", params={"bucket": "secret", "key": "k"},
                           headers=HEADER, verify=srv.ca_path, timeout=10)
        assert got.status_code == 403 and "SSE-C" in got.json()["error"]
        assert b"hidden" not in got.content
        detail = requests.get(base + "object", params={"bucket": "secret", "key": "k"},
                              headers=HEADER, verify=srv.ca_path, timeout=10).json()
        assert detail["encryption"]["customer_key"] is True and not detail["downloadable"]


@pytest.mark.parametrize("path, params, status, words", [
    ("objects", {}, 400, "name the bucket"),
    ("objects", {"bucket": "nope"}, 404, "no bucket"),
    ("object", {"bucket": "photos"}, 400, "name the object"),
    ("object", {"bucket": "photos", "key": "missing"}, 404, "no object"),
    ("object", {"bucket": "photos", "key": "readme.md", "version": "zzz"}, 404, "no version"),
    ("download", {"bucket": "photos", "key": "missing"}, 404, "no object"),
    ("objects", {"bucket": "photos", "delimiter": ","}, 400, "unknown parameter"),
    ("buckets", {"x": "1"}, 400, "unknown parameter"),
    ("nothing", {}, 404, "no dashboard view"),
])
def test_bad_api_requests_are_json_errors(seeded, path, params, status, words):
    got = api(seeded[0], path, **params)
    assert got.status_code == status
    assert got.headers["Content-Type"] == "application/json"
    assert words in got.json()["error"]


def test_a_repeated_parameter_is_400(seeded):
    got = get(seeded[0], "api/objects?bucket=photos&bucket=empty", headers=HEADER)
    assert got.status_code == 400 and "twice" in got.json()["error"]


def test_the_admin_index_names_the_dashboard(live):
    got = requests.get(f"{live.endpoint_url}/_s3emu/", headers=HEADER, timeout=10)
    assert "GET /_s3emu/ui/" in got.json()["endpoints"]
