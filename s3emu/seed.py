"""Seed data: load an Emulator's buckets and objects from a directory tree, and dump them back.

The format (what :func:`load` reads and :func:`dump` writes)::

    seed/
      photos/                        a bucket (created if missing)
        2024/cat.jpg                 object "2024/cat.jpg"; its bytes are the file's
        2024/cat.jpg.s3emu.json      optional sidecar: how the object was stored
      photos.s3emu.json              optional bucket sidecar: {"Region": "eu-west-1"}

An object sidecar is a JSON object with any of ``ContentType``, ``ContentEncoding``,
``ContentDisposition``, ``ContentLanguage``, ``CacheControl``, ``Expires``,
``WebsiteRedirectLocation`` (strings), ``Metadata`` and ``Tags`` (string maps),
``StorageClass``, ``LastModified`` (ISO 8601) and ``Key``. Without a sidecar the content type
is guessed from the file name (as ``aws s3 cp`` does, with Python's built-in table), else
``binary/octet-stream``.

A key that cannot be a relative file path (one ending in ``/``, with an empty, ``.`` or ``..``
segment, or naming both an object and a folder) is stored as ``<bucket>/.s3emu-keys/<sha1>``
with the real key in its sidecar's ``Key``. Files named ``.gitkeep`` or ``.DS_Store`` are not
objects. ``LastModified`` is read but not written for current versions.

Versioned buckets keep their versions: the bucket sidecar holds ``Versioning`` (``Enabled`` /
``Suspended``), ``MfaDelete`` and ``ObjectLock`` (``{}``, or the default retention's ``Mode``
and ``Days`` or ``Years``); a current version's sidecar holds its ``VersionId`` (and its lock:
``ObjectLock`` with ``Mode``, ``RetainUntilDate``, ``LegalHold``); the other versions of a key,
and a current delete marker, are ``<bucket>/.s3emu-versions/<sha1 of the key>/<n>`` (``n`` its
place in the key's stack, 0 the newest) with sidecars holding ``Key``, ``VersionId``,
``LastModified`` and ``DeleteMarker``. Loading restores the stacks with their version ids.

This module imports only the standard library, errors and the model.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .errors import S3Error
from .model.blob import Blob
from .model.naming import check_bucket_name
from .model.objects import CONTENT_FIELDS, STORAGE_CLASSES, ObjectLock, ObjectVersion
from .model.settings import BucketSettings, LockConfiguration

if TYPE_CHECKING:
    from .model.store import Store

SIDECAR = ".s3emu.json"
ESCAPED = ".s3emu-keys"
VERSIONS = ".s3emu-versions"
IGNORED = frozenset({".gitkeep", ".DS_Store"})
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
#: Python's built-in table only (system mime.types files differ between machines).
_TYPES = mimetypes.MimeTypes()
_SIDECAR_FIELDS = frozenset(CONTENT_FIELDS) | {"Metadata", "Tags", "StorageClass",
                                               "LastModified", "Key", "VersionId",
                                               "DeleteMarker", "ObjectLock"}


class SeedError(ValueError):
    """A seed tree that does not follow the format."""


def load(store: Store, path: str | os.PathLike[str], *, owner: str,
         region: str, start: BucketSettings | None = None) -> list[str]:
    """Create the buckets and objects of the seed tree at ``path`` in ``store``, owned by
    account ``owner``, in ``region`` unless a bucket's sidecar names another; new buckets
    start from ``start`` (default: S3's defaults today).

    The whole tree is read and checked first (SeedError), so a bad tree changes nothing.
    Existing buckets of ``owner`` are added to; objects with the same key are replaced.
    Returns the names of the buckets loaded.
    """
    default_region = region
    root = Path(path)
    if not root.is_dir():
        raise SeedError(f"seed data {str(root)!r} is not a directory")
    plan = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            check_bucket_name(folder.name)
        except S3Error as error:
            raise SeedError(f"{str(folder)!r}: {error.message}") from None
        config = _read_json(root / (folder.name + SIDECAR))
        region = config.get("Region", default_region)
        versions = [_version(store, key, data_file.read_bytes(), meta, owner)
                    for key, data_file, meta in _objects(folder)]
        plan.append((folder.name, region, _versioning(config), versions,
                     _older_versions(store, folder, owner)))
    for name, region, versioning, versions, older in plan:
        settings = (start or BucketSettings()).but(
            location_constraint=None if region == "us-east-1" else region)
        bucket, _ = store.create_bucket(name, region, owner, settings.but(**versioning))
        if versioning:
            bucket.configure(**versioning)
        stacks: dict[str, list[ObjectVersion]] = {v.key: [v] for v in versions}
        for key, found in older.items():
            stacks[key] = [*stacks.get(key, []), *found]
        for key, stack in stacks.items():
            if versioning or len(stack) > 1 or stack[0].version_id is not None:
                bucket.restore(key, stack)
            else:
                bucket.put(stack[0])
    return [name for name, *_ in plan]


def _versioning(config: dict[str, Any]) -> dict[str, Any]:
    """The versioning settings a bucket sidecar names (none: an unversioned bucket)."""
    out: dict[str, Any] = {}
    status = config.get("Versioning")
    if status is not None:
        if status not in ("Enabled", "Suspended"):
            raise SeedError(f"Versioning is Enabled or Suspended, not {status!r}")
        out["versioning"] = status
    if config.get("MfaDelete") is not None:
        out["mfa_delete"] = str(config["MfaDelete"])
    lock = config.get("ObjectLock")
    if lock is not None:
        if not isinstance(lock, dict) or set(lock) - {"Mode", "Days", "Years"}:
            raise SeedError("ObjectLock is {} or {Mode, Days | Years}")
        out["object_lock"] = LockConfiguration(lock.get("Mode"), lock.get("Days"),
                                               lock.get("Years"))
    return out


def _older_versions(store: Store, folder: Path, owner: str) -> dict[str, list[ObjectVersion]]:
    """The stacked versions under ``<bucket>/.s3emu-versions``: key -> versions in stack
    order (the current one among them only when it is a delete marker)."""
    found: dict[str, list[tuple[int, ObjectVersion]]] = {}
    base = folder / VERSIONS
    if not base.is_dir():
        return {}
    for data_file in sorted(p for p in base.rglob("*") if p.is_file()):
        if data_file.name.endswith(SIDECAR):
            continue
        meta = _read_json(data_file.with_name(data_file.name + SIDECAR))
        if not data_file.name.isdigit() or not isinstance(meta.get("Key"), str):
            raise SeedError(f"{str(data_file)!r}: a stacked version is a file named by its "
                            f"place, with a sidecar naming its Key")
        version = _version(store, meta["Key"], data_file.read_bytes(), meta, owner)
        found.setdefault(version.key, []).append((int(data_file.name), version))
    return {key: [v for _, v in sorted(entries, key=lambda e: e[0])]
            for key, entries in found.items()}


def _objects(folder: Path) -> Iterator[tuple[str, Path, dict[str, Any]]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    data = {p for p in files if not p.name.endswith(SIDECAR) and p.name not in IGNORED}
    for sidecar in files:
        if sidecar.name.endswith(SIDECAR) and \
                sidecar.with_name(sidecar.name[:-len(SIDECAR)]) not in data:
            raise SeedError(f"sidecar {str(sidecar)!r} has no object file beside it")
    for data_file in sorted(data):
        if data_file.relative_to(folder).parts[0] == VERSIONS:
            continue
        meta = _read_json(data_file.with_name(data_file.name + SIDECAR))
        unknown = set(meta) - _SIDECAR_FIELDS
        if unknown:
            raise SeedError(f"unknown fields {sorted(unknown)} in the sidecar of "
                            f"{str(data_file)!r}")
        key = meta.get("Key") or data_file.relative_to(folder).as_posix()
        yield key, data_file, meta


def _version(store: Store, key: str, body: bytes, meta: dict[str, Any],
             owner: str) -> ObjectVersion:
    content = {name: str(meta[name]) for name in CONTENT_FIELDS if name in meta}
    content.setdefault("ContentType", _guess_type(key))
    storage_class = meta.get("StorageClass", "STANDARD")
    if storage_class not in STORAGE_CLASSES:
        raise SeedError(f"invalid StorageClass {storage_class!r} for key {key!r}")
    when = meta.get("LastModified")
    last_modified = _parse_time(when) if when else store.clock.now()
    if meta.get("DeleteMarker"):
        marker = ObjectVersion.marker(key, last_modified.replace(microsecond=0), owner)
        return marker.evolve(version_id=meta.get("VersionId"))
    return ObjectVersion(
        key=key, blob=Blob([body]), etag=f'"{hashlib.md5(body).hexdigest()}"',
        last_modified=last_modified.replace(microsecond=0),
        metadata={str(k).lower(): str(v) for k, v in meta.get("Metadata", {}).items()},
        content=content, storage_class=storage_class,
        tags={str(k): str(v) for k, v in meta.get("Tags", {}).items()}, owner=owner,
        version_id=meta.get("VersionId"), lock=_lock_of(meta.get("ObjectLock")))


def _lock_of(data: Any) -> ObjectLock | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) - {"Mode", "RetainUntilDate", "LegalHold"}:
        raise SeedError("ObjectLock is {Mode, RetainUntilDate, LegalHold}")
    until = data.get("RetainUntilDate")
    hold = data.get("LegalHold")
    return ObjectLock(data.get("Mode"), _parse_time(until) if until else None,
                      None if hold is None else hold == "ON")


def dump(store: Store, path: str | os.PathLike[str], *, overwrite: bool = False) -> list[str]:
    """Write every bucket and current object of ``store`` to ``path`` in the seed format.

    ``path`` is created if missing. A non-empty ``path`` is refused unless ``overwrite``; then
    only the folders and sidecars of the dumped buckets are replaced. Returns bucket names.
    """
    root = Path(path)
    if root.exists() and any(root.iterdir()) and not overwrite:
        raise FileExistsError(f"{str(root)!r} is not empty (use overwrite=True)")
    root.mkdir(parents=True, exist_ok=True)
    names = []
    for bucket in store.list_buckets():
        folder = root / bucket.name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        sidecar = root / (bucket.name + SIDECAR)
        config = _bucket_sidecar(bucket.region, bucket.settings)
        if config:
            _write_json(sidecar, config)
        elif sidecar.exists():
            sidecar.unlink()
        current = []
        for key in list(bucket.keys):
            stack = bucket.versions(key)
            if not stack:
                continue
            if not stack[0].delete_marker:
                current.append(stack[0])
            stacked = [(i, v) for i, v in enumerate(stack) if i or v.delete_marker]
            if stacked:
                _dump_stacked(folder, key, stacked)
        _dump_objects(folder, current)
        names.append(bucket.name)
    return names


def _bucket_sidecar(region: str, settings: BucketSettings) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if region != "us-east-1":
        config["Region"] = region
    if settings.versioning is not None:
        config["Versioning"] = settings.versioning
    if settings.mfa_delete is not None:
        config["MfaDelete"] = settings.mfa_delete
    lock = settings.object_lock
    if lock is not None:
        config["ObjectLock"] = _present(Mode=lock.mode, Days=lock.days, Years=lock.years)
    return config


def _dump_stacked(folder: Path, key: str, stacked: list[tuple[int, ObjectVersion]]) -> None:
    place = folder / VERSIONS / hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
    place.mkdir(parents=True, exist_ok=True)
    for position, version in stacked:
        target = place / str(position)
        with open(target, "wb") as out:
            for chunk in version.blob.iter_range():
                out.write(chunk)
        meta = _sidecar_of(version)
        meta.update(Key=key, LastModified=version.last_modified.isoformat())
        if version.delete_marker:
            meta = {"Key": key, "LastModified": meta["LastModified"], "DeleteMarker": True}
        if version.version_id is not None:
            meta["VersionId"] = version.version_id
        _write_json(target.with_name(target.name + SIDECAR), meta)


def _dump_objects(folder: Path, versions: list[ObjectVersion]) -> None:
    plain = {v.key for v in versions if _is_plain(v.key)}
    folders = {k.rsplit("/", i)[0] for k in plain for i in range(1, k.count("/") + 1)}
    for version in versions:
        meta = _sidecar_of(version)
        if version.key in plain and version.key not in folders:
            target = folder / version.key
        else:
            target = folder / ESCAPED / hashlib.sha1(version.key.encode("utf-8",
                                                                      "surrogatepass")).hexdigest()
            meta["Key"] = version.key
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            for chunk in version.blob.iter_range():
                out.write(chunk)
        if meta:
            _write_json(target.with_name(target.name + SIDECAR), meta)


def _is_plain(key: str) -> bool:
    parts = key.split("/")
    return (all(p not in ("", ".", "..") for p in parts) and "\0" not in key
            and not key.endswith(SIDECAR) and parts[0] not in (ESCAPED, VERSIONS)
            and parts[-1] not in IGNORED and _encodable(key))


def _encodable(key: str) -> bool:
    try:
        os.fsencode(key)
    except UnicodeEncodeError:
        return False
    return True


def _sidecar_of(version: ObjectVersion) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = version.content.get(name)
        if value is not None and not (name == "ContentType" and value == _guess_type(
                version.key)):
            meta[name] = value
    if version.metadata:
        meta["Metadata"] = dict(version.metadata)
    if version.tags:
        meta["Tags"] = dict(version.tags)
    if version.storage_class != "STANDARD":
        meta["StorageClass"] = version.storage_class
    if version.version_id is not None:
        meta["VersionId"] = version.version_id
    lock = version.lock
    if lock is not None:
        meta["ObjectLock"] = _present(
            Mode=lock.mode,
            RetainUntilDate=lock.retain_until.isoformat() if lock.retain_until else None,
            LegalHold=None if lock.legal_hold is None else ("ON" if lock.legal_hold else "OFF"))
    return meta


def _present(**fields: Any) -> dict[str, Any]:
    """The fields that are set (not None)."""
    return {name: value for name, value in fields.items() if value is not None}


def _guess_type(key: str) -> str:
    return _TYPES.guess_type(key.rsplit("/", 1)[-1])[0] or DEFAULT_CONTENT_TYPE


def _parse_time(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except ValueError as error:
        raise SeedError(f"{str(path)!r} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{str(path)!r} must hold a JSON object")
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    "utf-8")
