"""The dashboard in a real browser: headless Chromium loads every page of /_s3emu/ui/ from an
``s3emu serve`` started with seed data, clicks from a bucket through a prefix to an object and
its older version, downloads it, filters the request journal (and sees a new request come in
live), reads the throttle and fault state and the storage figures, and asks for the token when
the server has one. Each step saves a screenshot into the artifacts directory."""
from __future__ import annotations

import json
from pathlib import Path

import boto3
import botocore.config
import pytest
import requests
from botocore.exceptions import ClientError

from browser_helpers import chromium, serving

UI = "/_s3emu/ui/"
WAIT = 15


def seed_tree(root: Path) -> Path:
    """A seed directory: ``photos`` (versioned) with a prefix and an object with metadata and
    tags, and ``logs``."""
    photos = root / "photos"
    (photos / "2026").mkdir(parents=True)
    (photos / "2026" / "cat.txt").write_bytes(b"first cat")
    (photos / "2026" / "cat.txt.s3emu.json").write_text(json.dumps(
        {"ContentType": "text/plain", "Metadata": {"owner": "ann"}, "Tags": {"kind": "pet"}}))
    (photos / "readme.md").write_bytes(b"# photos\n")
    (root / "photos.s3emu.json").write_text(json.dumps({"Versioning": "Enabled"}))
    (root / "logs" / "app").mkdir(parents=True)
    (root / "logs" / "app" / "2026-12-01.log").write_bytes(b"started\n" * 100)
    return root


def admin(url: str, method: str, path: str, token: str = "1", **kwargs):
    return requests.request(method, f"{url}/_s3emu/{path}", timeout=10,
                            headers={"X-S3emu-Admin": token}, **kwargs)


