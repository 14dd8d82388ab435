"""The pytest plugin, run through ``pytester``: registration, fixtures, the marker, options,
isolation between tests, session fixtures, and the request log of a failed test.

With s3emu installed (``make test``) the plugin is loaded by its ``pytest11`` entry point; from
a source checkout (``PYTHONPATH=.``) the inner runs load it with ``-p pytest_plugin.plugin``.
"""
from __future__ import annotations

import configparser
import importlib.metadata
import pathlib

import pytest
import requests  # noqa: F401  (imported here: pytester drops modules an inner run imports)

from helpers import INSTALLED, PLUGIN_ARGS, child_env

pytest_plugins = ["pytester"]

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN_ARGS, *args)


def test_entry_point_registers_the_project_specific_module():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["options.entry_points"]["pytest11"].strip() == "s3emu = s3emu_pytest.plugin"
    setup_py = (ROOT / "setup.py").read_text("utf-8")
    assert '"s3emu_pytest"' in setup_py and '{"s3emu_pytest": "pytest_plugin"}' in setup_py
    if INSTALLED:
        points = importlib.metadata.entry_points(group="pytest11")
        assert [p.value for p in points if p.name == "s3emu"] == ["s3emu_pytest.plugin"]


def test_plugin_is_active_without_configuration(pytester):
    pytester.makepyfile("""
        def test_fixture_exists(request):
            assert request.config.pluginmanager.hasplugin(%r)
            emu = request.getfixturevalue("s3emu")
            assert type(emu).__name__ == "Emulator"
    """ % ("s3emu" if INSTALLED else "pytest_plugin.plugin"))
    run(pytester, "--strict-markers").assert_outcomes(passed=1)


