"""GetObjectTorrent: S3 no longer serves BitTorrent files.

S3's user guide ("Retrieving Amazon S3 objects using BitTorrent") announced the end of the
BitTorrent feature: discontinued for new use on April 29, 2021, and no longer served from
April 29, 2022 (regions launched after May 30, 2016 never had it). A ``?torrent`` request is
authorized like a read of the object (READ), then refused: 501 NotImplemented saying so,
never a torrent file and never the object's bytes.
"""
from __future__ import annotations

from ..errors import NotImplemented_
from ..operations import OBJECT_READ
from .registry import Call, Reply, operation

DISCONTINUED = "Amazon S3 no longer supports BitTorrent: GetObjectTorrent is discontinued."


@operation("GetObjectTorrent", action="s3:GetObjectTorrent", kind=OBJECT_READ,
           versioned_action="s3:GetObjectVersionTorrent", acl="READ")
def get_object_torrent(call: Call) -> Reply:
    call.store.bucket(call.bucket_name)              # NoSuchBucket first
    raise NotImplemented_(DISCONTINUED, Operation="GetObjectTorrent")
