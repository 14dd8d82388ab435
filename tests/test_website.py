"""Static website hosting: Put/Get/DeleteBucketWebsite through boto3 (each of S3's validation
rules), and the website endpoint through ``requests``: in-process at
``http://BUCKET.s3-website-REGION.amazonaws.com`` and ``http://BUCKET.s3-website.REGION.amazonaws.com``
(index documents, folders, error documents, redirects, routing rules, object redirects, S3's
HTML error pages, anonymous access under the bucket policy and Block Public Access,
conditional and Range requests), and on ``s3emu serve`` with ``BUCKET.s3-website.localhost``.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import CHILD_CWD, aws_cli, child_env, error_of

SITE = "site"
URL = f"http://{SITE}.s3-website-us-east-1.amazonaws.com"
HTML = "text/html; charset=utf-8"


# -- helpers --------------------------------------------------------------------------------------

def public_read(s3, bucket: str, *, list_bucket: bool = True) -> None:
    """Make ``bucket`` readable by anyone: no public access block, a public-read policy (with
    s3:ListBucket, so that a missing key is 404 rather than 403)."""
    s3.delete_public_access_block(Bucket=bucket)
    statements = [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{bucket}/*"}]
    if list_bucket:
        statements.append({"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket",
                           "Resource": f"arn:aws:s3:::{bucket}"})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


def configure(s3, bucket: str = SITE, **config) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)


def page(html: bool = True, **config):
    """Keyword arguments of a configuration with index.html (and error.html)."""
    base = {"IndexDocument": {"Suffix": "index.html"}}
    if html:
        base["ErrorDocument"] = {"Key": "error.html"}
    return {**base, **config}


def items(text: str) -> dict[str, str]:
    """The ``<li>Name: value</li>`` items of the first list of an S3 HTML error page."""
    first = text.split("</ul>")[0]
    return dict(re.findall(r"<li>([A-Za-z]+): (.*?)</li>", first))


def raw_put(s3, bucket: str, body: bytes):
    """PutBucketWebsite with ``body`` sent as it is."""
    def swap(request, **kwargs):
        request.data = body
        for name in [h for h in request.headers
                     if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register("before-sign.s3.PutBucketWebsite", swap)
    try:
        with pytest.raises(ClientError) as exc:
            configure(s3, bucket, **page())
        return error_of(exc), exc.value.response["Error"]["Message"]
    finally:
        s3.meta.events.unregister("before-sign.s3.PutBucketWebsite", swap)


@pytest.fixture
def site(s3):
    """A public bucket ``site`` with index.html and error.html documents."""
    s3.create_bucket(Bucket=SITE)
    public_read(s3, SITE)
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"<p>home</p>", ContentType="text/html")
    s3.put_object(Bucket=SITE, Key="error.html", Body=b"<p>oops</p>", ContentType="text/html")
    configure(s3, **page())
    return SITE


def get(path: str, url: str = URL, **kwargs) -> requests.Response:
    kwargs.setdefault("allow_redirects", False)
    return requests.get(url + path, timeout=10, **kwargs)


# -- configuration --------------------------------------------------------------------------------

def test_get_without_configuration_is_no_such_website_configuration(s3, bucket):
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_website(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchWebsiteConfiguration")
    assert exc.value.response["Error"]["Message"] == \
        "The specified bucket does not have a website configuration"
    assert exc.value.response["Error"]["BucketName"] == bucket


def test_configuration_round_trips_and_deletes(s3, bucket):
    rules = [
        {"Condition": {"KeyPrefixEquals": "docs/"},
         "Redirect": {"ReplaceKeyPrefixWith": "documents/"}},
        {"Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "img/"},
         "Redirect": {"HostName": "example.com", "Protocol": "https",
                      "ReplaceKeyWith": "missing.png", "HttpRedirectCode": "307"}},
        {"Redirect": {"HostName": "example.org"}},
    ]
    answer = s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "err/404.html"},
        "RoutingRules": rules})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert got["ErrorDocument"] == {"Key": "err/404.html"}
    assert got["RoutingRules"] == rules
    assert "RedirectAllRequestsTo" not in got
    deleted = s3.delete_bucket_website(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_website(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchWebsiteConfiguration")
    again = s3.delete_bucket_website(Bucket=bucket)          # nothing to delete: still 204
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_redirect_all_requests_round_trips(s3, bucket):
    configure(s3, bucket, RedirectAllRequestsTo={"HostName": "example.com", "Protocol": "https"})
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["RedirectAllRequestsTo"] == {"HostName": "example.com", "Protocol": "https"}
    assert "IndexDocument" not in got and "RoutingRules" not in got


def test_a_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as exc:
        configure(s3, "nowhere", **page())
    assert error_of(exc) == (404, "NoSuchBucket")


@pytest.mark.parametrize("config, code, message", [
    ({"ErrorDocument": {"Key": "e.html"}}, "InvalidArgument",
     "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"),
    ({"IndexDocument": {"Suffix": "a/index.html"}}, "InvalidArgument",
     "The IndexDocument Suffix is not well formed"),
    ({"IndexDocument": {"Suffix": ""}}, "InvalidArgument",
     "The IndexDocument Suffix is not well formed"),
    ({"IndexDocument": {"Suffix": "index.html"},
      "RedirectAllRequestsTo": {"HostName": "example.com"}}, "InvalidArgument",
     "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."),
    ({"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "ftp"}},
     "InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined the "
     "protocol will be selected automatically."),
    (page(RoutingRules=[{"Redirect": {"Protocol": "gopher"}}]), "InvalidRequest",
     "Invalid protocol, protocol can be http or https. If not defined the protocol will be "
     "selected automatically."),
    (page(RoutingRules=[{"Redirect": {"ReplaceKeyWith": "a", "ReplaceKeyPrefixWith": "b"}}]),
     "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both."),
    (page(RoutingRules=[{"Condition": {"HttpErrorCodeReturnedEquals": "302"},
                         "Redirect": {"HostName": "example.com"}}]),
     "InvalidRequest", "The provided HTTP error code (302) is not valid. Valid codes are 4XX "
     "or 5XX."),
    (page(RoutingRules=[{"Condition": {"HttpErrorCodeReturnedEquals": "600"},
                         "Redirect": {"HostName": "example.com"}}]),
     "InvalidRequest", "The provided HTTP error code (600) is not valid. Valid codes are 4XX "
     "or 5XX."),
    (page(RoutingRules=[{"Redirect": {"HttpRedirectCode": "300"}}]), "InvalidRequest",
     "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300."),
    (page(RoutingRules=[{"Redirect": {"HttpRedirectCode": "200"}}]), "InvalidRequest",
     "The provided HTTP redirect code (200) is not valid. Valid codes are 3XX except 300."),
    (page(RoutingRules=[{"Condition": {}, "Redirect": {"HostName": "example.com"}}]),
     "InvalidRequest", "Condition cannot be empty. To redirect all requests without a "
     "condition, the condition element shouldn't be present."),
    (page(RoutingRules=[{"Redirect": {"HostName": "example.com"}}] * 51), "InvalidRequest",
     "51 routing rules provided, the number of routing rules in a website configuration is "
     "limited to 50."),
])
def test_validation_errors_are_s3s(s3, bucket, config, code, message):
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=page())
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    assert error_of(exc) == (400, code)
    assert exc.value.response["Error"]["Message"] == message
    assert s3.get_bucket_website(Bucket=bucket)["ErrorDocument"] == {"Key": "error.html"}


def test_invalid_arguments_name_the_argument(s3, bucket):
    with pytest.raises(ClientError) as exc:
        configure(s3, bucket, IndexDocument={"Suffix": "a/b.html"})
    error = exc.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("IndexDocument", "a/b.html")
    with pytest.raises(ClientError) as exc:
        configure(s3, bucket, ErrorDocument={"Key": "e.html"})
    error = exc.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("IndexDocument", "null")
    with pytest.raises(ClientError) as exc:
        configure(s3, bucket, IndexDocument={"Suffix": "i"},
                  RedirectAllRequestsTo={"HostName": "h"})
    error = exc.value.response["Error"]
    assert (error["ArgumentName"], error["ArgumentValue"]) == ("RedirectAllRequestsTo",
                                                                "not null")


def test_fifty_routing_rules_and_every_redirect_code_but_300_are_accepted(s3, bucket):
    configure(s3, bucket, **page(RoutingRules=[{"Redirect": {"HostName": "example.com"}}] * 50))
    assert len(s3.get_bucket_website(Bucket=bucket)["RoutingRules"]) == 50
    for code in ("301", "302", "307", "399"):
        configure(s3, bucket, **page(RoutingRules=[{"Redirect": {"HttpRedirectCode": code}}]))
    for code in ("400", "404", "500", "599"):
        configure(s3, bucket, **page(RoutingRules=[{
            "Condition": {"HttpErrorCodeReturnedEquals": code},
            "Redirect": {"HostName": "example.com"}}]))


@pytest.mark.parametrize("body", [
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix>",          # not well-formed
    b"<NotWebsite><IndexDocument><Suffix>i</Suffix></IndexDocument></NotWebsite>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
    b"<Extra>1</Extra></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
    b"<IndexDocument><Suffix>j</Suffix></IndexDocument></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument>i</IndexDocument></WebsiteConfiguration>",
    b"<WebsiteConfiguration><RedirectAllRequestsTo><Protocol>http</Protocol>"
    b"</RedirectAllRequestsTo></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
    b"<ErrorDocument></ErrorDocument></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
    b"<ErrorDocument><Key></Key></ErrorDocument></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
    b"<RoutingRules></RoutingRules></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules>"
    b"<RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition></RoutingRule>"
    b"</RoutingRules></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules>"
    b"<RoutingRule><Redirect></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules>"
    b"<RoutingRule><Redirect><HttpRedirectCode>abc</HttpRedirectCode></Redirect>"
    b"</RoutingRule></RoutingRules></WebsiteConfiguration>",
    b"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules>"
    b"<RoutingRule><Condition><HttpErrorCodeReturnedEquals>4O4</HttpErrorCodeReturnedEquals>"
    b"</Condition><Redirect><HostName>h</HostName></Redirect></RoutingRule></RoutingRules>"
    b"</WebsiteConfiguration>",
])
def test_documents_off_the_schema_are_malformed_xml(s3, bucket, body):
    assert raw_put(s3, bucket, body)[0] == (400, "MalformedXML")
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_website(Bucket=bucket)
    assert error_of(exc) == (404, "NoSuchWebsiteConfiguration")


# -- the website endpoint: refusals and S3's HTML pages ----------------------------------------

def test_a_default_bucket_is_forbidden_with_s3s_page(s3):
    """Block Public Access on, no policy: the anonymous read is refused as on the REST
    endpoint."""
    s3.create_bucket(Bucket=SITE)
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"home")
    configure(s3, **page())
    got = get("/")
    assert got.status_code == 403
    assert got.headers["Content-Type"] == HTML
    assert got.headers["Server"] == "AmazonS3"
    text = got.text
    assert text.startswith("<html>\n<head><title>403 Forbidden</title></head>\n<body>\n"
                           "<h1>403 Forbidden</h1>\n<ul>\n<li>Code: AccessDenied</li>\n"
                           "<li>Message: Access Denied</li>\n")
    assert items(text)["RequestId"] == got.headers["x-amz-request-id"]
    assert items(text)["HostId"] == got.headers["x-amz-id-2"]
    assert text.endswith("</ul>\n<hr/>\n</body>\n</html>\n")
    # the REST endpoint refuses the same anonymous read the same way
    assert requests.get(f"https://{SITE}.s3.amazonaws.com/index.html",
                        timeout=10).status_code == 403


def test_restrict_public_buckets_refuses_the_public_policy(s3):
    s3.create_bucket(Bucket=SITE)
    s3.delete_public_access_block(Bucket=SITE)
    public_read(s3, SITE)
    s3.put_public_access_block(Bucket=SITE, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True})
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"home")
    configure(s3, **page(html=False))
    assert get("/").status_code == 403


def test_public_read_acls_are_honoured_where_acls_are_enabled(s3):
    s3.create_bucket(Bucket=SITE, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=SITE)
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"acl home", ACL="public-read")
    s3.put_object(Bucket=SITE, Key="private.html", Body=b"mine")
    configure(s3, **page(html=False))
    assert (get("/").status_code, get("/").text) == (200, "acl home")
    assert get("/private.html").status_code == 403
    s3.put_public_access_block(Bucket=SITE, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    assert get("/").status_code == 403                  # IgnorePublicAcls


def test_a_policy_deny_is_applied(s3, site):
    policy = json.loads(s3.get_bucket_policy(Bucket=site)["Policy"])
    policy["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{site}/private/*"})
    s3.put_bucket_policy(Bucket=site, Policy=json.dumps(policy))
    s3.put_object(Bucket=site, Key="private/a.html", Body=b"secret")
    got = get("/private/a.html")
    assert got.status_code == 403
    assert got.text == s3.get_object(Bucket=site, Key="error.html")["Body"].read().decode()


def test_a_requester_pays_bucket_refuses_the_anonymous_website_reader(s3):
    """Requester Pays buckets take no anonymous request, and the website endpoint's are."""
    s3.create_bucket(Bucket=SITE)
    public_read(s3, SITE)
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"home", ContentType="text/html")
    configure(s3, **page(html=False))
    assert get("/").status_code == 200
    s3.put_bucket_request_payment(Bucket=SITE,
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    got = get("/")
    assert got.status_code == 403
    assert got.headers["x-amz-error-code"] == "AccessDenied"
    assert items(got.text)["Code"] == "AccessDenied"


def test_a_referer_condition_is_evaluated(s3):
    s3.create_bucket(Bucket=SITE)
    s3.delete_public_access_block(Bucket=SITE)
    s3.put_bucket_policy(Bucket=SITE, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{SITE}/*",
         "Condition": {"StringLike": {"aws:Referer": "http://www.example.com/*"}}}]}))
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"home")
    configure(s3, **page(html=False))
    assert get("/").status_code == 403
    assert get("/", headers={"Referer": "http://www.example.com/a"}).status_code == 200


def test_a_missing_bucket_is_no_such_bucket_page(emu):
    got = get("/", url="http://nowhere.s3-website-us-east-1.amazonaws.com")
    assert got.status_code == 404
    assert items(got.text) | {"RequestId": "", "HostId": ""} == {
        "Code": "NoSuchBucket", "Message": "The specified bucket does not exist",
        "BucketName": "nowhere", "RequestId": "", "HostId": ""}


def test_a_bucket_without_configuration_is_no_such_website_configuration_page(s3, bucket):
    got = get("/", url=f"http://{bucket}.s3-website-us-east-1.amazonaws.com")
    assert got.status_code == 404
    assert got.headers["Content-Type"] == HTML
    shown = items(got.text)
    assert (shown["Code"], shown["Message"], shown["BucketName"]) == (
        "NoSuchWebsiteConfiguration",
        "The specified bucket does not have a website configuration", bucket)


def test_only_get_and_head_are_served(site):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        got = requests.request(method, URL + "/index.html", timeout=10)
        assert got.status_code == 405, method
        shown = items(got.text)
        assert (shown["Code"], shown["Method"], shown["ResourceType"]) == (
            "MethodNotAllowed", method, "OBJECT")
        assert shown["Message"] == "The specified method is not allowed against this resource."
    assert requests.head(URL + "/index.html", timeout=10).status_code == 200


def test_the_endpoint_of_another_region_is_incorrect_endpoint(s3, site):
    got = get("/", url=f"http://{site}.s3-website.eu-west-1.amazonaws.com")
    assert got.status_code == 400
    assert "<title>400 Bad Request</title>" in got.text
    shown = items(got.text)
    assert shown["Code"] == "IncorrectEndpoint"
    assert shown["Endpoint"] == f"{site}.s3-website-us-east-1.amazonaws.com"


def test_the_bare_endpoint_redirects_to_s3s_home(emu):
    got = get("/", url="http://s3-website-us-east-1.amazonaws.com")
    assert (got.status_code, got.headers["Location"]) == (301, "https://aws.amazon.com/s3/")


def test_there_is_no_website_endpoint_over_https(emu, site):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"https://{site}.s3-website-us-east-1.amazonaws.com/", timeout=10)
    assert get("/").status_code == 200


def test_a_signature_is_not_needed_nor_looked_at(s3, site):
    got = get("/", headers={"Authorization": "AWS4-HMAC-SHA256 Credential=nobody/garbage"})
    assert (got.status_code, got.text) == (200, "<p>home</p>")


# -- index documents, folders, objects ------------------------------------------------------------

def test_the_root_serves_the_index_document(site):
    got = get("/")
    assert (got.status_code, got.text) == (200, "<p>home</p>")
    assert got.headers["Content-Type"] == "text/html"
    assert got.headers["ETag"] and got.headers["Last-Modified"]
    assert get("").text == "<p>home</p>"


def test_the_dot_region_form_serves_a_bucket_of_that_region(s3):
    s3.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    public_read(s3, "euro")
    s3.put_object(Bucket="euro", Key="index.html", Body=b"bonjour")
    configure(s3, "euro", **page(html=False))
    got = get("/", url="http://euro.s3-website.eu-west-1.amazonaws.com")
    assert (got.status_code, got.text) == (200, "bonjour")
    assert get("/", url="http://euro.s3-website-eu-west-1.amazonaws.com").text == "bonjour"
    wrong = get("/", url="http://euro.s3-website-us-east-1.amazonaws.com")
    assert wrong.status_code == 400
    assert items(wrong.text)["Endpoint"] == "euro.s3-website-eu-west-1.amazonaws.com"


def test_folders_serve_their_index_and_redirect_without_the_slash(s3, site):
    s3.put_object(Bucket=site, Key="photos/index.html", Body=b"photos")
    assert get("/photos/").text == "photos"
    got = get("/photos")
    assert (got.status_code, got.headers["Location"]) == (302, "/photos/")
    assert get("/photos", allow_redirects=True).text == "photos"


def test_an_object_named_like_the_folder_wins(s3, site):
    s3.put_object(Bucket=site, Key="photos/index.html", Body=b"photos")
    s3.put_object(Bucket=site, Key="photos", Body=b"a file")
    assert (get("/photos").status_code, get("/photos").text) == (200, "a file")


def test_objects_are_served_with_their_headers(s3, site):
    s3.put_object(Bucket=site, Key="docs/a b.txt", Body=b"text", ContentType="text/plain",
                  CacheControl="max-age=60", Metadata={"team": "web"})
    got = get("/docs/a%20b.txt")
    assert (got.status_code, got.text) == (200, "text")
    assert got.headers["Content-Type"] == "text/plain"
    assert got.headers["Cache-Control"] == "max-age=60"
    assert got.headers["x-amz-meta-team"] == "web"
    head = requests.head(URL + "/docs/a%20b.txt", timeout=10)
    assert (head.status_code, head.headers["Content-Length"], head.content) == (200, "4", b"")


def test_conditional_and_range_requests_work_as_on_get_object(s3, site):
    etag = s3.head_object(Bucket=site, Key="index.html")["ETag"]
    assert get("/", headers={"If-None-Match": etag}).status_code == 304
    assert get("/", headers={"If-None-Match": '"other"'}).status_code == 200
    failed = get("/", headers={"If-Match": '"other"'})
    assert failed.status_code == 412
    assert failed.text == "<p>oops</p>"               # a 4xx: the error document
    part = get("/index.html", headers={"Range": "bytes=3-6"})
    assert (part.status_code, part.text) == (206, "home")
    assert part.headers["Content-Range"] == "bytes 3-6/11"


# -- errors ---------------------------------------------------------------------------------------

def test_a_missing_key_returns_the_error_document_with_404(site):
    got = get("/nope.html")
    assert (got.status_code, got.text) == (404, "<p>oops</p>")
    assert got.headers["Content-Type"] == "text/html"
    assert (got.headers["x-amz-error-code"], got.headers["x-amz-error-message"],
            got.headers["x-amz-error-detail-Key"]) == (
        "NoSuchKey", "The specified key does not exist.", "nope.html")
    head = requests.head(URL + "/nope.html", timeout=10)
    assert (head.status_code, head.content) == (404, b"")
    assert head.headers["x-amz-error-code"] == "NoSuchKey"


def test_without_list_bucket_a_missing_key_is_403_as_on_rest(s3):
    s3.create_bucket(Bucket=SITE)
    public_read(s3, SITE, list_bucket=False)
    configure(s3, **page(html=False))
    got = get("/nope.html")
    assert got.status_code == 403
    assert items(got.text)["Code"] == "AccessDenied"


def test_without_an_error_document_s3s_page_names_the_key(s3, site):
    configure(s3, **page(html=False))
    got = get("/missing/")
    assert got.status_code == 404
    assert got.headers["Content-Type"] == HTML
    assert got.text.startswith("<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
                               "<h1>404 Not Found</h1>\n<ul>\n<li>Code: NoSuchKey</li>\n"
                               "<li>Message: The specified key does not exist.</li>\n"
                               "<li>Key: missing/index.html</li>\n<li>RequestId: ")
    assert "<h3>" not in got.text
    assert got.headers["x-amz-error-detail-Key"] == "missing/index.html"


def test_a_missing_error_document_is_reported_on_the_page(s3, site):
    s3.delete_object(Bucket=site, Key="error.html")
    got = get("/nope")
    assert got.status_code == 404
    assert items(got.text)["Key"] == "nope"
    tail = got.text.split("</ul>\n", 1)[1]
    assert tail == ("<h3>An Error Occurred While Attempting to Retrieve a Custom Error "
                    "Document</h3>\n<ul>\n<li>Code: NoSuchKey</li>\n<li>Message: The specified "
                    "key does not exist.</li>\n<li>Key: error.html</li>\n</ul>\n<hr/>\n"
                    "</body>\n</html>\n")


# -- redirects ------------------------------------------------------------------------------------

def test_redirect_all_requests_keeps_the_path(s3, bucket):
    configure(s3, bucket, RedirectAllRequestsTo={"HostName": "example.com", "Protocol": "https"})
    got = get("/a/b.html", url=f"http://{bucket}.s3-website-us-east-1.amazonaws.com")
    assert (got.status_code, got.headers["Location"]) == (301, "https://example.com/a/b.html")
    configure(s3, bucket, RedirectAllRequestsTo={"HostName": "example.org"})
    got = get("/", url=f"http://{bucket}.s3-website-us-east-1.amazonaws.com")
    assert got.headers["Location"] == "http://example.org/"


def test_routing_rules_redirect_by_prefix(s3, site):
    configure(s3, **page(RoutingRules=[
        {"Condition": {"KeyPrefixEquals": "docs/"},
         "Redirect": {"ReplaceKeyPrefixWith": "documents/"}},
        {"Condition": {"KeyPrefixEquals": "images/"},
         "Redirect": {"ReplaceKeyWith": "folderdeleted.html", "HttpRedirectCode": "302"}},
        {"Condition": {"KeyPrefixEquals": "away/"},
         "Redirect": {"HostName": "example.com", "Protocol": "https"}}]))
    got = get("/docs/article1.html")
    assert (got.status_code, got.headers["Location"]) == (
        301, f"http://{site}.s3-website-us-east-1.amazonaws.com/documents/article1.html")
    got = get("/images/a.png")
    assert (got.status_code, got.headers["Location"]) == (
        302, f"http://{site}.s3-website-us-east-1.amazonaws.com/folderdeleted.html")
    got = get("/away/x")
    assert got.headers["Location"] == "https://example.com/away/x"
    assert get("/").text == "<p>home</p>"              # no rule applies


def test_routing_rules_on_an_error_code(s3, site):
    configure(s3, **page(RoutingRules=[
        {"Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "old/"},
         "Redirect": {"HostName": "ec2.example.com", "ReplaceKeyPrefixWith": "report-404/"}},
        {"Condition": {"HttpErrorCodeReturnedEquals": "403"},
         "Redirect": {"HostName": "login.example.com"}}]))
    s3.put_object(Bucket=site, Key="old/here.html", Body=b"still here")
    assert get("/old/here.html").text == "still here"   # no error: no redirect
    got = get("/old/gone.html")
    assert (got.status_code, got.headers["Location"]) == (
        301, "http://ec2.example.com/report-404/gone.html")
    assert get("/new/gone.html").status_code == 404     # the prefix does not match
    policy = json.loads(s3.get_bucket_policy(Bucket=site)["Policy"])
    policy["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{site}/private/*"})
    s3.put_bucket_policy(Bucket=site, Policy=json.dumps(policy))
    got = get("/private/a")
    assert (got.status_code, got.headers["Location"]) == (301, "http://login.example.com/private/a")


def test_empty_key_elements_are_kept_and_applied(s3, site):
    rules = [{"Condition": {"KeyPrefixEquals": ""}, "Redirect": {"ReplaceKeyWith": ""}}]
    configure(s3, **page(RoutingRules=rules))
    assert s3.get_bucket_website(Bucket=site)["RoutingRules"] == rules
    got = get("/any/page.html")
    assert (got.status_code, got.headers["Location"]) == (
        301, f"http://{site}.s3-website-us-east-1.amazonaws.com/")


def test_a_rule_without_condition_redirects_everything(s3, site):
    configure(s3, **page(RoutingRules=[{"Redirect": {"HostName": "example.net",
                                                     "HttpRedirectCode": "307"}}]))
    got = get("/index.html")
    assert (got.status_code, got.headers["Location"]) == (307, "http://example.net/index.html")


def test_an_objects_website_redirect_location_is_a_301(s3, site):
    s3.put_object(Bucket=site, Key="page1.html", Body=b"", WebsiteRedirectLocation="/page2.html")
    s3.put_object(Bucket=site, Key="out.html", Body=b"x",
                  WebsiteRedirectLocation="http://www.example.com/")
    got = get("/page1.html")
    assert (got.status_code, got.headers["Location"], got.content) == (301, "/page2.html", b"")
    assert get("/out.html").headers["Location"] == "http://www.example.com/"
    head = requests.head(URL + "/page1.html", timeout=10, allow_redirects=False)
    assert (head.status_code, head.headers["Location"]) == (301, "/page2.html")
    # the REST endpoint returns the object itself
    rest = s3.get_object(Bucket=site, Key="out.html")
    assert (rest["Body"].read(), rest["WebsiteRedirectLocation"]) == (b"x",
                                                                      "http://www.example.com/")


def test_the_website_follows_configuration_changes(s3, site):
    assert get("/").status_code == 200
    s3.delete_bucket_website(Bucket=site)
    assert items(get("/").text)["Code"] == "NoSuchWebsiteConfiguration"


def test_website_requests_are_journaled(emu, site):
    get("/")
    entry = emu.journal[-1]
    assert (entry.operation, entry.bucket, entry.key, entry.status) == (
        "GetObject", site, None, 200)
    requests.head(URL + "/gone", timeout=10)
    entry = emu.journal[-1]
    assert (entry.operation, entry.key, entry.status, entry.error_code) == (
        "HeadObject", "gone", 404, "NoSuchKey")


# -- the AWS CLI and the live server --------------------------------------------------------------

def aws(server, *args: str) -> str:
    """``aws --endpoint-url <server> ARGS``: its stdout (the test fails on exit != 0)."""
    done = aws_cli(server, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_aws_cli_configures_a_website(server):
    aws(server, "s3", "mb", "s3://cli-site")
    aws(server, "s3", "website", "s3://cli-site/", "--index-document", "index.html",
        "--error-document", "error.html")
    shown = json.loads(aws(server, "s3api", "get-bucket-website", "--bucket", "cli-site"))
    assert (shown["IndexDocument"], shown["ErrorDocument"]) == (
        {"Suffix": "index.html"}, {"Key": "error.html"})
    aws(server, "s3api", "put-bucket-website", "--bucket", "cli-site",
        "--website-configuration", json.dumps({"RedirectAllRequestsTo": {
            "HostName": "example.com"}}))
    shown = json.loads(aws(server, "s3api", "get-bucket-website", "--bucket", "cli-site"))
    assert shown["RedirectAllRequestsTo"] == {"HostName": "example.com"}
    aws(server, "s3api", "delete-bucket-website", "--bucket", "cli-site")
    assert server.emulator.store.bucket("cli-site").settings.website is None


# -- the live server ------------------------------------------------------------------------------

def test_served_by_s3emu_serve_on_the_localhost_website_host():
    proc = subprocess.Popen(
        [sys.executable, "-m", "s3emu", "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=CHILD_CWD,
        env=child_env())
    try:
        endpoint = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline()).group(0)
        port = endpoint.rsplit(":", 1)[1]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket=SITE)
        public_read(s3, SITE)
        s3.put_object(Bucket=SITE, Key="index.html", Body=b"live home",
                      ContentType="text/html")
        s3.put_object(Bucket=SITE, Key="docs/index.html", Body=b"live docs")
        configure(s3, **page())
        host = {"Host": f"{SITE}.s3-website.localhost:{port}"}
        got = requests.get(f"{endpoint}/", headers=host, timeout=10)
        assert (got.status_code, got.text) == (200, "live home")
        got = requests.get(f"{endpoint}/docs", headers=host, timeout=10,
                           allow_redirects=False)
        assert (got.status_code, got.headers["Location"]) == (302, "/docs/")
        got = requests.get(f"{endpoint}/nope", headers=host, timeout=10)
        assert got.status_code == 404
        assert "<li>Code: NoSuchKey</li>" in got.text           # no error.html uploaded
        # the AWS host forms work too when sent as the Host header
        got = requests.get(f"{endpoint}/", timeout=10, headers={
            "Host": f"{SITE}.s3-website-us-east-1.amazonaws.com"})
        assert got.text == "live home"
        # and the REST endpoint is unchanged
        assert s3.get_object(Bucket=SITE, Key="index.html")["Body"].read() == b"live home"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err


@pytest.mark.parametrize("write", ["put", "copy", "copy-replace", "multipart"])
def test_a_redirect_location_must_be_a_path_or_an_http_url(s3, bucket, write):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    calls = {
        "put": lambda location: s3.put_object(Bucket=bucket, Key="k", Body=b"",
                                              WebsiteRedirectLocation=location),
        "copy": lambda location: s3.copy_object(
            Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"},
            WebsiteRedirectLocation=location),
        "copy-replace": lambda location: s3.copy_object(
            Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"},
            MetadataDirective="REPLACE", WebsiteRedirectLocation=location),
        "multipart": lambda location: s3.create_multipart_upload(
            Bucket=bucket, Key="k", WebsiteRedirectLocation=location),
    }
    for bad in ("page2.html", "ftp://example.com/", "www.example.com"):
        with pytest.raises(ClientError) as exc:
            calls[write](bad)
        assert error_of(exc) == (400, "InvalidRedirectLocation")
        assert exc.value.response["Error"]["Message"] == (
            "The website redirect location must have a prefix of 'http://' or 'https://' "
            "or '/'.")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["src"]
    for good in ("/page2.html", "http://example.com/", "https://example.com/a"):
        calls[write](good)
