"""Properties of signature checking, with botocore's signer as the oracle: whatever key name,
header set and query string botocore signs is accepted, the canonical request s3emu reports is
botocore's, and changing any single byte of a signed component is refused."""
from __future__ import annotations

import re
import string
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s3emu
from s3emu.intercept import call_app

# The real clock on both sides: botocore signs with the wall clock outside mock_s3.
EMU = s3emu.Emulator(clock=s3emu.Clock.system())
EMU.store.create_bucket("props", "us-east-1", EMU.default_user.account_id)
AUTH_ERRORS = {"SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId",
               "AuthorizationHeaderMalformed", "AuthorizationQueryParametersError",
               "RequestTimeTooSkewed", "XAmzContentSHA256Mismatch"}
#: headers that frame the request or carry the signature itself
FRAMING = {"host", "authorization", "content-length", "content-encoding", "transfer-encoding",
           "expect", "connection", "date", "x-amz-date", "x-amz-content-sha256",
           "x-amz-decoded-content-length", "x-amz-trailer", "te", "trailer", "upgrade",
           "keep-alive", "proxy-authorization", "proxy-authenticate", "user-agent",
           "x-amzn-trace-id"}
SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

keys = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
header_names = st.from_regex(r"[a-z][a-z0-9-]{0,14}", fullmatch=True)
header_values = st.text(string.ascii_letters + string.digits + " -_.:;,/=+()*\"'", max_size=30) \
    .map(str.strip).filter(bool)
headers = st.dictionaries(
    st.one_of(header_names.map(lambda n: "x-amz-meta-" + n),
              header_names.filter(lambda n: n not in FRAMING)),
    header_values, max_size=5)
query_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
queries = st.lists(st.tuples(query_text.filter(lambda s: s and not s.startswith("X-Amz")),
                             query_text), max_size=4)


class Recording(botocore.auth.S3SigV4Auth):
    """botocore's signer, keeping the canonical request and string to sign it signed."""

    def canonical_request(self, request):
        self.canonical = super().canonical_request(request)
        return self.canonical

    def string_to_sign(self, request, canonical_request):
        self.to_sign = super().string_to_sign(request, canonical_request)
        return self.to_sign


def sign(method, url, body=b"", extra=None, secret="testing", params=None):
    """``(url, headers, signer)`` of a request botocore signed."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(extra or {}),
                         params=params or {})
    signer = Recording(Credentials("testing", secret), "s3", "us-east-1")
    signer.add_auth(request)
    prepared = request.prepare()
    return prepared.url, dict(prepared.headers.items()), signer


def code_of(response) -> str | None:
    found = re.search(rb"<Code>(\w+)</Code>", response.read())   # bodies may echo odd keys
    return found.group(1).decode() if found else None


def url_for(key: str, query: list[tuple[str, str]]) -> str:
    url = "https://s3.amazonaws.com/props/" + quote(key.encode(), safe="/~")
    return url + ("?" + urlencode(query, quote_via=quote) if query else "")


@SETTINGS
@given(key=keys, extra=headers, query=queries)
def test_whatever_botocore_signs_is_accepted(key, extra, query):
    url, sent, _ = sign("GET", url_for(key, query), extra=extra)
    response = call_app(EMU, "GET", url, sent, b"")
    assert code_of(response) not in AUTH_ERRORS


@SETTINGS
@given(key=keys, query=st.dictionaries(query_text.filter(bool), query_text, max_size=3))
def test_form_encoded_parameters_are_accepted(key, query):
    # botocore's params= path encodes the query with '+' for spaces, but signs '%20'
    url, sent, _ = sign("GET", url_for(key, []), params=query)
    response = call_app(EMU, "GET", url, sent, b"")
    assert code_of(response) not in AUTH_ERRORS


@SETTINGS
@given(key=keys, extra=headers, query=queries, body=st.binary(max_size=64))
def test_reported_canonical_request_is_botocores(key, extra, query, body):
    url, sent, signer = sign("PUT", url_for(key, query), body, extra, secret="wrong")
    response = call_app(EMU, "PUT", url, sent, body)
    root = ET.fromstring(response.read())
    assert root.findtext("Code") == "SignatureDoesNotMatch"
    assert root.findtext("CanonicalRequest") == signer.canonical
    assert root.findtext("StringToSign") == signer.to_sign


def _flip(text: str, at: int) -> str:
    old = text[at]
    new = "b" if old != "b" else "c"
    return text[:at] + new + text[at + 1:]


@SETTINGS
@given(key=st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=20),
       meta=st.text(string.ascii_letters + string.digits, min_size=1, max_size=20),
       query=st.text(string.ascii_letters + string.digits, min_size=1, max_size=20),
       part=st.sampled_from(["path", "query", "header", "signature", "date", "method",
                             "body"]),
       data=st.data())
def test_any_single_byte_change_is_rejected(key, meta, query, part, data):
    url = f"https://s3.amazonaws.com/props/{key}?prefix={query}"
    body = b"payload"
    url = url if part != "method" else url.split("?")[0]
    http_url = url.replace("https://", "http://")        # http: the body's SHA-256 is signed
    _, sent, _ = sign("PUT", http_url, body, {"x-amz-meta-m": meta})
    method = "PUT"
    if part == "path":
        at = data.draw(st.integers(len("http://s3.amazonaws.com/props/"),
                                   len(http_url.split("?")[0]) - 1))
        http_url = _flip(http_url, at)
    elif part == "query":
        at = data.draw(st.integers(len(http_url) - len(query), len(http_url) - 1))
        http_url = _flip(http_url, at)
    elif part == "header":
        at = data.draw(st.integers(0, len(meta) - 1))
        sent["x-amz-meta-m"] = _flip(meta, at)
    elif part == "signature":
        value = sent["Authorization"]
        at = data.draw(st.integers(len(value) - 64, len(value) - 1))
        sent["Authorization"] = _flip(value, at)
    elif part == "date":
        value = sent["X-Amz-Date"]                      # ...T<HHMMSS>Z: change a second digit
        digit = str((int(value[14]) + data.draw(st.integers(1, 9))) % 10)
        sent["X-Amz-Date"] = value[:14] + digit + value[15:]   # (still within the 15 minutes)
    elif part == "method":
        method = "DELETE"
    else:
        body = b"paylaod"
    response = call_app(EMU, method, http_url, sent, body)
    assert code_of(response) in AUTH_ERRORS
