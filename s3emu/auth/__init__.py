"""Authentication: users and accounts, SigV4/SigV2 verification, presigned URLs and POST policies.

Imports errors, clock and the standard library; never the model or ops.
"""
