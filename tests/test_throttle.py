"""Per-prefix throttling: exact budgets, refill by the emulator clock, SlowDown through boto3,
prefixes and kinds isolated, botocore's standard retry mode recovering without real waiting."""
from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

import s3emu
from helpers import error_of, make_client
from s3emu.clock import Clock
from s3emu.throttle import S3_READS, S3_WRITES, Throttle, depth_prefix, kind_of, \
    last_slash_prefix


def drain(throttle: Throttle, bucket: str, key: str | None, kind: str, limit: int = 100_000):
    """How many requests pass in a row at the current clock reading."""
    passed = 0
    while passed < limit and throttle.check(bucket, key, kind):
        passed += 1
    return passed


# -- the token buckets, driven directly ------------------------------------------------------
def test_off_by_default_and_every_request_passes():
    throttle = Throttle(Clock())
    assert not throttle.enabled
    assert throttle.settings()["enabled"] is False
    assert all(throttle.check("b", "k", "write") for _ in range(10_000))


def test_s3_preset_allows_exactly_5500_reads_and_3500_writes_per_prefix():
    clock = Clock()
    throttle = Throttle(clock, "s3")
    assert (S3_READS, S3_WRITES) == (5500, 3500)
    assert drain(throttle, "b", "logs/a", "read") == 5500
    assert drain(throttle, "b", "logs/a", "write") == 3500
    assert throttle.settings() == {"enabled": True, "reads": 5500, "writes": 3500,
                                   "read_burst": 5500, "write_burst": 3500, "prefix": None}


def test_refill_follows_the_clock_to_the_microsecond():
    clock = Clock()
    throttle = Throttle(clock, "s3")
    drain(throttle, "b", "k", "read")
    clock.advance(timedelta(microseconds=181))     # 181 us * 5500/s = 0.9955 of a request
    assert not throttle.check("b", "k", "read")
    clock.advance(timedelta(microseconds=1))       # 182 us: 1.001 requests
    assert throttle.check("b", "k", "read")
    assert not throttle.check("b", "k", "read")
    clock.advance(seconds=1)
    assert drain(throttle, "b", "k", "read") == 5500


def test_refused_requests_take_nothing():
    clock = Clock()
    throttle = Throttle(clock, {"writes": 10})
    assert drain(throttle, "b", "k", "write") == 10
    for _ in range(1000):
        assert not throttle.check("b", "k", "write")
    clock.advance(seconds=0.1)                     # exactly one request's worth
    assert throttle.check("b", "k", "write")
    assert not throttle.check("b", "k", "write")


def test_buckets_refill_only_up_to_the_burst():
    clock = Clock()
    throttle = Throttle(clock, {"reads": 10, "burst": 3})
    assert drain(throttle, "b", "k", "read") == 3
    clock.advance(hours=5)
    assert drain(throttle, "b", "k", "read") == 3
    assert throttle.remaining("b", "k", "read") == 0.0
    clock.advance(seconds=0.15)
    assert throttle.remaining("b", "k", "read") == 1.5


def test_fractional_rates_and_separate_bursts():
    clock = Clock()
    throttle = Throttle(clock, {"reads": 0.5, "writes": 2, "write_burst": 5})
    assert drain(throttle, "b", "k", "read") == 1      # one second's worth, at least one
    assert drain(throttle, "b", "k", "write") == 5
    clock.advance(seconds=1.999999)
    assert not throttle.check("b", "k", "read")
    clock.advance(timedelta(microseconds=1))
    assert throttle.check("b", "k", "read")
    assert throttle.settings()["reads"] == 0.5


def test_prefixes_buckets_and_kinds_are_isolated():
    throttle = Throttle(Clock(), {"reads": 2, "writes": 1})
    assert drain(throttle, "b", "logs/2024/a.txt", "read") == 2
    assert not throttle.check("b", "logs/2024/other.txt", "read")   # same prefix
    assert throttle.check("b", "logs/2025/a.txt", "read")           # another prefix
    assert throttle.check("b", "logs/a.txt", "read")                # its parent is another
    assert throttle.check("other", "logs/2024/a.txt", "read")       # another bucket
    assert throttle.check("b", "logs/2024/a.txt", "write")          # the write budget
    assert drain(throttle, "b", None, "read") == 2                  # bucket level: ""
    assert not throttle.check("b", "top-level.txt", "read")         # also prefix ""


def test_only_the_configured_kind_is_limited():
    throttle = Throttle(Clock(), {"writes": 1})
    assert drain(throttle, "b", "k", "write") == 1
    assert drain(throttle, "b", "k", "read", limit=10_000) == 10_000


