"""Analytics, inventory, metrics and Intelligent-Tiering configurations: Put/Get/Delete/List
per Id, S3's validation of each document, the 1,000-per-bucket limit, List pagination."""
from __future__ import annotations

import copy
from types import MappingProxyType

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from helpers import error_of, make_client

DEST = "arn:aws:s3:::report-bucket"
ANALYTICS = {"Id": "a1", "StorageClassAnalysis": {"DataExport": {
    "OutputSchemaVersion": "V_1", "Destination": {"S3BucketDestination": {
        "Format": "CSV", "BucketAccountId": "123456789012", "Bucket": DEST,
        "Prefix": "analysis/"}}}}}
INVENTORY = {"Id": "i1", "IsEnabled": True, "IncludedObjectVersions": "Current",
             "Schedule": {"Frequency": "Weekly"}, "Filter": {"Prefix": "logs/"},
             "OptionalFields": ["Size", "ETag", "StorageClass"],
             "Destination": {"S3BucketDestination": {
                 "AccountId": "123456789012", "Bucket": DEST, "Format": "CSV",
                 "Prefix": "inventory", "Encryption": {"SSEKMS": {"KeyId": "arn:aws:kms:k"}}}}}
METRICS = {"Id": "m1", "Filter": {"Prefix": "images/"}}
TIERING = {"Id": "t1", "Status": "Enabled", "Filter": {"Tag": {"Key": "tier", "Value": "cold"}},
           "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
                        {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}

#: kind -> (Put/Get/Delete/List method names' middle, the document's parameter name, example)
KINDS = {
    "analytics": ("analytics", "AnalyticsConfiguration", ANALYTICS),
    "inventory": ("inventory", "InventoryConfiguration", INVENTORY),
    "metrics": ("metrics", "MetricsConfiguration", METRICS),
    "intelligent_tiering": ("intelligent_tiering", "IntelligentTieringConfiguration", TIERING),
}
LIST_KEY = {"analytics": "AnalyticsConfigurationList",
            "inventory": "InventoryConfigurationList",
            "metrics": "MetricsConfigurationList",
            "intelligent_tiering": "IntelligentTieringConfigurationList"}


def put(s3, bucket, kind, document, config_id=None):
    middle, param, _ = KINDS[kind]
    return getattr(s3, f"put_bucket_{middle}_configuration")(
        Bucket=bucket, Id=config_id or document["Id"], **{param: document})


def get(s3, bucket, kind, config_id):
    middle, param, _ = KINDS[kind]
    return getattr(s3, f"get_bucket_{middle}_configuration")(Bucket=bucket, Id=config_id)[param]


def delete(s3, bucket, kind, config_id):
    middle, _, _ = KINDS[kind]
    return getattr(s3, f"delete_bucket_{middle}_configuration")(Bucket=bucket, Id=config_id)


def listing(s3, bucket, kind, **token):
    middle, _, _ = KINDS[kind]
    return getattr(s3, f"list_bucket_{middle}_configurations")(Bucket=bucket, **token)


def refused(call, expected):
    with pytest.raises(ClientError) as exc:
        call()
    assert error_of(exc) == expected
    return exc.value.response


def raw_body(s3, operation, body):
    """Send ``body`` instead of what botocore serializes (digests dropped)."""
    def swap(request, **_):
        request.data = body
        for name in [h for h in request.headers
                     if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
    s3.meta.events.register(f"before-sign.s3.{operation}", swap)


# -- the life cycle of each kind ------------------------------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
def test_put_get_list_delete(s3, bucket, kind):
    document = KINDS[kind][2]
    assert listing(s3, bucket, kind)["IsTruncated"] is False
    assert LIST_KEY[kind] not in listing(s3, bucket, kind)
    reply = put(s3, bucket, kind, document)
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(s3, bucket, kind, document["Id"]) == document
    listed = listing(s3, bucket, kind)
    assert listed[LIST_KEY[kind]] == [document] and listed["IsTruncated"] is False
    assert delete(s3, bucket, kind, document["Id"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    refused(lambda: get(s3, bucket, kind, document["Id"]), (404, "NoSuchConfiguration"))
    refused(lambda: delete(s3, bucket, kind, document["Id"]), (404, "NoSuchConfiguration"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_put_replaces_the_whole_configuration(s3, bucket, kind):
    document = KINDS[kind][2]
    put(s3, bucket, kind, document)
    smaller = {k: v for k, v in document.items() if k != "Filter"}
    put(s3, bucket, kind, smaller)
    assert get(s3, bucket, kind, document["Id"]) == smaller
    assert len(listing(s3, bucket, kind)[LIST_KEY[kind]]) == 1


@pytest.mark.parametrize("kind", list(KINDS))
def test_missing_bucket(s3, kind):
    refused(lambda: get(s3, "no-such-bucket", kind, "x"), (404, "NoSuchBucket"))
    refused(lambda: listing(s3, "no-such-bucket", kind), (404, "NoSuchBucket"))


def test_kinds_are_separate(s3, bucket):
    put(s3, bucket, "metrics", {"Id": "same"})
    refused(lambda: get(s3, bucket, "analytics", "same"), (404, "NoSuchConfiguration"))


# -- Ids -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(KINDS))
def test_body_id_must_match_the_query_id(s3, bucket, kind):
    document = KINDS[kind][2]
    refused(lambda: put(s3, bucket, kind, document, config_id="other"), (400, "MalformedXML"))
    assert LIST_KEY[kind] not in listing(s3, bucket, kind)


@pytest.mark.parametrize("bad", ["x" * 65, "has space", "slash/id", "ünï"])
def test_invalid_ids(s3, bucket, bad):
    response = refused(lambda: put(s3, bucket, "metrics", {"Id": bad}), (400, "InvalidArgument"))
    assert response["Error"]["ArgumentName"] == "id"
    refused(lambda: get(s3, bucket, "metrics", bad), (400, "InvalidArgument"))


def test_longest_id_is_accepted(s3, bucket):
    put(s3, bucket, "metrics", {"Id": "a.b-c_" + "x" * 58})
    assert get(s3, bucket, "metrics", "a.b-c_" + "x" * 58)["Id"].endswith("x")


# -- filters ---------------------------------------------------------------------------------
@pytest.mark.parametrize("found", [
    {"Prefix": "p/"},
    {"Tag": {"Key": "k", "Value": ""}},
    {"AccessPointArn": "arn:aws:s3:us-east-1:123456789012:accesspoint/ap"},
    {"And": {"Prefix": "p/", "Tags": [{"Key": "k", "Value": "v"}]}},
    {"And": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}},
    {"And": {"Prefix": "p/", "AccessPointArn": "arn:aws:s3:us-east-1:1:accesspoint/ap"}},
])
def test_metrics_filters(s3, bucket, found):
    put(s3, bucket, "metrics", {"Id": "m", "Filter": found})
    assert get(s3, bucket, "metrics", "m")["Filter"] == found


FILTER_BODY = "<MetricsConfiguration><Id>m</Id><Filter>{}</Filter></MetricsConfiguration>"


@pytest.mark.parametrize("inner", [
    "<Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>",   # two predicates
    "<And><Prefix>a</Prefix></And>",                                  # And of one
    "<And><Tag><Key>k</Key><Value>v</Value></Tag></And>",
    "<Tag><Key>k</Key></Tag>",                                        # no Value
    "<Tag><Value>v</Value></Tag>",
    "<Suffix>x</Suffix>",
    "<And><Prefix>a</Prefix><Prefix>b</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And>",
])
def test_bad_metrics_filters_are_malformed(s3, bucket, inner):
    raw_body(s3, "PutBucketMetricsConfiguration", FILTER_BODY.format(inner).encode())
    refused(lambda: put(s3, bucket, "metrics", METRICS, config_id="m"), (400, "MalformedXML"))
    assert LIST_KEY["metrics"] not in listing(s3, bucket, "metrics")


def test_duplicate_tag_keys_in_a_conjunction(s3, bucket):
    doc = {"Id": "m", "Filter": {"And": {"Tags": [{"Key": "k", "Value": "1"},
                                                  {"Key": "k", "Value": "2"}]}}}
    refused(lambda: put(s3, bucket, "metrics", doc), (400, "InvalidArgument"))


@pytest.mark.parametrize("operation, kind, body", [
    ("PutBucketAnalyticsConfiguration", "analytics",
     b"<AnalyticsConfiguration><Id>a1</Id><Filter><AccessPointArn>arn:aws:s3:us-east-1:1:x"
     b"</AccessPointArn></Filter><StorageClassAnalysis/></AnalyticsConfiguration>"),
    ("PutBucketIntelligentTieringConfiguration", "intelligent_tiering",
     b"<IntelligentTieringConfiguration><Id>t1</Id><Filter><AccessPointArn>arn:x"
     b"</AccessPointArn></Filter><Status>Enabled</Status><Tiering><Days>90</Days>"
     b"<AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>"),
])
def test_access_point_filters_are_metrics_only(s3, bucket, operation, kind, body):
    raw_body(s3, operation, body)
    refused(lambda: put(s3, bucket, kind, KINDS[kind][2]), (400, "MalformedXML"))


def test_inventory_filter_is_a_prefix_only(s3, bucket):
    body = (b"<InventoryConfiguration><Id>i</Id><IsEnabled>true</IsEnabled>"
            b"<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
            b"<Destination><S3BucketDestination><Bucket>" + DEST.encode() +
            b"</Bucket><Format>CSV</Format></S3BucketDestination></Destination>"
            b"<IncludedObjectVersions>All</IncludedObjectVersions>"
            b"<Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>")
    raw_body(s3, "PutBucketInventoryConfiguration", body)
    refused(lambda: put(s3, bucket, "inventory", INVENTORY, config_id="i"),
            (400, "MalformedXML"))


# -- analytics -------------------------------------------------------------------------------
def test_analytics_without_export(s3, bucket):
    put(s3, bucket, "analytics", {"Id": "plain", "StorageClassAnalysis": {}})
    assert get(s3, bucket, "analytics", "plain") == {"Id": "plain", "StorageClassAnalysis": {}}


@pytest.mark.parametrize("change, expected", [
    (lambda e: e.update(OutputSchemaVersion="V_2"), (400, "MalformedXML")),
    (lambda e: e["Destination"]["S3BucketDestination"].update(Format="ORC"),
     (400, "MalformedXML")),
    (lambda e: e["Destination"]["S3BucketDestination"].update(Bucket="report-bucket"),
     (400, "InvalidArgument")),
    (lambda e: e["Destination"]["S3BucketDestination"].pop("Bucket"), (400, "MalformedXML")),
    (lambda e: e.pop("Destination"), (400, "MalformedXML")),
])
def test_analytics_export_validation(s3, bucket, change, expected):
    document = copy.deepcopy(ANALYTICS)
    change(document["StorageClassAnalysis"]["DataExport"])
    s3 = make_client(parameter_validation=False)
    refused(lambda: put(s3, bucket, "analytics", document), expected)


def test_analytics_needs_storage_class_analysis(bucket):
    s3 = make_client(parameter_validation=False)
    refused(lambda: put(s3, bucket, "analytics", {"Id": "a"}), (400, "MalformedXML"))


# -- inventory -------------------------------------------------------------------------------
@pytest.mark.parametrize("change", [
    lambda d: d.update(IncludedObjectVersions="Some"),
    lambda d: d.update(Schedule={"Frequency": "Hourly"}),
    lambda d: d.update(OptionalFields=["Size", "Colour"]),
    lambda d: d["Destination"]["S3BucketDestination"].update(Format="JSON"),
    lambda d: d["Destination"]["S3BucketDestination"].update(Encryption={}),
    lambda d: d["Destination"]["S3BucketDestination"].update(
        Encryption={"SSES3": {}, "SSEKMS": {"KeyId": "k"}}),
    lambda d: d["Destination"]["S3BucketDestination"].update(Encryption={"SSEKMS": {}}),
    lambda d: d.pop("Schedule"),
    lambda d: d.pop("IsEnabled"),
    lambda d: d.pop("IncludedObjectVersions"),
    lambda d: d.pop("Destination"),
])
def test_inventory_values_are_checked(bucket, change):
    document = copy.deepcopy(INVENTORY)
    change(document)
    s3 = make_client(parameter_validation=False)
    refused(lambda: put(s3, bucket, "inventory", document), (400, "MalformedXML"))
    assert LIST_KEY["inventory"] not in listing(s3, bucket, "inventory")


def test_inventory_destination_must_be_a_bucket_arn(s3, bucket):
    document = copy.deepcopy(INVENTORY)
    document["Destination"]["S3BucketDestination"]["Bucket"] = "report-bucket"
    refused(lambda: put(s3, bucket, "inventory", document), (400, "InvalidArgument"))


def test_inventory_duplicate_optional_fields(s3, bucket):
    refused(lambda: put(s3, bucket, "inventory", {**INVENTORY, "OptionalFields": ["Size"] * 2}),
            (400, "InvalidArgument"))


def test_inventory_csv_and_sse_s3(s3, bucket):
    document = {**INVENTORY, "Id": "i0", "Destination": {"S3BucketDestination": {
        "Bucket": DEST, "Format": "CSV", "Encryption": {"SSES3": {}}}}}
    put(s3, bucket, "inventory", document)
    assert get(s3, bucket, "inventory", "i0") == document


@pytest.mark.parametrize("fmt", ["ORC", "Parquet"])
def test_inventory_formats_s3emu_cannot_write_are_not_implemented(s3, bucket, fmt):
    document = {**INVENTORY, "Id": "columnar", "Destination": {"S3BucketDestination": {
        "Bucket": DEST, "Format": fmt}}}
    refused(lambda: put(s3, bucket, "inventory", document), (501, "NotImplemented"))


# -- intelligent-tiering ---------------------------------------------------------------------
@pytest.mark.parametrize("tierings", [
    [{"Days": 89, "AccessTier": "ARCHIVE_ACCESS"}],
    [{"Days": 731, "AccessTier": "ARCHIVE_ACCESS"}],
    [{"Days": 179, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    [{"Days": 731, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 100, "AccessTier": "ARCHIVE_ACCESS"}],
])
def test_tiering_days_and_tiers(s3, bucket, tierings):
    refused(lambda: put(s3, bucket, "intelligent_tiering", {**TIERING, "Tierings": tierings}),
            (400, "InvalidArgument"))
    assert LIST_KEY["intelligent_tiering"] not in listing(s3, bucket, "intelligent_tiering")


def test_tiering_bounds_are_accepted(s3, bucket):
    for days in (90, 730):
        put(s3, bucket, "intelligent_tiering",
            {**TIERING, "Tierings": [{"Days": days, "AccessTier": "ARCHIVE_ACCESS"}]})
    put(s3, bucket, "intelligent_tiering",
        {**TIERING, "Tierings": [{"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]})


@pytest.mark.parametrize("change", [
    lambda d: d.update(Status="On"),
    lambda d: d.update(Tierings=[{"Days": 90, "AccessTier": "GLACIER"}]),
    lambda d: d.update(Tierings=[]),
    lambda d: d.pop("Status"),
])
def test_tiering_document_is_checked(bucket, change):
    document = dict(TIERING)
    change(document)
    s3 = make_client(parameter_validation=False)
    refused(lambda: put(s3, bucket, "intelligent_tiering", document), (400, "MalformedXML"))


def test_tiering_days_not_a_number(s3, bucket):
    raw_body(s3, "PutBucketIntelligentTieringConfiguration",
             b"<IntelligentTieringConfiguration><Id>t1</Id><Status>Enabled</Status>"
             b"<Tiering><Days>ninety</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>"
             b"</IntelligentTieringConfiguration>")
    refused(lambda: put(s3, bucket, "intelligent_tiering", TIERING), (400, "MalformedXML"))


# -- documents in general --------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    b"<MetricsConfiguration><Id>m1</Id><Extra/></MetricsConfiguration>",
    b"<Metrics><Id>m1</Id></Metrics>",
    b"<MetricsConfiguration><Id>m1</Id><Id>m1</Id></MetricsConfiguration>",
    b"<MetricsConfiguration><Id>m1</Id>",
    b"",
])
def test_malformed_documents(s3, bucket, body):
    raw_body(s3, "PutBucketMetricsConfiguration", body)
    refused(lambda: put(s3, bucket, "metrics", METRICS), (400, "MalformedXML"))


# -- limits and pages ------------------------------------------------------------------------
def test_a_thousand_per_kind(emu, s3, bucket):
    full = MappingProxyType({f"m{n:04}": {"Id": f"m{n:04}"} for n in range(1000)})
    emu.store.bucket(bucket).configure(metrics=full)
    response = refused(lambda: put(s3, bucket, "metrics", {"Id": "one-more"}),
                       (400, "TooManyConfigurations"))
    assert "1,000" in response["Error"]["Message"]
    put(s3, bucket, "metrics", {"Id": "m0000", "Filter": {"Prefix": "p"}})  # a replacement
    put(s3, bucket, "analytics", ANALYTICS)                                  # another kind
    delete(s3, bucket, "metrics", "m0001")
    put(s3, bucket, "metrics", {"Id": "one-more"})


def test_list_pages_of_100(emu, s3, bucket):
    for n in range(250):
        put(s3, bucket, "metrics", {"Id": f"id-{n:03}"})
    seen, token, pages = [], {}, 0
    while True:
        page = listing(s3, bucket, "metrics", **token)
        pages += 1
        seen += [c["Id"] for c in page["MetricsConfigurationList"]]
        if token:
            assert page["ContinuationToken"] == token["ContinuationToken"]
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        assert len(page["MetricsConfigurationList"]) == 100
        token = {"ContinuationToken": page["NextContinuationToken"]}
    assert pages == 3 and seen == [f"id-{n:03}" for n in range(250)]


def test_bad_continuation_token(s3, bucket):
    refused(lambda: listing(s3, bucket, "inventory", ContinuationToken="not-ours"),
            (400, "InvalidArgument"))


def test_list_xml_as_s3_shows_it(s3, bucket):
    put(s3, bucket, "metrics", METRICS)
    url = s3.generate_presigned_url("list_bucket_metrics_configurations",
                                    Params={"Bucket": bucket})
    body = requests.get(url).text
    assert "<ListMetricsConfigurationsResult" in body
    assert "<MetricsConfiguration><Id>m1</Id><Filter><Prefix>images/</Prefix></Filter>" in body
    assert "<IsTruncated>false</IsTruncated>" in body


def test_another_account_needs_a_grant(emu, bucket):
    emu.add_user("other", "other-secret", account_id="210987654321")
    other = boto3.client("s3", region_name="us-east-1", aws_access_key_id="other",
                         aws_secret_access_key="other-secret")
    refused(lambda: put(other, bucket, "metrics", METRICS), (403, "AccessDenied"))
    refused(lambda: listing(other, bucket, "metrics"), (403, "AccessDenied"))


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("subresource", ["analytics", "inventory", "metrics",
                                         "intelligent-tiering"])
def test_missing_id_is_refused_and_never_reaches_the_bucket(emu, s3, bucket, method,
                                                            subresource):
    emu.auth = "off"
    reply = requests.request(method, f"https://{bucket}.s3.amazonaws.com/?{subresource}",
                             data=b"<X/>", headers={"Authorization": "AWS testing:x"})
    assert reply.status_code == 400 and b"<Code>InvalidArgument</Code>" in reply.content
    assert s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
