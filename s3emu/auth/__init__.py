"""Authentication: users and accounts, SigV4/SigV2 verification, presigned URLs, streaming
chunk signatures, POST policies, and the decision about anonymous requests.

:func:`s3emu.auth.verify.authenticate` is the entry (``Emulator.authenticate`` delegates to
it). Imports errors, the protocol package (addressing, chunked decoding types) and the standard
library; never the model or ops.
"""