@pytest.mark.parametrize("key, expected", [
    ("logs/2024/a.txt", "logs/2024/"), ("a.txt", ""), ("dir/", "dir/"), ("a//b", "a//"),
    ("/lead", "/"), ("", ""),
])
def test_default_prefix_is_the_key_up_to_its_last_slash(key, expected):
    assert last_slash_prefix(key) == expected
    assert Throttle(Clock(), "s3").prefix_of(key) == expected


@pytest.mark.parametrize("depth, key, expected", [
    (1, "logs/2024/a.txt", "logs/"), (2, "logs/2024/a.txt", "logs/2024/"),
    (5, "logs/2024/a.txt", "logs/2024/"), (0, "logs/2024/a.txt", ""), (1, "a.txt", ""),
])
def test_prefix_depth(depth, key, expected):
    assert depth_prefix(depth)(key) == expected


def test_prefix_depth_and_callable_rules():
    throttle = Throttle(Clock(), {"reads": 1, "prefix": 1})
    assert throttle.check("b", "logs/2024/a", "read")
    assert not throttle.check("b", "logs/2025/b", "read")     # both under logs/
    assert throttle.settings()["prefix"] == 1
    by_first_letter = Throttle(Clock(), {"reads": 1, "prefix": lambda key: key[:1]})
    assert by_first_letter.check("b", "apple", "read")
    assert not by_first_letter.check("b", "avocado", "read")
    assert by_first_letter.check("b", "banana", "read")
    assert by_first_letter.settings()["prefix"] == "custom"


def test_kind_follows_the_method():
    assert [kind_of(m) for m in ("GET", "HEAD", "PUT", "POST", "DELETE")] == \
        ["read", "read", "write", "write", "write"]


def test_the_same_requests_at_the_same_clock_readings_get_the_same_answers():
    def run() -> list[bool]:
        clock = Clock()
        throttle = Throttle(clock, {"reads": 7, "writes": 3, "burst": 4})
        rng = random.Random(42)
        answers = []
        for _ in range(2000):
            clock.advance(timedelta(microseconds=rng.randrange(0, 300_000)))
            key = rng.choice(["a/1", "a/2", "b/1", "c"])
            answers.append(throttle.check("bkt", key, rng.choice(["read", "write"])))
        return answers
    first = run()
    assert first == run()
    assert True in first and False in first


def test_setting_the_clock_back_refills_nothing():
    clock = Clock()
    throttle = Throttle(clock, {"reads": 1})
    assert throttle.check("b", "k", "read")
    clock.set(clock.now() - timedelta(days=1))
    assert not throttle.check("b", "k", "read")
    clock.advance(seconds=1)
    assert throttle.check("b", "k", "read")


def test_reconfiguring_and_reset_refill_every_bucket():
    throttle = Throttle(Clock(), {"reads": 1})
    assert throttle.check("b", "k", "read") and not throttle.check("b", "k", "read")
    throttle.reset()
    assert throttle.check("b", "k", "read") and not throttle.check("b", "k", "read")
    throttle.configure(reads=2)
    assert drain(throttle, "b", "k", "read") == 2
    throttle.configure("s3", writes=10)                     # keywords override the preset
    assert throttle.settings()["reads"] == 5500 and throttle.settings()["writes"] == 10
    throttle.disable()
    assert not throttle.enabled and throttle.check("b", "k", "read")


