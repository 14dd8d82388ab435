"""HTTP and S3 wire formats: routing, addressing, request bodies (aws-chunked, checksums, caps),
numbers, JSON and XML in and out, dates, replies and error rendering.

It imports :mod:`s3emu.errors`, the model's values and the standard library (plus xmltodict);
never the operations, auth, access or the Emulator.
"""
