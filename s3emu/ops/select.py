"""SelectObjectContent: S3 Select's SQL over one object, answered as an event stream.

The object is read as GetObject reads it (``versionId``, archived objects, the SSE-C key:
:func:`.objects.version_to_read`); S3 Select takes no anonymous requests. The request document,
the SQL and the serializations are checked before anything is sent (their errors are 400s
with S3's codes); the records are then read, filtered and written row by row
(:mod:`s3emu.select.run`). sqlglot (and pyarrow for Parquet) come with the ``select`` extra:
without it the operation is 501 NotImplemented naming the extra.
"""
from __future__ import annotations

import importlib

from ..errors import NotImplemented_
from ..operations import OBJECT_READ
from ..select import missing_extra
from ..select.request import parse_request
from .objects import version_to_read
from .registry import Call, Reply, operation
from .support.archive import note_access

EXTRA_MESSAGE = ("SelectObjectContent needs s3emu's 'select' extra ({module} is not "
                 "installed): pip install 's3emu[select]'")


@operation("SelectObjectContent", action="s3:GetObject", kind=OBJECT_READ, acl="READ",
           refuses_anonymous=True, missing_key_needs_list=True)
def select_object_content(call: Call) -> Reply:
    if missing_extra("sqlglot"):
        raise NotImplemented_(EXTRA_MESSAGE.format(module="sqlglot"),
                              Operation="SelectObjectContent")
    bucket = call.store.bucket(call.bucket_name)
    version = version_to_read(call, bucket)
    request = parse_request(call.body())
    note_access(bucket, version, call.clock.now())      # an Intelligent-Tiering read
    if request.input_format == "Parquet" and missing_extra("pyarrow"):
        raise NotImplemented_(EXTRA_MESSAGE.format(module="pyarrow"),
                              Operation="SelectObjectContent")
    # by name, not as the package's attribute: a module map restored under it (pytest's
    # in-process runs do that) must not leave an older sqlglot behind it
    run = importlib.import_module("..select.run", __package__)
    plan = run.prepare(request, call.clock.now())
    return Reply(headers={}, body=run.events(plan, version.blob))
