"""The in-memory object model: buckets, object versions, uploads, parts and blobs.

Pure Python with no HTTP and no XML: it raises :class:`s3emu.errors.S3Error` subclasses and takes
time from the injected :class:`s3emu.clock.Clock`. It must not import werkzeug, xmltodict,
``s3emu.protocol`` or ``s3emu.ops``.
"""
from .blob import Blob as Blob
from .objects import ObjectVersion as ObjectVersion
from .bucket import Bucket as Bucket
from .store import Store as Store