def test_importing_the_plugin_does_not_import_s3emu_or_botocore(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", child_env()["PYTHONPATH"])
    pytester.makepyfile("""
        import sys
        def test_lazy():
            assert "s3emu" not in sys.modules and "botocore" not in sys.modules
    """)
    result = pytester.runpytest_subprocess(*PLUGIN_ARGS)
    result.assert_outcomes(passed=1)


def test_fixtures_give_a_fresh_patched_emulator_and_client(pytester):
    pytester.makepyfile("""
        import boto3, requests
        from s3emu.mock import current

        def test_first(s3emu, s3_client):
            assert current() is s3emu
            s3_client.create_bucket(Bucket="first")
            boto3.client("s3").put_object(Bucket="first", Key="k", Body=b"v")
            url = s3_client.generate_presigned_url(
                "get_object", Params={"Bucket": "first", "Key": "k"})
            assert requests.get(url).content == b"v"
            assert [e.operation for e in s3emu.journal] == [
                "CreateBucket", "PutObject", "GetObject"]

        def test_second_starts_empty(s3_client, s3emu):
            assert s3_client.list_buckets()["Buckets"] == []
            assert len(s3emu.journal) == 1

        def test_nothing_is_patched_without_the_fixture():
            assert current() is None
    """)
    run(pytester).assert_outcomes(passed=3)


def test_marker_configures_the_fixture(pytester):
    pytester.makepyfile("""
        import datetime
        import pytest

        @pytest.mark.s3emu(region="eu-west-1", buckets=["made-a", "made-b"],
                           clock="2031-02-03T04:05:06Z", credentials={"ak": "sk"})
        def test_configured(s3emu, s3_client):
            assert s3emu.region == "eu-west-1" and s3_client.meta.region_name == "eu-west-1"
            assert s3emu.clock.now() == datetime.datetime(2031, 2, 3, 4, 5, 6,
                                                          tzinfo=datetime.timezone.utc)
            names = [b["Name"] for b in s3_client.list_buckets()["Buckets"]]
            assert names == ["made-a", "made-b"]
            assert s3_client.get_bucket_location(Bucket="made-a")["LocationConstraint"] == \\
                "eu-west-1"
            assert s3emu.journal[-1].access_key == "ak"

        @pytest.mark.s3emu(region="ap-south-1")
        class TestClassMarker:
            @pytest.mark.s3emu(buckets=["inner"])
            def test_closest_marker_wins_per_argument(self, s3emu):
                assert s3emu.region == "ap-south-1"
                assert list(s3emu.store.buckets) == ["inner"]

        @pytest.mark.s3emu(bukets=["typo"])
        def test_unknown_argument(s3emu):
            pass
    """)
    result = run(pytester, "--strict-markers")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.s3emu takes keyword arguments*bukets*"])


def test_s3_emulator_is_the_same_emulator_and_leaves_the_module_usable(pytester):
    pytester.makepyfile("""
        import s3emu

        def test_alias(s3_emulator, s3_client, request):
            assert s3_emulator is request.getfixturevalue("s3emu")
            s3_client.create_bucket(Bucket="aliased")
            assert list(s3_emulator.store.buckets) == ["aliased"]
            assert s3emu.Clock().now().year == 2025      # the module, not a fixture
    """)
    run(pytester).assert_outcomes(passed=1)


def test_the_clock_may_follow_real_time(pytester):
    pytester.makeini("""
        [pytest]
        s3emu_clock = system
    """)
    pytester.makepyfile("""
        import datetime
        import pytest

        def test_from_the_ini(s3emu, s3_client):
            now = datetime.datetime.now(datetime.timezone.utc)
            assert s3emu.clock.ticking
            assert abs((s3emu.clock.now() - now).total_seconds()) < 60
            s3_client.create_bucket(Bucket="real-time")
            made = s3_client.list_buckets()["Buckets"][0]["CreationDate"]
            assert abs((made - now).total_seconds()) < 60

        @pytest.mark.s3emu(clock="2031-02-03T04:05:06Z")
        def test_the_marker_still_wins(s3emu):
            assert not s3emu.clock.ticking and s3emu.clock.now().year == 2031

        @pytest.mark.s3emu(clock="yesterday")
        def test_a_bad_value_is_named(s3emu):
            pass

        @pytest.mark.s3emu(clock=12)
        def test_a_bad_type_is_named(s3emu):
            pass
    """)
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines([
        "*s3emu: clock must be an ISO 8601 instant such as '2025-01-01T00:00:00Z', a datetime, "
        "or 'system', not 'yesterday'*",
        "*s3emu: clock must be an ISO 8601 instant such as '2025-01-01T00:00:00Z', a datetime, "
        "or 'system', not 12*"])


def test_marker_and_option_seed_data(pytester):
    seeds = pytester.path / "seeds"
    (seeds / "tiny" / "tiny-bucket" / "docs").mkdir(parents=True)
    (seeds / "tiny" / "tiny-bucket" / "docs" / "a.txt").write_text("seeded")
    pytester.makeini("""
        [pytest]
        s3emu_seed_dir = seeds
        s3emu_region = us-west-2
    """)
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.s3emu(seed="tiny")
        def test_seed_by_name(s3_client, s3emu):
            assert s3emu.region == "us-west-2"
            body = s3_client.get_object(Bucket="tiny-bucket", Key="docs/a.txt")["Body"].read()
            assert body == b"seeded"

        @pytest.mark.s3emu(seed={str(ROOT / "fixtures" / "webshop")!r})
        def test_seed_by_path(s3_client):
            head = s3_client.head_object(Bucket="webshop-assets", Key="css/site.css")
            assert head["ContentType"] == "text/css"
            assert head["CacheControl"] == "public, max-age=31536000, immutable"

        @pytest.mark.s3emu(seed="missing")
        def test_missing_seed(s3emu):
            pass

        def test_default_seed_from_the_command_line(s3emu):
            assert list(s3emu.store.buckets) == ["tiny-bucket"]
    """)
    result = run(pytester, "--s3emu-seed=tiny")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*seed data set 'missing' not found*"])


def test_bad_option_value_is_a_usage_error(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, "--s3emu-auth=maybe")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*auth must be one of on, off*"])


def test_failed_test_report_shows_the_request_log(pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.s3emu(buckets=["logged"])
        def test_fails(s3_client):
            s3_client.put_object(Bucket="logged", Key="present.txt", Body=b"x")
            with pytest.raises(s3_client.exceptions.NoSuchKey):
                s3_client.get_object(Bucket="logged", Key="absent.txt")
            assert False, "the code under test went wrong"

        def test_passes(s3_client):
            s3_client.list_buckets()
    """)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*- s3emu requests (s3emu) -*",
        "#*operation*bucket*key*status*error",
        "1*PutObject*logged*present.txt*200",
        "2*GetObject*logged*absent.txt*404*NoSuchKey",
    ])
    assert "ListBuckets" not in result.stdout.str()


def test_report_section_is_attached_to_the_failed_report_only(pytester):
    pytester.makepyfile("""
        def test_fails(s3emu, s3_client):
            s3_client.list_buckets()
            raise RuntimeError("boom")

        def test_passes(s3emu, s3_client):
            s3_client.list_buckets()
    """)
    recorder = pytester.inline_run(*PLUGIN_ARGS)
    reports = [r for r in recorder.getreports("pytest_runtest_logreport") if r.when == "call"]
    sections = {r.nodeid.split("::")[-1]: dict(r.sections) for r in reports}
    assert "ListBuckets" in sections["test_fails"]["s3emu requests (s3emu)"]
    assert "s3emu requests (s3emu)" not in sections["test_passes"]


