"""boto3 with awscrt installed (``boto3[crt]``), in-process through ``mock_s3``.

With awscrt present botocore signs S3 requests with the CRT signer (``botocore.crt.auth``),
which reads the time through its own reference to ``get_current_datetime``; ``mock_s3`` must
move that one to the emulator's clock too, or every request is RequestTimeTooSkewed (the
emulator's clock starts at 2025-01-01). ``make test`` runs without awscrt; this runs here,
where awscrt is installed for the other clients.
"""
from __future__ import annotations

import boto3
import botocore.auth
import botocore.crt.auth
import requests

import s3emu


def test_crt_signer_signs_with_the_emulator_clock() -> None:
    assert botocore.auth.AUTH_TYPE_MAPS["s3v4"] is botocore.crt.auth.CrtS3SigV4Auth
    with s3emu.mock_s3() as emu:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="crt")
        s3.put_object(Bucket="crt", Key="k", Body=b"signed by awscrt")
        assert s3.get_object(Bucket="crt", Key="k")["Body"].read() == b"signed by awscrt"
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "crt", "Key": "k"})
        assert requests.get(url).content == b"signed by awscrt"
        emu.clock.advance(hours=2)                      # signing follows the clock
        assert s3.head_object(Bucket="crt", Key="k")["ContentLength"] == 16
        assert emu.journal.count(error_code="RequestTimeTooSkewed") == 0
