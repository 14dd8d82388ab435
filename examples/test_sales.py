"""Tests of the example application code in ``sales.py``: once with the plugin's fixtures and
marker (seed data from ``fixtures/reports``), once with the ``s3emu.mock_s3`` decorator.
Run with ``pytest examples`` once s3emu is installed: the plugin registers itself.
"""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import requests

import s3emu
from s3emu.mock import current
from sales import SUMMARY_KEY, list_reports, share_summary, summarize_sales, upload_reports

SEEDS = Path(__file__).resolve().parent.parent / "fixtures"
SEEDED_TOTALS = {"north": "102.47", "south": "66.49"}


@pytest.mark.s3emu(seed="reports")
def test_summary_of_seeded_reports(s3_client, s3emu):
    summary = summarize_sales(s3_client, "acme-reports")

    assert summary["reports"] == ["incoming/2025-01-01.csv", "incoming/2025-01-02.csv"]
    assert summary["revenue"] == SEEDED_TOTALS
    assert summary["units"] == {"north": 20, "south": 12}
    stored = s3_client.get_object(Bucket="acme-reports", Key=SUMMARY_KEY)
    assert stored["ContentType"] == "application/json"
    assert json.loads(stored["Body"].read()) == summary
    # the emulator's journal tells what the code did
    assert s3emu.journal.count(operation="GetObject") == 3
    assert s3emu.journal.count(operation="PutObject") == 1


@pytest.mark.s3emu(buckets=["acme-reports"])
def test_uploaded_reports_are_listed_and_summarized(s3_client, tmp_path):
    export = tmp_path / "2025-02-01.csv"
    export.write_text("region,product,units,unit_price\nwest,widget,4,2.50\n")

    assert upload_reports(s3_client, "acme-reports", [export]) == ["incoming/2025-02-01.csv"]
    assert list_reports(s3_client, "acme-reports") == ["incoming/2025-02-01.csv"]
    assert summarize_sales(s3_client, "acme-reports")["revenue"] == {"west": "10.00"}


@pytest.mark.s3emu(seed="reports")
def test_shared_link_serves_the_summary(s3_client):
    summarize_sales(s3_client, "acme-reports")
    response = requests.get(share_summary(s3_client, "acme-reports"))  # in-process, no socket
    assert response.status_code == 200
    assert response.json()["revenue"] == SEEDED_TOTALS


def test_missing_bucket_is_reported_like_s3(s3_client):
    with pytest.raises(s3_client.exceptions.NoSuchBucket):
        summarize_sales(s3_client, "no-such-bucket")


@s3emu.mock_s3
def test_with_the_decorator(tmp_path):
    s3 = boto3.client("s3")  # credentials and region come from the emulator
    s3.create_bucket(Bucket="acme-reports")
    current().load(SEEDS / "reports")  # seed data, also without the plugin
    export = tmp_path / "2025-01-03.csv"
    export.write_text("region,product,units,unit_price\nnorth,gizmo,2,7.25\n")
    upload_reports(s3, "acme-reports", [export])

    summary = summarize_sales(s3, "acme-reports")
    assert summary["revenue"] == {"north": "116.97", "south": "66.49"}
    assert len(summary["reports"]) == 3
