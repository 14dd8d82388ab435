"""TLS for the standalone server, and SSE-C over it: boto3 and the AWS CLI verifying the
certificate the server made, and the plain-HTTP refusal of SSE-C."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions
import pytest
from botocore.exceptions import ClientError

import s3emu
from helpers import CHILD_CWD, child_env, error_of
from s3emu import cli, tls
from s3emu.ops.support import sse

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
KEY_MD5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
SSEC = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
UNBLOCK = {"Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]}


def client(srv: s3emu.Server, verify=None):
    return boto3.client("s3", endpoint_url=srv.endpoint_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        verify=srv.ca_path if verify is None else verify,
                        config=botocore.config.Config(retries={"total_max_attempts": 1}))


@pytest.fixture
def s3tls(tls_server):
    tls_server.emulator.reset()
    s3 = client(tls_server)
    s3.create_bucket(Bucket="tls-bucket")
    s3.put_bucket_encryption(Bucket="tls-bucket", ServerSideEncryptionConfiguration=UNBLOCK)
    return s3


def test_tls_server_has_an_https_endpoint_and_a_ca_file(tls_server):
    assert tls_server.endpoint_url.startswith("https://127.0.0.1:")
    ca = Path(tls_server.ca_path).read_text()
    assert ca.startswith("-----BEGIN CERTIFICATE-----") and ca.count("BEGIN CERTIFICATE") == 1
    assert client(tls_server).list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_certificate_is_really_checked(tls_server):
    with pytest.raises(botocore.exceptions.SSLError):
        client(tls_server, verify=True).list_buckets()      # the system CAs do not know it
    context = ssl.create_default_context(cafile=tls_server.ca_path)
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as wrapped:
            assert wrapped.version() in ("TLSv1.2", "TLSv1.3")


def test_a_client_that_does_not_speak_tls_is_dropped(tls_server, s3tls):
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert not raw.recv(1024).startswith(b"HTTP/")
    assert s3tls.list_buckets()["Buckets"][0]["Name"] == "tls-bucket"


def test_sse_c_rules_over_tls(s3tls):
    put = s3tls.put_object(Bucket="tls-bucket", Key="obj", Body=b"data", **SSEC)
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert put["ETag"] != f'"{hashlib.md5(b"data").hexdigest()}"'
    assert s3tls.get_object(Bucket="tls-bucket", Key="obj", **SSEC)["Body"].read() == b"data"
    head = s3tls.head_object(Bucket="tls-bucket", Key="obj", **SSEC)
    assert head["SSECustomerKeyMD5"] == KEY_MD5
    with pytest.raises(ClientError) as exc:
        s3tls.get_object(Bucket="tls-bucket", Key="obj")
    assert error_of(exc) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3tls.get_object(Bucket="tls-bucket", Key="obj", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=OTHER)
    assert error_of(exc) == (403, "AccessDenied")
    s3tls.put_object(Bucket="tls-bucket", Key="plain", Body=b"data")
    with pytest.raises(ClientError) as exc:
        s3tls.get_object(Bucket="tls-bucket", Key="plain", **SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    with pytest.raises(ClientError) as exc:
        s3tls.put_object(Bucket="tls-bucket", Key="bad", Body=b"x",
                         SSECustomerAlgorithm="AES256", SSECustomerKey=b"short")
    assert error_of(exc) == (400, "InvalidArgument")


def test_copy_with_the_source_key_over_tls(s3tls):
    s3tls.put_object(Bucket="tls-bucket", Key="src", Body=b"data", **SSEC)
    copied = s3tls.copy_object(Bucket="tls-bucket", Key="dst", CopySource="tls-bucket/src",
                               CopySourceSSECustomerAlgorithm="AES256",
                               CopySourceSSECustomerKey=KEY, SSECustomerAlgorithm="AES256",
                               SSECustomerKey=OTHER)
    assert copied["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(OTHER).digest()).decode()
    got = s3tls.get_object(Bucket="tls-bucket", Key="dst", SSECustomerAlgorithm="AES256",
                           SSECustomerKey=OTHER)
    assert got["Body"].read() == b"data"
    with pytest.raises(ClientError) as exc:
        s3tls.copy_object(Bucket="tls-bucket", Key="dst2", CopySource="tls-bucket/src")
    assert error_of(exc) == (400, "InvalidRequest")


def test_s3transfer_multipart_with_sse_c_over_tls(tls_server, s3tls):
    import io

    from boto3.s3.transfer import TransferConfig
    mib = 1024 * 1024
    config = TransferConfig(multipart_threshold=5 * mib, multipart_chunksize=5 * mib)
    data = bytes(range(256)) * (11 * mib // 256)
    s3tls.upload_fileobj(io.BytesIO(data), "tls-bucket", "big", ExtraArgs=SSEC, Config=config)
    parts = [e for e in tls_server.emulator.journal if e.operation == "UploadPart"]
    assert len(parts) == 3 and all(e.status == 200 for e in parts)
    out = io.BytesIO()
    s3tls.download_fileobj("tls-bucket", "big", out, ExtraArgs=SSEC, Config=config)
    assert out.getvalue() == data


def test_plain_http_server_refuses_sse_c(server):
    s3 = client(server, verify=False)
    s3.create_bucket(Bucket="http-bucket")
    s3.put_bucket_encryption(Bucket="http-bucket", ServerSideEncryptionConfiguration=UNBLOCK)
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="http-bucket", Key="k", Body=b"x", **SSEC)
    assert error_of(exc) == (400, "InvalidRequest")
    assert exc.value.response["Error"]["Message"] == sse.INSECURE
    s3.put_object(Bucket="http-bucket", Key="plain", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="http-bucket", Key="plain", **SSEC)
    assert exc.value.response["Error"]["Message"] == sse.INSECURE
    assert "k" not in server.emulator.store.bucket("http-bucket").objects


def test_plain_http_server_can_allow_sse_c():
    with s3emu.Server(allow_insecure_ssec=True) as srv:
        s3 = client(srv, verify=False)
        s3.create_bucket(Bucket="http-bucket")
        s3.put_bucket_encryption(Bucket="http-bucket", ServerSideEncryptionConfiguration=UNBLOCK)
        s3.put_object(Bucket="http-bucket", Key="k", Body=b"x", **SSEC)
        assert s3.get_object(Bucket="http-bucket", Key="k", **SSEC)["Body"].read() == b"x"


def test_a_given_certificate_and_key(tmp_path):
    files = tls.make_self_signed(folder=str(tmp_path))
    assert files.folder is None                      # a given folder is not removed
    with s3emu.Server(cert=files.cert, key=files.key) as srv:
        assert srv.endpoint_url.startswith("https://") and srv.ca_path is None
        assert client(srv, verify=files.ca).list_buckets()["Buckets"] == []
    assert Path(files.key).stat().st_mode & 0o777 == 0o600


def test_made_certificates_are_removed_on_stop():
    srv = s3emu.Server(tls=True).start()
    folder = Path(srv.ca_path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["ca.pem", "cert.pem", "key.pem"]
    srv.stop()
    assert not folder.exists() and srv.ca_path is None


def test_cert_and_key_go_together():
    with pytest.raises(ValueError):
        s3emu.Server(cert="cert.pem")


def test_without_cryptography_making_a_certificate_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "cryptography", None)
    srv = s3emu.Server(tls=True)
    with pytest.raises(RuntimeError, match=r"pip install 's3emu\[tls\]'"):
        srv.start()
    assert not srv.running


# -- the command line and the AWS CLI ---------------------------------------------------------
def aws_env() -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               AWS_PAGER="")
    return env


def test_cli_tls_with_the_aws_cli(tmp_path):
    env = child_env()
    proc = subprocess.Popen([sys.executable, "-m", "s3emu", "serve", "--port", "0", "--tls",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=CHILD_CWD, env=env)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        endpoint = re.search(r"https://127\.0\.0\.1:\d+", first)
        ca = re.search(r"CA file (\S+)", second)
        assert endpoint and ca, (first, second)
        key_file = tmp_path / "key.bin"
        key_file.write_bytes(KEY)
        (tmp_path / "hello.txt").write_bytes(b"hello over tls")

        def aws(*args: str, check: bool = True) -> subprocess.CompletedProcess:
            done = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url",
                                   endpoint.group(0), "--ca-bundle", ca.group(1), *args],
                                  env=aws_env(), cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120)
            assert not check or done.returncode == 0, done.stderr
            return done

        aws("s3api", "create-bucket", "--bucket", "cli-tls")
        aws("s3api", "put-bucket-encryption", "--bucket", "cli-tls",
            "--server-side-encryption-configuration",
            '{"Rules":[{"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}}]}')
        aws("s3", "cp", "hello.txt", "s3://cli-tls/hello.txt", "--sse-c", "AES256",
            "--sse-c-key", "fileb://key.bin")
        assert aws("s3", "cp", "s3://cli-tls/hello.txt", "-", "--sse-c", "AES256",
                   "--sse-c-key", "fileb://key.bin").stdout == "hello over tls"
        refused = aws("s3api", "get-object", "--bucket", "cli-tls", "--key", "hello.txt",
                      "out.txt", check=False)
        assert refused.returncode != 0 and "InvalidRequest" in refused.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
    assert not Path(ca.group(1)).exists()            # made certificates go with the server


def test_cli_tls_option_errors(tmp_path, capsys):
    assert cli.main(["serve", "--port", "0", "--cert", "c.pem"]) == 2
    assert "--cert and --key go together" in capsys.readouterr().err
    missing = str(tmp_path / "missing.pem")
    assert cli.main(["serve", "--port", "0", "--cert", missing, "--key", missing]) == 2
    assert "cannot load --cert/--key" in capsys.readouterr().err
    files = tls.make_self_signed(folder=str(tmp_path))
    assert cli.main(["serve", "--port", "0", "--tls", "--cert", files.cert,
                     "--key", files.key]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--tls", "--cert", "--key", "--allow-insecure-ssec"):
        assert option in out
