"""The routing table against botocore's S3 service model: every operation is routable (or
listed as shadowed with a reason), and each row's method, target and required query/header
members agree with the model's requestUri and required members."""
from __future__ import annotations

import gzip
import json
import os

import botocore
import pytest

from s3emu.protocol.routing import ROUTES, SHADOWED, resolve


def _model():
    path = os.path.join(os.path.dirname(botocore.__file__), "data/s3/2006-03-01/service-2.json.gz")
    with gzip.open(path) as f:
        return json.load(f)


MODEL = _model()
OPERATIONS = MODEL["operations"]


def _spec(name):
    op = OPERATIONS[name]
    uri = op["http"]["requestUri"]
    path, _, query = uri.partition("?")
    target = "service" if path in ("/", "/WriteGetObjectResponse") else (
        "object" if "{Key+}" in path else "bucket")
    conds = {q.partition("=")[0]: (q.partition("=")[2] or None) for q in query.split("&") if q}
    headers = set()
    shape = MODEL["shapes"][op["input"]["shape"]] if "input" in op else {"members": {}}
    for member in shape.get("required", []):
        where = shape["members"][member]
        if where.get("location") == "querystring":
            conds.setdefault(where["locationName"], None)
        elif where.get("location") == "header":
            headers.add(where["locationName"].lower())
    return op["http"]["method"], target, conds, headers


def test_every_model_operation_is_routed_or_shadowed():
    routed = {r.op for r in ROUTES}
    missing = set(OPERATIONS) - routed - set(SHADOWED)
    assert not missing, f"operations without a route: {sorted(missing)}"
    assert not (routed & set(SHADOWED))


#: Routed operations that older botocore models (before 1.44) do not have yet.
NEWER_OPERATIONS = {"DeleteObjectAnnotation", "GetObjectAnnotation", "ListObjectAnnotations",
                    "PutObjectAnnotation", "UpdateBucketMetadataAnnotationTableConfiguration"}


def test_no_unknown_operations():
    extra = {r.op for r in ROUTES} - set(OPERATIONS) - {"PostObject", "PreflightCORS"} \
        - NEWER_OPERATIONS
    assert not extra


#: Operations with a second route that lacks the model's required ``?id``: a Put or Delete
#: missing it reaches its operation (InvalidArgument), not CreateBucket or DeleteBucket.
WITHOUT_ID = {f"{verb}Bucket{kind}Configuration" for verb in ("Put", "Delete")
              for kind in ("Analytics", "IntelligentTiering", "Inventory", "Metrics")}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.op in OPERATIONS], ids=lambda r: r.op)
def test_route_agrees_with_model(route):
    method, target, conds, headers = _spec(route.op)
    assert (route.method, route.target) == (method, target)
    if route.op in WITHOUT_ID and "id" not in dict(route.query):
        conds = {name: value for name, value in conds.items() if name != "id"}
    assert dict(route.query) == conds
    assert set(route.headers) == headers


@pytest.mark.parametrize("route", [r for r in ROUTES if r.op in OPERATIONS], ids=lambda r: r.op)
def test_request_shaped_like_the_model_resolves_to_its_operation(route):
    method, target, conds, headers = _spec(route.op)
    query = {name: (value if value is not None else "x") for name, value in conds.items()}
    assert resolve(method, target, query, {h: "x" for h in headers}) == route.op


@pytest.mark.parametrize("name,reason", sorted(SHADOWED.items()))
def test_shadowed_operations_share_a_route(name, reason):
    method, target, conds, headers = _spec(name)
    query = {n: (v if v is not None else "x") for n, v in conds.items()}
    winner = resolve(method, target, query, {h: "x" for h in headers})
    assert winner is not None and winner != name and winner in reason