def test_the_report_shows_session_fixtures_and_mock_s3_requests(pytester):
    pytester.makepyfile("""
        import boto3
        import s3emu

        def test_session_earlier(s3emu_session):
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="before")

        def test_session_fails(s3emu_session):
            boto3.client("s3", region_name="us-east-1").head_bucket(Bucket="before")
            assert False, "session"

        @s3emu.mock_s3
        def test_decorated_fails():
            boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="decorated")
            assert False, "decorator"

        def test_with_fails():
            with s3emu.mock_s3():
                boto3.client("s3", region_name="us-east-1").list_buckets()
            assert False, "with"
    """)
    recorder = pytester.inline_run(*PLUGIN_ARGS)
    reports = [r for r in recorder.getreports("pytest_runtest_logreport") if r.when == "call"]
    sections = {r.nodeid.split("::")[-1]: dict(r.sections) for r in reports}
    session = sections["test_session_fails"]["s3emu requests (s3emu_session)"]
    assert "HeadBucket" in session and "CreateBucket" not in session   # from the call on
    assert "CreateBucket" in sections["test_decorated_fails"]["s3emu requests (mock_s3)"]
    assert "ListBuckets" in sections["test_with_fails"]["s3emu requests (mock_s3)"]
    assert sections["test_session_earlier"] == {}                     # passed: no section


def test_report_can_be_turned_off(pytester):
    pytester.makepyfile("""
        def test_fails(s3_client):
            s3_client.list_buckets()
            assert False
    """)
    result = run(pytester, "--s3emu-report=never")
    result.assert_outcomes(failed=1)
    assert "s3emu requests" not in result.stdout.str()


def test_server_fixture_serves_subprocesses_through_the_environment(pytester):
    pytester.makepyfile(f"""
        import os, subprocess, sys

        SCRIPT = (
            "import boto3\\n"
            "s3 = boto3.client('s3')\\n"
            "s3.create_bucket(Bucket='from-child')\\n"
            "s3.put_object(Bucket='from-child', Key='k', Body=b'child')\\n")

        def test_child_process_uses_the_server(s3emu_server):
            assert os.environ["AWS_ENDPOINT_URL_S3"] == s3emu_server.endpoint_url
            env = dict(os.environ, AWS_CONFIG_FILE=os.devnull,
                       AWS_SHARED_CREDENTIALS_FILE=os.devnull)
            subprocess.run([sys.executable, "-c", SCRIPT], env=env, check=True, timeout=60)
            bucket = s3emu_server.emulator.store.bucket("from-child")
            assert bucket.get("k").blob.tobytes() == b"child"
            assert s3emu_server.emulator.clock.ticking

        def test_environment_is_restored():
            assert os.environ.get("AWS_ENDPOINT_URL_S3") == {None!r}
    """)
    run(pytester).assert_outcomes(passed=2)


def test_session_fixtures_share_state(pytester):
    pytester.makepyfile("""
        import urllib.error, urllib.request
        import boto3
        from s3emu.mock import current

        def client():
            return boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                                aws_secret_access_key="testing")

        def test_one(s3emu_session, s3emu_server_session):
            client().create_bucket(Bucket="session-bucket")
            assert current() is s3emu_session
            try:  # urllib.request is not patched: this goes to the live server, a separate S3
                urllib.request.urlopen(s3emu_server_session.endpoint_url + "/session-bucket")
            except urllib.error.HTTPError as error:
                assert error.code == 404 and b"NoSuchBucket" in error.read()
            else:
                raise AssertionError("the server has no such bucket")

        def test_two(s3emu_session):
            assert [b["Name"] for b in client().list_buckets()["Buckets"]] == ["session-bucket"]

        def test_function_fixture_nests_inside(s3emu_session, s3emu):
            assert current() is s3emu
            assert client().list_buckets()["Buckets"] == []

        def test_three(s3emu_session):
            assert current() is s3emu_session
    """)
    run(pytester).assert_outcomes(passed=4)


def test_isolation_under_xdist(pytester):
    # pytest-xdist is part of the test extra: this runs in every `make test`.
    pytester.makepyfile("""
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_same_bucket_everywhere(s3_client, s3emu, n):
            assert s3_client.list_buckets()["Buckets"] == []
            s3_client.create_bucket(Bucket="same-name")
            s3_client.put_object(Bucket="same-name", Key="n", Body=str(n).encode())
            assert len(s3emu.journal) == 3

        def test_failure_report_crosses_processes(s3_client):
            s3_client.list_buckets()
            assert False
    """)
    result = run(pytester, "-n", "2")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*s3emu requests (s3emu)*", "1*ListBuckets*200*"])


