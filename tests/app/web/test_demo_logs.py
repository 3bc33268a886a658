"""A whole demo run, then people using it: nothing the platform logs carries an ID number or a resident's name."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# An ID number standing on its own, not digits inside a longer token: a request id is 32 hex characters and
# may hold a run of 15 digits by chance.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# People using the demo: a handler, a leader, a partner liaison, a failed login; every page they open logs a line.
VISITS = r"""
import os, re, django
os.environ["DJANGO_SETTINGS_MODULE"] = "jiuzhu.app.settings"
django.setup()
from django.test import Client
from jiuzhu.app.accounts.demo import DEMO_PASSWORD
from jiuzhu.app.casework.models import Case
from jiuzhu.app.clues.models import Clue
case, clue = Case.objects.order_by("pk").first(), Clue.objects.order_by("pk").first()
wrong = Client()
wrong.post("/login/", {"username": "jcg_zhang", "password": "wrong-password"})
for user, pages in [
    ("jcg_zhang", ["/", "/casework/", f"/casework/{case.pk}/", f"/casework/{case.pk}/documents/decision.docx",
                   "/clues/", f"/clues/{clue.pk}/", "/clues/export.xlsx", f"/persons/?q={clue.person_name}",
                   f"/persons/{clue.person_key}/", "/referrals/", "/no-such-page/"]),
    ("jcz_chen", ["/", "/reports/", "/casework/approvals/"]),
    ("mz_liaison", ["/", "/referrals/", f"/casework/{case.pk}/", "/clues/"]),
]:
    c = Client()
    assert c.post("/login/", {"username": user, "password": DEMO_PASSWORD}).status_code == 302, user
    for page in pages:
        c.get(page)
    c.post("/logout/")
print("visits done")
"""

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="the demo runs on its own SQLite home; once is enough")


def test_demo_run_and_visits_log_no_id_number_and_no_name(tmp_path):
    home = tmp_path / "home"
    log = tmp_path / "jiuzhu.log"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(JIUZHU_HOME=str(home), JIUZHU_LOG_FILE=str(log), JIUZHU_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    demo = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", "demo", "--no-serve", "--scale", "3000"],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    visits = subprocess.run([sys.executable, "-c", VISITS], env=env, capture_output=True, text=True,
                            cwd=tmp_path)
    assert visits.returncode == 0 and "visits done" in visits.stdout, visits.stderr[-2000:]
    verify = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", "audit", "verify"], env=env,
                            capture_output=True, text=True, cwd=tmp_path)
    assert verify.returncode == 0 and "审计记录完好" in verify.stdout, verify.stderr
    # The demo prints its staff logins (张检察官 …): they are accounts, not residents.
    printed = demo.stdout.split("演示账号 / demo logins")[0]
    logged = {"demo stdout": printed, "demo stderr": demo.stderr, "visits stderr": visits.stderr,
              "log file": log.read_text(encoding="utf-8") if log.exists() else ""}
    assert len(logged["log file"].splitlines()) >= 20  # the visits were logged at all
    with (home / "demo-county" / "truth" / "persons.csv").open(encoding="utf-8", newline="") as fh:
        people = list(csv.DictReader(fh))
    names = {p["name"] for p in people if len(p["name"]) >= 2}
    assert len(names) > 1000
    for where, text in logged.items():
        assert not ID_NUMBER.findall(text), (where, ID_NUMBER.findall(text)[:3])
        found = sorted(n for n in names if n in text)
        assert not found, (where, found[:5])