@pytest.mark.parametrize("spec, message", [
    ("fast", "unknown throttle preset"),
    ({"reads": 0}, "positive"),
    ({"writes": -5}, "positive"),
    ({"reads": 5, "burst": 0}, "whole number"),
    ({"reads": 5, "read_burst": 2.5}, "whole number"),
    ({"reads": 5, "prefix": "logs/"}, "prefix"),
    ({"reads": 5, "rate": 3}, "unknown throttle settings"),
])
def test_bad_settings_are_refused(spec, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Throttle(Clock(), spec)


# -- through boto3, in-process ---------------------------------------------------------------
#: The budget of the tests below that are marked with it: 4 reads and 3 writes a second.
limited = pytest.mark.s3emu(throttle={"reads": 4, "writes": 3})


def no_retries():
    return make_client(retries={"total_max_attempts": 1})


@limited
def test_exactly_the_budget_passes_then_slow_down_then_refill(emu):
    s3 = no_retries()
    s3.create_bucket(Bucket="bkt")                          # bucket level: prefix ""
    for n in range(3):
        s3.put_object(Bucket="bkt", Key=f"logs/{n}", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket="bkt", Key="logs/3", Body=b"x")
    assert error_of(exc) == (503, "SlowDown")
    assert exc.value.response["Error"]["Message"] == "Please reduce your request rate."
    last = emu.journal[-1]
    assert (last.operation, last.status, last.error_code, last.throttled, last.faulted) == \
        ("PutObject", 503, "SlowDown", True, False)
    assert emu.journal.count(throttled=True) == 1
    with pytest.raises(ClientError):                        # refused: still nothing refilled
        s3.put_object(Bucket="bkt", Key="logs/3", Body=b"x")
    emu.clock.advance(seconds=0.334)                   # one write: 1/3 s
    s3.put_object(Bucket="bkt", Key="logs/3", Body=b"x")
    with pytest.raises(ClientError):
        s3.put_object(Bucket="bkt", Key="logs/4", Body=b"x")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"]] == \
        ["logs/0", "logs/1", "logs/2", "logs/3"]           # throttled puts stored nothing


@limited
def test_reads_and_writes_have_separate_budgets(emu):
    s3 = no_retries()
    s3.create_bucket(Bucket="bkt")
    for _ in range(3):
        s3.put_object(Bucket="bkt", Key="d/k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket="bkt", Key="d/k")           # DELETE is a write
    assert error_of(exc) == (503, "SlowDown")
    s3.get_object(Bucket="bkt", Key="d/k")
    s3.head_object(Bucket="bkt", Key="d/k")
    s3.get_object(Bucket="bkt", Key="d/k")
    s3.head_object(Bucket="bkt", Key="d/k")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket="bkt", Key="d/k")             # HEAD is a read
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


@limited
def test_prefixes_are_isolated_through_boto3(emu):
    s3 = no_retries()
    s3.create_bucket(Bucket="one")
    s3.create_bucket(Bucket="two")
    for _ in range(3):
        s3.put_object(Bucket="one", Key="logs/a", Body=b"x")
    with pytest.raises(ClientError):
        s3.put_object(Bucket="one", Key="logs/b", Body=b"x")
    s3.put_object(Bucket="one", Key="data/a", Body=b"x")
    s3.put_object(Bucket="one", Key="logs/deeper/a", Body=b"x")
    s3.put_object(Bucket="two", Key="logs/a", Body=b"x")
    throttled = emu.journal.filter(throttled=True)
    assert [(e.bucket, e.key) for e in throttled] == [("one", "logs/b")]


@limited
def test_listings_spend_the_read_budget_of_their_prefix(emu):
    s3 = no_retries()
    s3.create_bucket(Bucket="bkt")
    for _ in range(4):
        s3.list_objects_v2(Bucket="bkt", Prefix="logs/")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="bkt", Key="logs/x")           # same prefix: spent
    assert error_of(exc) == (503, "SlowDown")
    s3.list_objects_v2(Bucket="bkt")                        # no prefix: the budget of ""
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket="bkt", Key="missing")          # "" again: 2 of 4 spent
    assert error_of(exc) == (404, "NoSuchKey")


@limited
def test_requests_without_a_bucket_are_not_throttled(emu):
    s3 = no_retries()
    for _ in range(10):
        s3.list_buckets()
    assert emu.journal.count(throttled=True) == 0


def test_emulator_preset_reset_keeps_the_configuration():
    emu = s3emu.Emulator(throttle="s3")
    assert emu.throttle.enabled and emu.throttle.settings()["reads"] == 5500
    assert drain(emu.throttle, "b", "k", "write") == 3500
    emu.reset()
    assert emu.throttle.settings()["writes"] == 3500
    assert emu.throttle.check("b", "k", "write")
    assert not s3emu.Emulator().throttle.enabled


@pytest.mark.s3emu(throttle={"writes": 100, "burst": 1})
def test_standard_retry_mode_recovers_from_slow_down_without_waiting(emu, monkeypatch):
    def no_sleep(seconds):
        raise AssertionError(f"time.sleep({seconds}) called")

    s3 = make_client(retries={"mode": "standard", "total_max_attempts": 5})
    s3.create_bucket(Bucket="bkt")
    monkeypatch.setattr(time, "sleep", no_sleep)
    random.seed(7)                  # botocore's back-off jitter uses the random module
    start = emu.clock.now()
    s3.put_object(Bucket="bkt", Key="a/1", Body=b"x")
    response = s3.put_object(Bucket="bkt", Key="a/2", Body=b"x")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["ResponseMetadata"]["RetryAttempts"] >= 1
    puts = emu.journal.filter(operation="PutObject")
    assert [(e.key, e.status, e.throttled) for e in puts] == \
        [("a/1", 200, False)] + [("a/2", 503, True)] * (len(puts) - 2) + [("a/2", 200, False)]
    assert emu.clock.now() - start >= timedelta(seconds=0.01)   # back-off moved the clock
    assert s3.get_object(Bucket="bkt", Key="a/2")["Body"].read() == b"x"


@pytest.mark.parametrize("rate", ["5", b"5", True, float("nan"), float("inf"), 1e300, 0, -1])
def test_a_rate_that_is_not_a_sane_number_is_refused(rate):
    with pytest.raises(ValueError):
        s3emu.Emulator(throttle={"reads": rate})
