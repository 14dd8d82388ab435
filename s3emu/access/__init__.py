"""Access control: ACLs, bucket policies, Object Ownership and Block Public Access.

Pure modules, no HTTP and no XML: :mod:`.acl` (the ACL model, canned ACLs, grant headers),
:mod:`.policy` (bucket policies: validation and evaluation), :mod:`.policy_conditions` (policy
condition operators), :mod:`.actions` (S3 operations as IAM actions and resources),
:mod:`.decide` (the decision in S3's order) and :mod:`.enforce` (the decision applied to a
request). The XML and HTTP side lives in ``s3emu.ops`` (``acl``, ``policy``, ``ownership``,
``public_access``).
"""
