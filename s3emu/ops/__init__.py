"""S3 operations: one module per API area, each registering short handlers by operation name.

Handlers use the model, ``s3emu.protocol`` and ``s3emu.errors``; importing this package
declares every operation's record in :data:`s3emu.operations.OPERATIONS` (with its handler,
or without one: :mod:`.unimplemented`). Modules under :mod:`.support` register nothing.
"""
from . import buckets as buckets
from . import objects as objects
from . import listing as listing
from . import post as post
from . import copy as copy
from . import batch as batch
from . import multipart as multipart
from . import attributes as attributes
from . import bucket_encryption as bucket_encryption
from . import versioning as versioning
from . import object_lock as object_lock
from . import acl as acl
from . import policy as policy
from . import ownership as ownership
from . import public_access as public_access
from . import tagging as tagging
from . import cors as cors
from . import subresources as subresources
from . import lifecycle as lifecycle
from . import notification_config as notification_config
from . import restore as restore
from . import bucket_reports as bucket_reports
from . import torrent as torrent
from . import select as select
from . import unimplemented as unimplemented
