"""How a handler reports what it did to an object (:mod:`s3emu.events`).

:func:`object_event` is called after the store has changed, with the version the request made,
changed or removed; it costs one attribute check on a bucket nobody watches. :func:`publish`
is the general form (the configuration's ``TestEvent`` too).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ...events import Event, watched

if TYPE_CHECKING:
    from ...model.bucket import Bucket
    from ..registry import Call


def object_event(call: Call, bucket: Bucket, name: str, version: Any,
                 more: Mapping[str, Any] | None = None) -> None:
    """Report event ``name`` (``ObjectCreated:Put``) of ``version`` (a delete marker, or a
    version that was removed, for the ``ObjectRemoved`` types)."""
    if not watched(bucket.settings):
        return
    publish(call, bucket, name, key=version.key, version=version, more=more)


def publish(call: Call, bucket: Bucket, name: str, *, key: str, version: Any = None,
            more: Mapping[str, Any] | None = None) -> None:
    events = call.events
    if events is None:
        return
    marker = version is not None and version.delete_marker
    removed = name.startswith("ObjectRemoved:Delete") and not marker
    events.publish(Event(
        name=name, bucket=bucket.name, owner=bucket.owner, region=bucket.region, key=key,
        time=call.clock.now(),
        size=None if version is None or marker or removed else version.size,
        etag=None if version is None or marker or removed else version.etag.strip('"'),
        version_id=None if version is None else version.version_id,
        principal=call.user.access_key or None,
        source_ip=str(call.environ.get("REMOTE_ADDR") or "127.0.0.1"),
        request_id=call.request_id, host_id=call.host_id, reason=call.op,
        more=more or {}))
