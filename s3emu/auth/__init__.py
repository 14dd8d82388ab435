"""Authentication: users and accounts, SigV4/SigV2 verification, presigned URLs, streaming
chunk signatures, POST policies, and the decision about anonymous requests.

:func:`s3emu.auth.verify.authenticate` is the entry: the app calls it with the request and
the users, clock and settings, and it returns an ``Authenticated``. Imports errors, the
protocol package (addressing, chunked decoding types), the operation records, the settings and
the standard library; never the model or ops.
"""