def readme_test_modules() -> dict[str, str]:
    """The ``python`` blocks of the README's testing section, by the file name in their first
    line (``# test_x.py``)."""
    text = (ROOT / "README.md").read_text("utf-8")
    modules = {}
    for name in ("install", "testing"):
        section = text.split(f"<!-- section: {name} -->", 1)[1]
        section = section.split(f"<!-- /section: {name} -->")[0]
        for block in section.split("```python\n")[1:]:
            code = block.split("```", 1)[0]
            first = code.splitlines()[0]
            assert first.startswith("# test_") and first.endswith(".py"), first
            modules[first[2:-3]] = code
    return modules


#: README modules that need clients ``make test`` does not install (aiobotocore, aioboto3,
#: s3fs): run by ``make test-clients`` (tests_clients/test_aio_inprocess.py)
CLIENT_MODULES = ("test_with_aiobotocore",)


def test_readme_examples_run(pytester):
    modules = readme_test_modules()
    assert sorted(modules) == ["test_quickstart", "test_s3_select", "test_storage_cost",
                               "test_storage_usage", "test_with_aiobotocore", "test_with_fixtures",
                               "test_with_mock", "test_with_seed_data"]
    pytester.makepyfile(**{name: code for name, code in modules.items()
                           if name not in CLIENT_MODULES})
    result = run(pytester, f"--s3emu-seed-dir={ROOT / 'fixtures'}", "-p", "no:randomly")
    result.assert_outcomes(passed=15)


# -- seed data (s3emu.seed, Emulator.load / dump) ------------------------------------------------
def seeded_client(emu):
    import boto3

    from s3emu.mock import MockS3
    mock = MockS3(emu)
    mock.start()
    return mock, boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")


