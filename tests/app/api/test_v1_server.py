"""The token API over a real server on loopback (`jiuzhu serve`: gunicorn and the background worker): every
unit pushes its own registry with its own token, the worker imports them as `jiuzhu ingest` would, and each
unit sees its own clues only. The county shares pseudonymised files (docs/privacy.md), so nothing of its
people may reach the uploads, the warehouse, the case database or the server's log either."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.privacy import county_people, leaks
from jiuzhu.engine.pseudonymize import pseudonymise
from jiuzhu.engine.sources import SPECS
from tests.app.ops.test_serve import free_port

AS_OF = "2025-10-31"


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.base, self.token = f"http://127.0.0.1:{port}/api/v1", token

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers={"Authorization": f"Bearer {self.token}"})
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def json(self, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self.call(method, path, body, "application/json" if body else "")
        return status, json.loads(data)

    def push(self, path: Path, source: str, as_of: str = AS_OF) -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in (("source", source), ("as_of", as_of))]
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                      "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, data = self.call("POST", "/batches", body, f"multipart/form-data; boundary={boundary}")
        return status, json.loads(data)

    def settled(self, batch_id: str, seconds: float = 300) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, batch = self.json("GET", f"/batches/{batch_id}")
            assert status == 200, batch
            if batch["state"] not in ("queued", "running"):
                return batch
            time.sleep(1)
        raise AssertionError(f"batch {batch_id} still {batch['state']}")


def _worker_lines(log: Path) -> list[str]:
    """The worker's job lines and any error in the server's log: what a failure here needs to be read."""
    lines = log.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if '"job_id"' in line or '"level": "error"' in line or '"exc"' in line]


def _token(home, unit: str, name: str, *extra: str) -> str:
    return home.run("tokens", "create", "--unit", unit, "--name", name, *extra).stdout.strip().splitlines()[-1]


def test_units_push_their_registries_and_take_their_clues(make_home, tiny_county: Path, tmp_path: Path) -> None:
    sent = tmp_path / "sent"
    assert not pseudonymise([tiny_county], b"the county's shared key, 32 bytes", sent).failed
    home = make_home("api")
    home.extra_env["JIUZHU_API_CALLS_PER_MINUTE"] = "100000"
    home.run("init")
    manifest = json.loads((tiny_county / "truth" / "manifest.json").read_text(encoding="utf-8"))
    files = {name: info["source"] for name, info in manifest["files"].items()}
    units = sorted({SPECS[source].unit for source in files.values()})
    tokens = {unit: _token(home, unit, f"{unit}-系统") for unit in units}
    port = free_port()
    log = (tmp_path / "server.log").open("w", encoding="utf-8")  # a file: a pipe left unread would block the server
    server = subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", "serve", "--port", str(port), "--workers", "1",
                               "--no-daily-checks"], env=home.env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert server.stdout.readline().startswith("网页服务"), (tmp_path / "server.log").read_text(encoding="utf-8")
        deadline = time.monotonic() + 120
        while Client(port, "").call("GET", "/clues")[0] != 401 and time.monotonic() < deadline:
            time.sleep(0.5)
        api = {unit: Client(port, token) for unit, token in tokens.items()}
        mz, cl = api["civil_affairs"], api["disability_federation"]

        status, refused = mz.push(next(sent / n for n, s in files.items() if s == "disability"), "disability")
        assert status == 403 and refused["error"] == "source_not_allowed"

        wrong = tmp_path / "低保名单.csv"
        wrong.write_text("姓名,身份证号\n某甲,\n", encoding="utf-8")
        status, queued = mz.push(wrong, "dibao")
        assert status == 202
        failed = mz.settled(queued["batch_id"])
        assert failed["state"] == "failed" and "户主姓名" in failed["message"] and "乡镇" in failed["message"], failed

        pushed = {}
        for name, source in sorted(files.items()):
            status, queued = api[SPECS[source].unit].push(sent / name, source)
            assert status == 202, queued
            pushed[name] = queued["batch_id"]
        for name, bid in pushed.items():
            batch = api[SPECS[files[name]].unit].settled(bid)
            assert batch["state"] == "imported" and batch["file"] == name, batch
        dibao = next(n for n, s in files.items() if s == "dibao")
        assert cl.json("GET", f"/batches/{pushed[dibao]}")[0] == 404
        assert cl.call("GET", f"/batches/{pushed[dibao]}/rejections")[0] == 404

        # the same file through `jiuzhu ingest` in a home of its own: same batch, counts and rejection lines
        plain = make_home("plain")
        plain.run("init")
        line = plain.run("ingest", "--as-of", AS_OF, str(sent / dibao)).stdout
        assert f"[{pushed[dibao]}]" in line
        plain.run("batches", "--rejections", "--out", str(tmp_path / "plain.csv"))
        status, body = mz.call("GET", f"/batches/{pushed[dibao]}/rejections")
        assert status == 200 and body == (tmp_path / "plain.csv").read_bytes()
        assert body.count(b"\n") > 1
        listed = next(
            row.split("\t") for row in plain.run("batches").stdout.splitlines() if row.startswith(pushed[dibao])
        )
        got = mz.json("GET", f"/batches/{pushed[dibao]}")[1]
        assert [str(got["records"]), str(got["rejected"]), str(got["flagged"])] == listed[5:8] and got["pseudonymised"]

        # the worker screens after the imports; the 民政 list equals the clue export's 民政 rows
        deadline = time.monotonic() + 300
        while True:
            home.run("clues", "export", "--format", "csv", "--all", "--out", str(tmp_path / "clues.csv"))
            with open(tmp_path / "clues.csv", encoding="utf-8", newline="") as fh:
                exported = [r for r in csv.DictReader(fh) if r["target_unit"] == "civil_affairs"]
            page = mz.json("GET", "/clues?limit=5000")[1]
            listed = [{"clue_id": str(c["clue_id"]), "rule": c["rule"], "person_name": c["person_name"],
                       "person_id_number": c["person_id_number"], "priority": str(c["priority"]),
                       "tags": ";".join(c["tags"]), "target_unit": c["target_unit"], "reason": c["reason"],
                       "records": ";".join(c["records"])} for c in page["items"]]
            if exported and sorted(exported, key=lambda r: int(r["clue_id"])) == listed:
                break
            assert time.monotonic() < deadline, (len(exported), len(listed), _worker_lines(tmp_path / "server.log"))
            time.sleep(2)
        assert page["count"] == len(listed) > 0
        clue = page["items"][0]["clue_id"]
        status, answer = cl.json("POST", f"/clues/{clue}/conclusion", {"outcome": "taken_up", "note": ""})
        assert status == 404 and answer["error"] == "not_found"
        status, answer = mz.json("POST", f"/clues/{clue}/conclusion", {"outcome": "already_covered", "note": ""})
        assert status == 200 and answer["unit_outcome"] == "already_covered", answer
        assert cl.json("POST", "/referrals/999999/sign")[0] == 404

        home.run("tokens", "revoke", "civil_affairs-系统")
        status, gone = mz.json("GET", "/clues")
        assert status == 401 and gone["error"] == "unauthorized"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        log.close()
    assert "api/v1/batches" in (tmp_path / "server.log").read_text(encoding="utf-8")  # the log was written
    ids, names = county_people(tiny_county / "truth")
    assert leaks(tiny_county, ids, names)  # the scan finds them where they are
    assert leaks(home.path, ids, names) == [] and leaks(tmp_path, ids, names) == []  # uploads, data, log
    listing = home.run("tokens", "list").stdout
    assert "civil_affairs-系统" in listing and "已吊销" in listing and tokens["court"] not in listing
    assert io.StringIO(listing).readline().startswith("单位 unit")