def client(url: str):
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(retries={"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """``s3emu serve --seed`` with a second version of the cat, two failed reads in the
    journal, a throttle and a pending fault."""
    root = seed_tree(tmp_path_factory.mktemp("seed"))
    with serving("--seed", str(root)) as url:
        s3 = client(url)
        s3.put_object(Bucket="photos", Key="2026/cat.txt", Body=b"second cat",
                      Metadata={"owner": "bob"}, Tagging="kind=cat")
        for key in ("missing-1", "missing-2"):
            with pytest.raises(ClientError):
                s3.get_object(Bucket="photos", Key=key)
        assert admin(url, "POST", "throttle", json={"reads": 1000, "writes": 500}).ok
        assert admin(url, "POST", "faults", json={
            "operation": "DeleteBucket", "bucket": "never-there", "error": "InternalError",
            "times": 2}).status_code == 201
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def ui(downloads):
    """A Chromium of its own (the CORS tests' one stays on their page)."""
    driver = chromium("1280,900", downloads=downloads)
    try:
        yield driver
    finally:
        driver.quit()


def waiter(driver):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def on_page(driver, name: str):
    """Wait until the page ``name`` has rendered (the script marks the body)."""
    from selenium.webdriver.common.by import By
    waiter(driver).until(lambda d: d.find_element(By.TAG_NAME, "body")
                         .get_attribute("data-page") == name)


def shot(driver, artifacts: Path, name: str) -> None:
    assert driver.save_screenshot(str(artifacts / f"dashboard-{name}.png"))


def texts(driver, css: str) -> list[str]:
    """The texts of the elements ``css`` selects, read in one script run (the journal's rows
    are replaced every second: elements found one call earlier may be gone)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]),"
        " e => e.innerText.replace(/\\t+/g, ' '))", css)


def test_buckets_page(ui, seeded, artifacts):
    ui.get(seeded + UI)
    on_page(ui, "buckets")
    assert ui.title == "s3emu dashboard"
    assert texts(ui, "a.bucket") == ["logs", "photos"]
    rows = texts(ui, "main tbody tr")
    assert rows[1].startswith("photos us-east-1") and rows[1].endswith("Enabled 2")
    assert "emulator clock" in texts(ui, "#clock")[0]
    assert not ui.find_element("id", "error").is_displayed()
    shot(ui, artifacts, "buckets")


def test_click_through_a_bucket_to_an_object_and_its_versions(ui, seeded, artifacts,
                                                               downloads):
    from selenium.webdriver.common.by import By
    ui.get(seeded + UI)
    on_page(ui, "buckets")
    ui.find_element(By.LINK_TEXT, "photos").click()
    on_page(ui, "bucket")
    assert texts(ui, "a.prefix") == ["2026/"] and texts(ui, "a.key") == ["readme.md"]
    shot(ui, artifacts, "bucket")
    ui.find_element(By.LINK_TEXT, "2026/").click()
    waiter(ui).until(lambda d: texts(d, "a.key") == ["cat.txt"])
    assert "photos / 2026" in texts(ui, ".crumbs")[0]
    shot(ui, artifacts, "prefix")
    ui.find_element(By.LINK_TEXT, "cat.txt").click()
    on_page(ui, "object")
    assert texts(ui, "h1") == ["2026/cat.txt"]
    assert texts(ui, "#metadata td") == ["owner", "bob"]
    assert texts(ui, "#tags td") == ["kind", "cat"]
    versions = texts(ui, "a.version")
    assert len(versions) == 2 and texts(ui, "#version") == [versions[0] + " (latest)"]
    shot(ui, artifacts, "object")

    ui.find_element(By.ID, "download").click()
    target = downloads / "cat.txt"
    waiter(ui).until(lambda d: target.exists() and target.read_bytes() == b"second cat")

    ui.find_element(By.LINK_TEXT, versions[1]).click()
    waiter(ui).until(lambda d: texts(d, "#version") == [versions[1]])
    on_page(ui, "object")
    assert texts(ui, "#metadata td") == ["owner", "ann"]
    assert texts(ui, "#tags td") == ["kind", "pet"]
    assert "text/plain" in texts(ui, "main")[0]
    shot(ui, artifacts, "older-version")
    target.unlink()
    ui.find_element(By.ID, "download").click()
    waiter(ui).until(lambda d: target.exists() and target.read_bytes() == b"first cat")


def test_journal_filters_and_live_updates(ui, seeded, artifacts):
    from selenium.webdriver.common.by import By
    ui.get(seeded + UI + "#/journal")
    on_page(ui, "journal")
    waiter(ui).until(lambda d: len(texts(d, "tr.entry")) >= 4)
    operations = set(texts(ui, "tr.entry td:nth-child(2)"))
    assert {"PutObject", "GetObject"} <= operations
    shot(ui, artifacts, "journal")

    ui.find_element(By.ID, "filter-operation").send_keys("GetObject")
    ui.find_element(By.ID, "filter-status").send_keys("404")
    waiter(ui).until(lambda d: texts(d, "tr.entry td:nth-child(5)") == ["missing-2", "missing-1"])
    assert texts(ui, "tr.entry td:nth-child(7)") == ["NoSuchKey", "NoSuchKey"]
    assert "operation=GetObject" in ui.current_url and "status=404" in ui.current_url
    assert texts(ui, "#journal-summary")[0].startswith("2 shown")
    shot(ui, artifacts, "journal-filtered")

    with pytest.raises(ClientError):          # a new request shows up without a reload
        client(seeded).get_object(Bucket="photos", Key="missing-3")
    waiter(ui).until(lambda d: texts(d, "tr.entry td:nth-child(5)")[:1] == ["missing-3"])

    ui.find_element(By.ID, "filter-status").clear()
    ui.find_element(By.ID, "filter-operation").clear()
    ui.find_element(By.ID, "filter-error_code").send_keys("AccessDenied")
    waiter(ui).until(lambda d: texts(d, "#journal-summary")[0].startswith("0 shown"))
    assert texts(ui, "tr.entry") == []

    ui.get(seeded + UI + "#/journal?error_code=NoSuchKey")        # a link keeps the filter
    on_page(ui, "journal")
    waiter(ui).until(lambda d: len(texts(d, "tr.entry")) == 3)
    assert ui.find_element(By.ID, "filter-error_code").get_attribute("value") == "NoSuchKey"


def test_throttle_and_fault_state(ui, seeded, artifacts):
    ui.get(seeded + UI + "#/state")
    on_page(ui, "state")
    assert texts(ui, "#throttle-state") == ["on"]
    page = texts(ui, "main")[0]
    assert "Reads per second\n1000" in page and "Writes per second\n500" in page
    faults = texts(ui, "tr.fault")
    assert len(faults) == 1
    assert "DeleteBucket never-there any InternalError" in faults[0]
    assert faults[0].endswith("0 2")
    shot(ui, artifacts, "state")


def test_storage_figures_and_the_cost_when_there_is_one(ui, seeded, artifacts):
    ui.get(seeded + UI + "#/usage")
    on_page(ui, "usage")
    assert texts(ui, "#usage-total")[0].startswith("3 objects, ")
    page = texts(ui, "main")[0]
    assert "photos us-east-1 2" in page and "logs us-east-1 1" in page
    assert "STANDARD" in page
    has_cost = admin(seeded, "GET", "cost").status_code == 200
    assert bool(texts(ui, "#cost")) is has_cost
    shot(ui, artifacts, "usage")


def test_a_server_with_a_token_asks_for_it(ui, artifacts):
    from selenium.webdriver.common.by import By
    with serving("--admin-token", "open-sesame") as url:
        client(url).create_bucket(Bucket="tokened")
        ui.get(url + UI)
        form = ui.find_element(By.ID, "token-form")
        waiter(ui).until(lambda d: form.is_displayed())
        assert "admin token" in ui.find_element(By.ID, "error").text
        shot(ui, artifacts, "token")
        ui.find_element(By.ID, "token").send_keys("open-sesame")
        ui.find_element(By.CSS_SELECTOR, "#token-form button").click()
        on_page(ui, "buckets")
        assert texts(ui, "a.bucket") == ["tokened"]
        assert not form.is_displayed()


def test_no_console_errors_on_any_page(ui, seeded):
    """The policy blocks nothing the page needs (a violation is logged to the console), and
    nothing fails but the probe of the optional cost endpoint."""
    ui.get_log("browser")                     # drop what earlier tests logged
    for page in ("", "#/journal", "#/state", "#/usage",
                 "#/object?bucket=photos&key=readme.md", "#/bucket?bucket=logs&prefix=app/"):
        ui.get(seeded + UI + page)
        on_page(ui, (page[2:].split("?")[0] or "buckets"))
        shown = texts(ui, "main")[0]
        assert "null" not in shown.split("\n")              # (a version id may be "null")
        assert "undefined" not in shown and "[object" not in shown
    severe = [entry["message"] for entry in ui.get_log("browser")
              if entry["level"] == "SEVERE" and "/_s3emu/cost" not in entry["message"]]
    assert severe == []
