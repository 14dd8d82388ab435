"""The ``Tagging`` document in and out (PutObjectTagging, PutBucketTagging, GetObjectTagging,
GetBucketTagging, the PostObject form's ``tagging`` field).

A request's document is ``<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...
</TagSet></Tagging>``: MalformedXML unless it has exactly that shape (one TagSet; each Tag
with one Key and one Value holding text only). Text is kept as sent, spaces included. The
rules on the tags themselves are :func:`s3emu.model.tags.check_tag_set`'s.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import MalformedXML
from . import xml


def _children(element: Any) -> dict[str, Any]:
    """The child elements of ``element`` (whitespace between them dropped); MalformedXML
    when it holds text or attributes."""
    if element is None:
        return {}
    if isinstance(element, str):
        if element.strip():
            raise MalformedXML()
        return {}
    if not isinstance(element, dict):
        raise MalformedXML()
    children = {}
    for name, value in element.items():
        if name == "#text":
            if value.strip():
                raise MalformedXML()
        elif name.startswith("@"):
            raise MalformedXML()
        else:
            children[name] = value
    return children


def parse_tagging(body: bytes) -> list[tuple[str, str]]:
    """The (key, value) pairs of a ``Tagging`` document, in order."""
    doc = _children(xml.parse(body, "Tagging", keep_whitespace=True))
    if set(doc) != {"TagSet"} or isinstance(doc["TagSet"], list):
        raise MalformedXML()
    tagset = _children(doc["TagSet"])
    if set(tagset) - {"Tag"}:
        raise MalformedXML()
    pairs = []
    for tag in xml.as_list(tagset.get("Tag")):
        fields = _children(tag)
        if set(fields) != {"Key", "Value"}:
            raise MalformedXML()
        pairs.append((xml.text_of(fields["Key"]), xml.text_of(fields["Value"])))
    return pairs


def tagging_body(tags: Mapping[str, str]) -> dict[str, Any]:
    """The children of a ``Tagging`` response."""
    return {"TagSet": {"Tag": [{"Key": k, "Value": v} for k, v in tags.items()]}}
