"""``s3emu serve --data-dir``: the whole state across restarts of ``s3emu serve`` subprocesses
through boto3 (objects, versions, delete markers, uploads in progress, configurations, ACLs,
policies, pending restores), a crash after a debounced write, seeds and users at restart;
damaged, foreign, incompatible and busy directories refused with a one-line message and exit
code 2, their files untouched; and the snapshot and data-directory modules in-process
(pending replication, access logs, notifications, ids, the clock rule, atomic writes)."""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import pickle
import signal
import stat
import subprocess
import sys

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

import s3emu
from s3emu import Emulator, cli, mock_s3, snapshot
from s3emu.auth.users import Users
from s3emu.datadir import (BLOBS, EXTERNAL, LOCK, SNAPSHOT, TEMP_PREFIX, DataDirError,
                           Persistence)
from helpers import CHILD_CWD, child_env, error_of, log_to, make_client, start_serve

ADMIN = {"X-S3emu-Admin": "1"}
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "keep", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
    "Resource": "arn:aws:s3:::keep"}]})
LIFECYCLE = {"Rules": [{"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                        "Expiration": {"Days": 30}}]}


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    return err


def _files(path: pathlib.Path) -> dict[str, tuple[str, int]]:
    """Every file under ``path``: its digest and modification time (ns)."""
    return {str(p.relative_to(path)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                       p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*")) if p.is_file()}


def _write_state(s3) -> dict[str, str]:
    s3.create_bucket(Bucket="keep")
    s3.put_bucket_versioning(Bucket="keep", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="keep", Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket="keep", Key="k", Body=b"two", Metadata={"colour": "blue"},
                           Tagging="kind=doc")["VersionId"]
    marker = s3.delete_object(Bucket="keep", Key="k")["VersionId"]
    s3.put_bucket_policy(Bucket="keep", Policy=POLICY)
    s3.put_bucket_acl(Bucket="keep", ACL="public-read")
    s3.put_bucket_tagging(Bucket="keep", Tagging={"TagSet": [{"Key": "team", "Value": "a"}]})
    s3.put_bucket_lifecycle_configuration(Bucket="keep", LifecycleConfiguration=LIFECYCLE)
    s3.put_object(Bucket="keep", Key="cold", Body=b"frozen", StorageClass="GLACIER")
    s3.restore_object(Bucket="keep", Key="cold",
                      RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
    upload = s3.create_multipart_upload(Bucket="keep", Key="big")["UploadId"]
    etag = s3.upload_part(Bucket="keep", Key="big", UploadId=upload, PartNumber=1,
                          Body=b"p" * 1024)["ETag"]
    return {"first": first, "second": second, "marker": marker, "upload": upload,
            "etag": etag}


def _check_state(s3, made: dict[str, str]) -> None:
    listing = s3.list_object_versions(Bucket="keep", Prefix="k")
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [
        (made["second"], False), (made["first"], False)]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == [made["marker"]]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="keep", Key="k")
    assert error_of(exc) == (404, "NoSuchKey")
    old = s3.get_object(Bucket="keep", Key="k", VersionId=made["second"])
    assert old["Body"].read() == b"two" and old["Metadata"] == {"colour": "blue"}
    assert s3.get_object_tagging(Bucket="keep", Key="k", VersionId=made["second"])[
        "TagSet"] == [{"Key": "kind", "Value": "doc"}]
    assert json.loads(s3.get_bucket_policy(Bucket="keep")["Policy"]) == json.loads(POLICY)
    grants = s3.get_bucket_acl(Bucket="keep")["Grants"]
    assert {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"} in [
        g["Grantee"] for g in grants if g["Permission"] == "READ"]
    assert s3.get_bucket_tagging(Bucket="keep")["TagSet"] == [{"Key": "team", "Value": "a"}]
    assert s3.get_bucket_lifecycle_configuration(Bucket="keep")["Rules"][0]["ID"] == "old"
    assert s3.get_bucket_versioning(Bucket="keep")["Status"] == "Enabled"
    uploads = s3.list_multipart_uploads(Bucket="keep")["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big", made["upload"])]
    assert s3.head_object(Bucket="keep", Key="cold")["Restore"] == 'ongoing-request="true"'


def test_the_whole_state_survives_a_restart(tmp_path):
    data = tmp_path / "data"
    proc, endpoint, _ = start_serve("--data-dir", str(data), "--bucket-defaults", "legacy")
    try:
        made = _write_state(make_client(endpoint_url=endpoint))
    finally:
        _stop(proc)
    assert sorted(os.listdir(data)) == sorted([LOCK, SNAPSHOT])
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / SNAPSHOT).stat().st_mode) == 0o600
    assert b"testing" in (data / SNAPSHOT).read_bytes()[:4096]      # the access key ...
    proc, endpoint, _ = start_serve("--data-dir", str(data), "--bucket-defaults", "legacy")
    try:
        s3 = make_client(endpoint_url=endpoint)
        _check_state(s3, made)
        # the restore queued before the restart completes on the clock (5 min, Expedited)
        moved = requests.post(f"{endpoint}/_s3emu/clock/advance", json={"minutes": 6},
                              headers=ADMIN, timeout=10)
        assert moved.status_code == 200
        assert s3.head_object(Bucket="keep", Key="cold")["Restore"].startswith(
            'ongoing-request="false", expiry-date=')
        assert s3.get_object(Bucket="keep", Key="cold")["Body"].read() == b"frozen"
        done = s3.complete_multipart_upload(
            Bucket="keep", Key="big", UploadId=made["upload"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": made["etag"]}]})
        assert s3.get_object(Bucket="keep", Key="big")["Body"].read() == b"p" * 1024
        assert done["VersionId"] not in made.values()     # the ids go on, never repeat
        with pytest.raises(ClientError) as exc:             # the policy still denies
            s3.delete_bucket(Bucket="keep")
        assert error_of(exc) == (403, "AccessDenied")
    finally:
        _stop(proc)


def test_a_crash_keeps_what_was_written_in_the_background(tmp_path):
    data = tmp_path / "data"
    proc, endpoint, first = start_serve("--data-dir", str(data), "--save-interval", "0.1")
    try:
        s3 = make_client(endpoint_url=endpoint)
        s3.create_bucket(Bucket="crash")
        s3.put_object(Bucket="crash", Key="survivor", Body=b"written")
        for _ in range(400):      # the debounced snapshot: no clean shutdown will write it
            if (data / SNAPSHOT).exists() and b"survivor" in (data / SNAPSHOT).read_bytes():
                break
            try:
                proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        assert b"survivor" in (data / SNAPSHOT).read_bytes()
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    proc, endpoint, _ = start_serve("--data-dir", str(data))
    try:
        s3 = make_client(endpoint_url=endpoint)
        assert s3.get_object(Bucket="crash", Key="survivor")["Body"].read() == b"written"
    finally:
        _stop(proc)


def test_seeds_fill_a_new_directory_only_and_users_are_not_kept(tmp_path):
    seed = tmp_path / "seed"
    (seed / "seeded").mkdir(parents=True)
    (seed / "seeded" / "a.txt").write_bytes(b"seeded")
    data = tmp_path / "data"
    proc, endpoint, _ = start_serve("--data-dir", str(data), "--seed", str(seed))
    try:
        s3 = make_client(endpoint_url=endpoint)
        assert s3.get_object(Bucket="seeded", Key="a.txt")["Body"].read() == b"seeded"
        s3.delete_object(Bucket="seeded", Key="a.txt")
    finally:
        _stop(proc)
    assert b"testing" in (data / SNAPSHOT).read_bytes()
    assert b"testing:testing" not in (data / SNAPSHOT).read_bytes()
    proc, endpoint, _ = start_serve("--data-dir", str(data), "--seed", str(seed),
                                    "--user", "other:secret-of-other")
    try:
        s3 = s3emu_client(endpoint, "other", "secret-of-other")
        assert s3.list_objects_v2(Bucket="seeded")["KeyCount"] == 0    # not seeded again
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["seeded"]
    finally:
        err = _stop(proc)
    assert f"s3emu: --seed ignored: {data} holds a state already" in err
    assert (f"s3emu: warning: {data} was written with user(s) 'testing' (account "
            f"123456789012), not given now (--user / --users-file); their buckets stay, but "
            f"they cannot sign requests") in err
    assert b"secret-of-other" not in (data / SNAPSHOT).read_bytes()


def s3emu_client(endpoint: str, key: str, secret: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)


# -- refused directories -------------------------------------------------------------------------
def _saved(path: pathlib.Path) -> bytes:
    """A data directory at ``path`` with a snapshot of one bucket and object; its bytes."""
    emu = Emulator()
    with mock_s3(emulator=emu):
        s3 = make_client()
        s3.create_bucket(Bucket="saved")
        s3.put_object(Bucket="saved", Key="k", Body=b"v")
    with Persistence.open(emu, str(path)) as kept:
        kept.save()
    return (path / SNAPSHOT).read_bytes()


def _header_says(data: bytes, **changes) -> bytes:
    head, _, rest = data[len(snapshot.MAGIC):].partition(b"\n")
    fields = {**json.loads(head), **changes}
    return snapshot.MAGIC + json.dumps(fields).encode() + b"\n" + rest


DAMAGES = {
    "truncated": (lambda data: data[:-10],
                  "damaged snapshot: {n} bytes of state where its header says {m}"),
    "flipped": (lambda data: data[:-5] + bytes([data[-5] ^ 1]) + data[-4:],
                "damaged snapshot: its checksum does not match its content"),
    "not ours": (lambda data: b"PK\x03\x04" + data[4:],
                 "not an s3emu snapshot (it does not start with the s3emu marker)"),
    "cut header": (lambda data: data[:len(snapshot.MAGIC) + 20],
                   "damaged snapshot: its header is cut short"),
    "format 2": (lambda data: _header_says(data, format=2),
                 f"snapshot format 2 (written by s3emu {s3emu.__version__}); this s3emu "
                 f"{s3emu.__version__} reads format 1"),
    "other version": (lambda data: _header_says(data, s3emu="0.0.1"),
                      f"written by s3emu 0.0.1; this is s3emu {s3emu.__version__}, which "
                      f"loads only its own snapshots (run s3emu 0.0.1, or start with a new "
                      f"--data-dir)"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_incompatible_snapshot_is_refused_and_left_alone(damage, tmp_path, capsys):
    data = tmp_path / "data"
    good = _saved(data)
    change, says = DAMAGES[damage]
    (data / SNAPSHOT).write_bytes(change(good))
    without_lock = damage in ("truncated", "format 2")
    if without_lock:        # copied without its lock file: none is made
        os.remove(data / LOCK)
    before = _files(data)
    assert cli.main(["serve", "--port", "0", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    says = says.format(n=len(good) - 10 - good.index(b"\n", len(snapshot.MAGIC)) - 1,
                       m=len(good) - good.index(b"\n", len(snapshot.MAGIC)) - 1)
    assert err == f"s3emu: --data-dir: {data / SNAPSHOT}: {says}\n"
    assert _files(data) == before and (LOCK in os.listdir(data)) is not without_lock


def test_a_foreign_directory_is_refused_and_left_alone(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    before = _files(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "s3emu", "serve", "--port", "0",
                           "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=CHILD_CWD,
                          env=child_env())
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"s3emu: --data-dir: {tmp_path} is not an s3emu data directory: it "
                           f"holds 'notes.txt' and no {SNAPSHOT}; give an empty or new "
                           f"directory\n")
    assert _files(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["notes.txt", "photos"]


def test_a_file_and_a_busy_directory_are_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert cli.main(["serve", "--port", "0", "--data-dir", str(tmp_path / "file")]) == 2
    assert capsys.readouterr().err == (f"s3emu: --data-dir: {tmp_path / 'file'} is not a "
                                       f"directory\n")
    with Persistence.open(Emulator(), str(tmp_path / "busy")):
        assert cli.main(["serve", "--port", "0", "--data-dir", str(tmp_path / "busy")]) == 2
    assert capsys.readouterr().err == (f"s3emu: --data-dir: {tmp_path / 'busy'} is in use by "
                                       f"another s3emu server\n")


def test_a_pickle_of_anything_else_is_not_run(tmp_path):
    payload = pickle.dumps(os.system)      # checksum right, content not an s3emu state
    header = snapshot.Header(format=snapshot.FORMAT, version=s3emu.__version__,
                             length=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    with pytest.raises(snapshot.SnapshotError) as exc:
        snapshot.restore(Emulator(), snapshot.MAGIC + header.line() + payload)
    assert str(exc.value) == (f"cannot load the state (written by s3emu {s3emu.__version__}): "
                              f"UnpicklingError: posix.system is not part of an s3emu state")


def test_help_lists_the_flags(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--help"])
    assert exc.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--data-dir DIR keep the whole state" in out
    assert "--save-interval SECONDS with --data-dir: the least time between two snapshots " \
           "(default: 1)" in out


# -- the snapshot and the data directory, in-process ---------------------------------------------
def test_background_work_notifications_and_ids_survive_a_snapshot():
    queue = "arn:aws:sqs:us-east-1:123456789012:events"
    emu = Emulator()
    with mock_s3(emulator=emu):
        s3 = make_client()
        for name in ("source", "replica", "logs"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="source", ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/r", "Rules": [{
                "ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {},
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": "arn:aws:s3:::replica"}}]})
        s3.put_bucket_notification_configuration(Bucket="source", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue, "Events": ["s3:ObjectCreated:*"]}]})
        log_to(s3, "source", "logs", "access/")
        version = s3.put_object(Bucket="source", Key="k", Body=b"data")["VersionId"]
    pending = emu.scheduler.pending()
    assert [name for _, name in pending] == [
        "replication of source/k", "access logs of source", "intelligent tiering",
        "inventory", "lifecycle"]
    saved = snapshot.capture(emu).data

    again = Emulator()
    header = snapshot.restore(again, saved)
    assert header.users == [["testing", "123456789012"]]
    assert again.scheduler.pending() == pending
    assert all(bucket.lock is again.store.lock for bucket in again.store.buckets.values())
    assert again.store.lock is not emu.store.lock and again.store.clock is again.clock
    assert [m["Records"][0]["s3"]["object"]["key"] for m in again.notifications.messages(queue)
            if "Records" in m] == ["k"]
    with mock_s3(emulator=again):
        s3 = make_client()
        assert s3.head_object(Bucket="source", Key="k")["ReplicationStatus"] == "PENDING"
        again.clock.advance(minutes=6)
        assert s3.head_object(Bucket="source", Key="k")["ReplicationStatus"] == "COMPLETED"
        assert s3.head_object(Bucket="replica", Key="k")["VersionId"] == version
        logs = s3.list_objects_v2(Bucket="logs", Prefix="access/")["Contents"]
        assert len(logs) == 1
        newer = s3.put_object(Bucket="source", Key="k", Body=b"more")["VersionId"]
        assert newer != version
    assert again.journal.count(operation="S3.REPLICATE.OBJECT") == 1


def test_the_clock_moves_forward_to_the_snapshot_never_back():
    emu = Emulator()
    emu.clock.advance(days=3)
    saved = snapshot.capture(emu).data
    behind = Emulator()
    snapshot.restore(behind, saved)
    assert behind.clock.now() == emu.clock.now()
    ahead = Emulator(clock=s3emu.Clock("2030-01-01T00:00:00Z"))
    snapshot.restore(ahead, saved)
    assert ahead.clock.now().isoformat() == "2030-01-01T00:00:00+00:00"


def test_snapshots_are_debounced_and_written_atomically(tmp_path, monkeypatch):
    emu = Emulator()
    data = tmp_path / "data"
    kept = Persistence.open(emu, str(data), interval=0.05)
    assert kept.loaded is None and sorted(os.listdir(data)) == [LOCK]
    kept.start()
    for _ in range(50):
        kept.changed()
    for _ in range(200):
        if kept.written:
            break
        kept._stopping.wait(0.05)
    assert kept.written >= 1 and (data / SNAPSHOT).exists()
    first = (data / SNAPSHOT).read_bytes()

    def failing(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", failing)
    emu.store.create_bucket("later", "us-east-1", "123456789012")
    with pytest.raises(OSError):
        kept.save()
    assert (data / SNAPSHOT).read_bytes() == first          # the previous one, whole
    assert sorted(os.listdir(data)) == sorted([LOCK, SNAPSHOT])     # no temporary file left
    monkeypatch.undo()
    kept.close()
    assert b"later" in (data / SNAPSHOT).read_bytes()       # the last one, at close
    (data / f"{TEMP_PREFIX}123-0").write_bytes(b"half written")
    with Persistence.open(Emulator(), str(data)) as reopened:
        assert reopened.loaded is not None
        assert "later" in reopened.emulator.store.buckets
    assert sorted(os.listdir(data)) == sorted([LOCK, SNAPSHOT])     # the crash's leftover is gone


def test_a_server_with_a_data_dir_keeps_its_state(tmp_path):
    data = str(tmp_path / "data")
    emu = Emulator(clock=s3emu.Clock.system())
    with s3emu.Server(emu, persistence=Persistence.open(emu, data)) as srv:
        s3 = make_client(endpoint_url=srv.endpoint_url)
        s3.create_bucket(Bucket="served")
        s3.put_object(Bucket="served", Key="k", Body=b"kept")
    with pytest.raises(RuntimeError):
        srv.start()                  # the directory was released when it stopped
    emu = Emulator(clock=s3emu.Clock.system())
    srv2 = s3emu.Server(emu, persistence=Persistence.open(emu, data))
    with pytest.raises(DataDirError):   # one server per directory
        Persistence.open(Emulator(), data)
    with srv2:
        s3 = make_client(endpoint_url=srv2.endpoint_url)
        assert s3.get_object(Bucket="served", Key="k")["Body"].read() == b"kept"


def test_large_object_bytes_are_files_written_once(tmp_path):
    big = os.urandom(EXTERNAL)
    digest = hashlib.sha256(big).hexdigest()
    emu = Emulator()
    data = tmp_path / "data"
    with mock_s3(emulator=emu):
        s3 = make_client()
        s3.create_bucket(Bucket="large")
        s3.put_object(Bucket="large", Key="big", Body=big)
        s3.put_object(Bucket="large", Key="copy", Body=big)      # the same bytes: one file
        s3.put_object(Bucket="large", Key="small", Body=b"s" * (EXTERNAL - 1))
        kept = Persistence.open(emu, str(data))
        kept.save()
        assert os.listdir(data / BLOBS) == [digest]
        assert big not in (data / SNAPSHOT).read_bytes()
        assert b"s" * (EXTERNAL - 1) in (data / SNAPSHOT).read_bytes()   # small: inline
        written = (data / BLOBS / digest).stat().st_mtime_ns
        s3.put_object(Bucket="large", Key="other", Body=b"o" * EXTERNAL)
        kept.save()
        assert (data / BLOBS / digest).stat().st_mtime_ns == written     # not written again
        assert len(os.listdir(data / BLOBS)) == 2
        s3.delete_object(Bucket="large", Key="other")
        kept.close()
    assert os.listdir(data / BLOBS) == [digest]      # a segment no snapshot names is removed
    again = Emulator()
    with Persistence.open(again, str(data)), mock_s3(emulator=again):
        s3 = make_client()
        assert s3.get_object(Bucket="large", Key="big")["Body"].read() == big
        assert s3.get_object(Bucket="large", Key="copy")["Body"].read() == big


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_a_missing_or_altered_segment_file_is_refused(damage, tmp_path, capsys):
    emu = Emulator()
    data = tmp_path / "data"
    with mock_s3(emulator=emu):
        s3 = make_client()
        s3.create_bucket(Bucket="large")
        s3.put_object(Bucket="large", Key="big", Body=b"b" * EXTERNAL)
    with Persistence.open(emu, str(data)):
        pass
    digest = hashlib.sha256(b"b" * EXTERNAL).hexdigest()
    if damage == "missing":
        os.remove(data / BLOBS / digest)
        says = f"damaged data directory: {BLOBS}/{digest} is missing"
    else:
        (data / BLOBS / digest).write_bytes(b"c" * EXTERNAL)
        says = f"damaged object bytes: {digest} (not the bytes the snapshot names)"
    before = _files(data)
    assert cli.main(["serve", "--port", "0", "--data-dir", str(data)]) == 2
    assert capsys.readouterr().err == f"s3emu: --data-dir: {data / SNAPSHOT}: {says}\n"
    assert _files(data) == before


def test_no_secret_is_in_a_snapshot_and_sse_c_objects_still_read():
    import base64

    key = bytes(range(100, 132))
    users = Users()
    users.add("writer", "writer-secret-Zq9x")
    emu = Emulator(users=users)
    with mock_s3(emulator=emu):
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="writer",
                          aws_secret_access_key="writer-secret-Zq9x")
        s3.create_bucket(Bucket="secret")
        s3.put_bucket_encryption(Bucket="secret", ServerSideEncryptionConfiguration={
            "Rules": [{"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
        s3.put_object(Bucket="secret", Key="k", Body=b"hidden", SSECustomerAlgorithm="AES256",
                      SSECustomerKey=key)
        s3.create_multipart_upload(Bucket="secret", Key="up", SSECustomerAlgorithm="AES256",
                                   SSECustomerKey=key)
    data = snapshot.capture(emu).data
    for secret in (b"writer-secret-Zq9x", key, base64.b64encode(key)):
        assert secret not in data
    assert b"writer" in data        # the access key, in the header
    again = Emulator(users=users)
    snapshot.restore(again, data)
    with mock_s3(emulator=again):
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="writer",
                          aws_secret_access_key="writer-secret-Zq9x")
        got = s3.get_object(Bucket="secret", Key="k", SSECustomerAlgorithm="AES256",
                            SSECustomerKey=key)
        assert got["Body"].read() == b"hidden"
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket="secret", Key="k", SSECustomerAlgorithm="AES256",
                          SSECustomerKey=bytes(32))
        assert error_of(exc) == (403, "AccessDenied")


def test_a_state_holding_a_user_is_never_pickled():
    emu = Emulator()
    emu.store.buckets["stray"] = emu.users.default       # as if the model held a user
    with pytest.raises(pickle.PicklingError) as exc:
        snapshot.capture(emu)
    assert str(exc.value) == "a user (with its secret) is not part of a snapshot"


def test_a_read_that_makes_an_access_log_record_is_saved(tmp_path):
    emu = Emulator(clock=s3emu.Clock.system())
    with mock_s3(emulator=emu):
        s3 = make_client()
        for name in ("read", "logs"):
            s3.create_bucket(Bucket=name)
        log_to(s3, "read", "logs", "access/")
        s3.list_objects_v2(Bucket="read")         # the first record: a delivery is queued
    kept = Persistence.open(emu, str(tmp_path / "data"), interval=60)
    with s3emu.Server(emu, persistence=kept) as srv:
        s3 = make_client(endpoint_url=srv.endpoint_url)
        s3.list_objects_v2(Bucket="read")     # a read: one more record, in the same batch
        assert kept._dirty.is_set()
        kept._dirty.clear()
        s3.list_objects_v2(Bucket="logs")     # a read of a bucket without logging
        assert not kept._dirty.is_set()


@pytest.mark.parametrize("fields", [{"users": [["only-a-key"]]}, {"users": "testing"},
                                    {"clock": "yesterday"}, {"length": "many"}])
def test_a_header_of_the_wrong_shape_is_damage(fields):
    data = _header_says(snapshot.capture(Emulator()).data, **fields)
    with pytest.raises(snapshot.SnapshotError) as exc:
        snapshot.read_header(data)
    assert str(exc.value) == "damaged snapshot: its header is not readable"


def test_uploads_started_after_a_restart_list_after_the_loaded_ones(monkeypatch):
    import itertools

    from s3emu.model import uploads

    emu = Emulator()
    with mock_s3(emulator=emu):
        s3 = make_client()
        s3.create_bucket(Bucket="ups")
        first = [s3.create_multipart_upload(Bucket="ups", Key="same")["UploadId"]
                 for _ in range(3)]
    saved = snapshot.capture(emu).data
    monkeypatch.setattr(uploads, "_sequence", itertools.count())     # a new process
    again = Emulator()
    snapshot.restore(again, saved)
    with mock_s3(emulator=again):      # the same key at the same (frozen) instant
        s3 = make_client()
        later = s3.create_multipart_upload(Bucket="ups", Key="same")["UploadId"]
        listed = [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="ups")["Uploads"]]
    assert listed == [*first, later]