def test_load_the_reports_seed():
    import s3emu
    emu = s3emu.Emulator()
    assert emu.load(ROOT / "fixtures" / "reports") == ["acme-reports"]
    mock, s3 = seeded_client(emu)
    try:
        listed = s3.list_objects_v2(Bucket="acme-reports")["Contents"]
        assert [o["Key"] for o in listed] == [
            "archive/2024-12/2024-12-31.csv", "incoming/2025-01-01.csv",
            "incoming/2025-01-02.csv", "incoming/notes.txt"]
        head = s3.head_object(Bucket="acme-reports", Key="incoming/2025-01-02.csv")
        body = (ROOT / "fixtures/reports/acme-reports/incoming/2025-01-02.csv").read_bytes()
        import hashlib
        assert head["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
        assert head["ContentType"] == "text/csv" and head["ContentLength"] == len(body)
        assert head["Metadata"] == {"source": "pos-export", "store": "0042"}
        assert head["LastModified"] == emu.clock.now()
        notes = s3.head_object(Bucket="acme-reports", Key="incoming/notes.txt")
        assert notes["ContentType"] == "text/plain" and notes["Metadata"] == {}
    finally:
        mock.stop()


def test_load_the_webshop_seed():
    import s3emu
    emu = s3emu.Emulator()
    assert emu.load(ROOT / "fixtures" / "webshop") == ["webshop-assets", "webshop-orders"]
    mock, s3 = seeded_client(emu)
    try:
        assert s3.get_bucket_location(Bucket="webshop-orders")["LocationConstraint"] == \
            "eu-west-1"
        assert s3.get_bucket_location(Bucket="webshop-assets")["LocationConstraint"] is None
        order = s3.head_object(Bucket="webshop-orders", Key="orders/2025/01/order-1002.json")
        assert order["Metadata"] == {"status": "shipped"}
        assert order["StorageClass"] == "STANDARD_IA"
        assert order["ContentType"] == "application/json"
        assert emu.store.bucket("webshop-orders").get(
            "orders/2025/01/order-1002.json").tags == {"priority": "high"}
        page = s3.get_object(Bucket="webshop-assets", Key="index.html")
        assert page["CacheControl"] == "no-cache"
        assert page["ContentType"] == "text/html; charset=utf-8"
        assert b"<h1>Welcome</h1>" in page["Body"].read()
    finally:
        mock.stop()


def test_dump_then_load_round_trips_every_object(tmp_path):
    import s3emu
    emu = s3emu.Emulator()
    mock, s3 = seeded_client(emu)
    keys = {"plain.txt": b"plain", "dir/": b"", "a": b"file a", "a/b": b"under a",
            "x//y": b"double", "../up": b"dots", "./here": b"dot",
            "uni/ключ é.bin": b"\x00\xff",
            "trap.s3emu.json": b"{}", "data.unknownext": b"raw"}
    try:
        s3.create_bucket(Bucket="round-trip")
        s3.create_bucket(Bucket="far-away", CreateBucketConfiguration={
            "LocationConstraint": "ap-southeast-2"})
        for key, body in keys.items():
            s3.put_object(Bucket="round-trip", Key=key, Body=body)
        s3.put_object(Bucket="far-away", Key="styled.css", Body=b"p{}", ContentType="text/x-odd",
                      Metadata={"Owner": "me"}, Tagging="team=web&tier=1",
                      StorageClass="GLACIER_IR", CacheControl="max-age=60")
    finally:
        mock.stop()
    assert emu.dump(tmp_path / "dump") == ["far-away", "round-trip"]
    assert (tmp_path / "dump" / "round-trip" / "plain.txt").read_bytes() == b"plain"
    assert (tmp_path / "dump" / "round-trip" / "uni" / "ключ é.bin").exists()
    assert len(list((tmp_path / "dump" / "round-trip" / ".s3emu-keys").glob("*.s3emu.json"))) == 6

    again = s3emu.Emulator()
    assert again.load(tmp_path / "dump") == ["far-away", "round-trip"]
    for name in ("round-trip", "far-away"):
        old, new = emu.store.bucket(name), again.store.bucket(name)
        assert new.region == old.region and new.keys == old.keys
        for key in old.keys:
            a, b = old.get(key), new.get(key)
            assert (b.blob.tobytes(), b.etag, b.metadata, dict(b.content), b.tags,
                    b.storage_class) == (a.blob.tobytes(), a.etag, a.metadata, dict(a.content),
                                         a.tags, a.storage_class), key


def test_dump_refuses_a_non_empty_folder_unless_told(tmp_path):
    import s3emu
    emu = s3emu.Emulator()
    emu.load(ROOT / "fixtures" / "reports")
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        emu.dump(tmp_path)
    stale = tmp_path / "acme-reports" / "stale.csv"
    stale.parent.mkdir()
    stale.write_text("old")
    emu.dump(tmp_path, overwrite=True)
    assert not stale.exists() and (tmp_path / "keep.txt").read_text() == "mine"
    assert (tmp_path / "acme-reports" / "incoming" / "2025-01-01.csv").exists()


@pytest.mark.parametrize("files, message", [
    ({"bkt/k.txt.s3emu.json": "{}"}, "no object file beside it"),
    ({"bkt/k.txt": "x", "bkt/k.txt.s3emu.json": '{"Colour": "red"}'}, "unknown fields"),
    ({"bkt/k.txt": "x", "bkt/k.txt.s3emu.json": "{nope"}, "not valid JSON"),
    ({"bkt/k.txt": "x", "bkt/k.txt.s3emu.json": "[1]"}, "JSON object"),
    ({"bkt/k.txt": "x", "bkt/k.txt.s3emu.json": '{"StorageClass": "COLD"}'}, "StorageClass"),
    ({"Not_A_Bucket/k.txt": "x"}, "bucket is not valid"),
    ({"good-bucket/k.txt": "x", "zz/k.txt": "x"}, "bucket is not valid"),
])
def test_bad_seed_trees_are_refused(tmp_path, files, message):
    import s3emu
    from s3emu.seed import SeedError
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    emu = s3emu.Emulator()
    with pytest.raises(SeedError, match=message):
        emu.load(tmp_path)
    assert emu.store.buckets == {}  # checked before anything is created


def test_seed_load_skips_placeholders_and_needs_a_directory(tmp_path):
    import s3emu
    from s3emu.seed import SeedError
    (tmp_path / "empty-bucket").mkdir()
    (tmp_path / "empty-bucket" / ".gitkeep").write_text("")
    emu = s3emu.Emulator()
    assert emu.load(tmp_path) == ["empty-bucket"]
    assert len(emu.store.bucket("empty-bucket")) == 0
    with pytest.raises(SeedError, match="not a directory"):
        emu.load(tmp_path / "missing")


def test_marker_passes_emulator_options(pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.s3emu(throttle="s3", min_part_size=1, block_sse_c=False)
        def test_options(s3emu):
            assert s3emu.throttle.enabled
            assert s3emu.min_part_size == 1
            assert s3emu.block_sse_c is False

        def test_defaults(s3emu):
            assert not s3emu.throttle.enabled
            assert s3emu.min_part_size == 5 * 1024 * 1024
            assert s3emu.block_sse_c is True
    """)
    run(pytester).assert_outcomes(passed=2)
