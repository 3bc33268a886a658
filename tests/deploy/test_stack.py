"""The production stack on loopback (issue 18): PostgreSQL, gunicorn with 2 processes, the worker, nginx
with TLS. A 民政 liaison logs in over HTTPS in chromium, uploads the 低保 list, the worker imports and
screens it, the chief sees a clue found through that file and downloads the clue list and the upload's
problem report. Afterwards no log of the stack holds an ID number or a person's name."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from tests.browser.conftest import ARGS, CHROMIUM
from tests.browser.helpers import login
from tests.deploy.stack import Stack

pytestmark = [
    pytest.mark.browser, pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("chromium"),
                       reason="nginx or chromium not installed (make test installs them)"),
]
SLOW = 180_000  # ms: the stack shares two cores with whatever else the machine runs
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")  # not digits inside a hex request id


@pytest.fixture
def stack(tmp_path: Path):
    s = Stack(tmp_path)
    s.create_database()
    try:
        yield s
    finally:
        s.stop()
        s.drop_database()


def _wait(what, seconds: float = 300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(1)
    raise AssertionError("timed out")


def test_production_stack_over_https(stack: Stack, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    county = tmp_path / "county"
    stack.jiuzhu("init")
    stack.jiuzhu("synth", "--scale", "2000", "--seed", "41", "--out", str(county))
    dibao = next(county.glob("*城乡低保*"))
    stack.jiuzhu("ingest", *[str(p) for p in sorted(county.iterdir()) if p.is_file() and p != dibao])
    stack.jiuzhu("screen")
    stack.python("from jiuzhu.cli.django_setup import setup; setup()\n"
                 "from jiuzhu.app.accounts.demo import create_demo_users; create_demo_users()")
    from jiuzhu.app.accounts.demo import DEMO_PASSWORD

    before = stack.query("SELECT count(*) FROM clues_clue")[0][0]
    stack.start()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            liaison = login(browser, stack.base, "mz_liaison", DEMO_PASSWORD, ignore_https_errors=True, timeout_ms=SLOW)
            assert liaison.url.startswith("https://")
            liaison.goto(f"{stack.base}/referrals/upload/")
            liaison.set_input_files("input[name=file]", str(dibao))
            liaison.select_option("select[name=source]", "dibao")
            liaison.click("form[enctype] button[type=submit]")
            liaison.wait_for_url(re.compile(r".*/referrals/upload/\d+/$"))
            _wait(lambda: (liaison.reload(), liaison.inner_text("#upload-state"))[1] in ("已完成", "失败", "待确认"))
            assert liaison.inner_text("#upload-state") == "已完成"
            with liaison.expect_download() as report:
                liaison.click("text=Excel")
            assert report.value.suggested_filename.endswith(".xlsx")

            _wait(lambda: stack.query("SELECT count(*) FROM jobs_job WHERE kind = 'screen' AND state = 'done'")[0][0])
            found = stack.query("SELECT id FROM clues_clue WHERE records::text LIKE %s ORDER BY id LIMIT 1",
                                [f"%{dibao.name}%"])
            assert found, "no clue names the uploaded file"
            assert stack.query("SELECT count(*) FROM clues_clue")[0][0] > before
            chief = login(browser, stack.base, "jcz_chen", DEMO_PASSWORD, ignore_https_errors=True, timeout_ms=SLOW)
            chief.goto(f"{stack.base}/clues/{found[0][0]}/")
            assert dibao.name in chief.content()
            chief.goto(f"{stack.base}/clues/")
            with chief.expect_download() as export:
                chief.evaluate("window.location.href = '/clues/export.xlsx'")
            path = export.value.path()
            assert Path(path).read_bytes()[:2] == b"PK"
        finally:
            browser.close()
    health = stack.get("/healthz")
    assert health[0] == 200
    stack.stop()

    logs = stack.log_text()
    assert '"route": "referrals/upload/"' in logs and "$request_id" not in logs
    assert not ID_LIKE.findall(logs)
    names = {n for (n,) in stack.query("SELECT DISTINCT person_name FROM clues_clue") if len(n) >= 2 and "某" not in n}
    assert names and not [n for n in names if n in logs]
