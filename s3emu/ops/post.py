"""PostObject: browser-based uploads (``POST /bucket`` with a multipart/form-data body).

The form's fields are read in order up to the ``file`` part (S3 ignores anything after it),
names case-insensitively. A signed form is checked by :mod:`s3emu.auth.post_policy`; an
unsigned one is an anonymous write (:mod:`s3emu.auth.anonymous`). The object is then made like a
PutObject whose headers are the form fields (``Content-Type``, ``Cache-Control``,
``x-amz-meta-*``, ``x-amz-storage-class``, ``acl`` ...), with ``${filename}`` in ``key``
replaced by the uploaded file's name. The answer follows ``success_action_redirect`` (303 to
the URL with ``bucket``, ``key`` and ``etag``) or ``success_action_status`` (200 or 204 with
an empty body, 201 with a ``PostResponse`` document; 204 by default).

werkzeug's multipart decoder is imported when a form is parsed, not at import time.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from ..auth import post_policy
from ..auth.anonymous import authorize_anonymous
from ..auth.users import ANONYMOUS
from ..errors import (InvalidArgument, MalformedPOSTRequest,
                      MaxPostPreDataLengthExceededError, PreconditionFailed)
from ..model.blob import Blob
from ..model.tags import check_tag_set
from ..protocol import xml
from ..protocol.tagging import parse_tagging
from .objects import new_version, write_reply
from ..operations import OBJECT_WRITE, named
from .registry import Call, Reply, operation
from .support.events import object_event
from ..access.enforce import require

#: S3's limit on the form fields preceding the file: 20 KB.
MAX_FIELDS_SIZE = 20 * 1024
#: form field -> request header it stands for (x-amz-* fields map to themselves)
_HEADER_OF = {"content-type": "content-type", "cache-control": "cache-control",
              "content-disposition": "content-disposition", "expires": "expires",
              "content-encoding": "content-encoding", "acl": "x-amz-acl"}
_AUTH_FIELDS = frozenset({"x-amz-algorithm", "x-amz-credential", "x-amz-date",
                          "x-amz-signature", "x-amz-security-token"})


def parse_form(call: Call) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """``(fields by lower-case name, (filename, data) or None)`` of a multipart/form-data body."""
    from werkzeug.http import parse_options_header
    from werkzeug.sansio.multipart import (Data, Epilogue, Field, File, MultipartDecoder,
                                           NeedData)

    mimetype, options = parse_options_header(call.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if mimetype != "multipart/form-data" or not boundary:
        raise PreconditionFailed(
            Condition="Bucket POST must be of the enclosure-type multipart/form-data")
    decoder = MultipartDecoder(boundary.encode("latin-1"))
    decoder.receive_data(call.body())
    decoder.receive_data(None)
    fields: dict[str, str] = {}
    part: Any = None
    pieces: list[bytes] = []
    size = 0
    try:
        while True:
            event = decoder.next_event()
            if isinstance(event, (Field, File)):
                part, pieces = event, []
            elif isinstance(event, Data):
                pieces.append(event.data)
                if event.more_data:
                    continue
                name = part.name.lower()
                if name == "file":
                    return fields, (getattr(part, "filename", "") or "", b"".join(pieces))
                value = b"".join(pieces).decode("utf-8", "replace")
                size += len(name) + len(value)
                if size > MAX_FIELDS_SIZE:
                    raise MaxPostPreDataLengthExceededError()
                fields.setdefault(name, value)
            elif isinstance(event, (Epilogue, NeedData)):
                return fields, None
    except ValueError:
        raise MalformedPOSTRequest() from None


def form_headers(fields: dict[str, str]) -> dict[str, str]:
    """The request headers a PutObject with the same effect would carry."""
    headers = {}
    for name, value in fields.items():
        if name in _HEADER_OF:
            headers[_HEADER_OF[name]] = value
        elif name.startswith("x-amz-") and name not in _AUTH_FIELDS:
            headers[name] = value
    if "tagging" in fields:
        headers["x-amz-tagging"] = urlencode(
            list(check_tag_set(parse_tagging(fields["tagging"].encode())).items()))
    return headers


def _user(call: Call, fields: dict[str, str], size: int) -> Any:
    verify = call.settings.auth != "off"
    if not post_policy.is_signed(fields):
        if not verify:
            return call.users.default
        authorize_anonymous(named("PutObject"), call.bucket, fields["key"],
                            lambda name: name in call.store.buckets)
        return ANONYMOUS
    bucket = call.store.buckets.get(call.bucket or "")
    user = post_policy.authorize(fields, call.bucket or "", size, users=call.users,
                                 now=call.clock.now(),
                                 region=bucket.region if bucket is not None else None,
                                 verify=verify)
    return user or call.users.default


def _location(call: Call, key: str) -> str:
    scheme = "https" if call.secure else "http"
    host = call.headers.get("host", "s3.amazonaws.com")
    path = quote(key, safe="/~")
    if call.virtual_host:
        return f"{scheme}://{host}/{path}"
    return f"{scheme}://{host}/{call.bucket}/{path}"


@operation("PostObject", action="s3:PutObject", kind=OBJECT_WRITE, acl="WRITE",
           body_cap=None, authorizes_itself=True, signs_itself=True)
def post_object(call: Call) -> Reply:
    fields, upload = parse_form(call)
    if "key" not in fields:
        raise post_policy.missing_field("key")
    if upload is None:
        raise InvalidArgument("POST requires exactly one file upload per request.",
                              ArgumentName="file", ArgumentValue="0")
    filename, data = upload
    user = _user(call, fields, len(data))
    bucket = call.store.bucket(call.bucket_name)
    key = fields["key"].replace("${filename}", filename)
    as_put = call.acting_as(form_headers(fields), user, Blob([data]))
    require(as_put, bucket, "PostObject", key, {})    # s3:PutObject as the form's signer
    version = bucket.put(new_version(as_put, key=key, bucket=bucket))
    object_event(call, bucket, "ObjectCreated:Post", version)
    return _answer(call, fields, key, write_reply(version))


def _answer(call: Call, fields: dict[str, str], key: str, stored: Reply) -> Reply:
    headers = dict(stored.headers)
    location = _location(call, key)
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect and redirect.startswith(("http://", "https://")):
        query = urlencode({"bucket": call.bucket, "key": key, "etag": headers["ETag"]},
                          quote_via=quote)
        headers["Location"] = f"{redirect}{'&' if '?' in redirect else '?'}{query}"
        return Reply(status=303, headers=headers)
    headers["Location"] = location
    status = fields.get("success_action_status")
    if status == "201":
        body = {"Location": location, "Bucket": call.bucket, "Key": key,
                "ETag": headers["ETag"]}
        headers["Content-Type"] = "application/xml"
        return Reply(status=201, headers=headers,
                     body=xml.render("PostResponse", body, namespace=False))
    return Reply(status=200 if status == "200" else 204, headers=headers)
