"""A unit uploads its registry through intake: progress and result shown, the rejection report downloadable,
and only its own uploads visible."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.referrals.models import RegistryUpload
from jiuzhu.engine.identity.idcard import make_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch, settings):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))


def drain() -> int:
    """What `jiuzhu worker --once` does: run every queued job."""
    from jiuzhu.app.jobs.queue import work

    return work(once=True)


def _tekun_csv() -> bytes:
    good = [make_id("350425", date(1950 + i, 3, 1), i) for i in range(1, 3)]
    rows = [["姓名", "身份证号", "乡镇", "供养方式"],
            ["陈大", good[0], "均溪镇", "分散供养"],
            ["林二", good[1], "石牌镇", "集中供养"],
            ["王三", good[1][:-1] + ("0" if good[1][-1] != "0" else "1"), "", "分散供养"]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_upload_imports_and_offers_the_rejection_report(client, frank):
    client.force_login(frank)
    assert "上传名单" in client.get("/referrals/upload/").content.decode()
    response = client.post("/referrals/upload/", {"file": SimpleUploadedFile("特困人员.csv", _tekun_csv()),
                                                  "source": "tekun", "as_of": "2025-10-31"})
    made = RegistryUpload.objects.get()
    assert (made.state, made.job.kind, made.job.state) == ("queued", "import", "queued")  # not in the request
    drain()
    made.refresh_from_db()
    assert response["Location"] == f"/referrals/upload/{made.pk}/"
    assert (made.state, made.progress, made.unit.code) == ("done", "导入完成", "civil_affairs")
    [result] = made.results
    assert (result["status"], result["source_type"], result["unit"], result["rows_taken"]) == (
        "imported", "tekun", "civil_affairs", 2)
    assert result["rows_rejected"] + result["rows_flagged"] == 1
    page = client.get(f"/referrals/upload/{made.pk}/").content.decode()
    assert "已导入" in page and 'http-equiv="refresh"' not in page
    assert "<td>特困供养人员</td>" in page and ">tekun<" not in page  # the list type in words, not its code
    report = client.get(f"/referrals/upload/{made.pk}/rejections.csv?batch={result['batch_id']}")
    assert report.status_code == 200
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0] == "file,sheet,row,column,value,reason"
    assert [line.split(",")[2:4] for line in lines[1:]] == [["4", "身份证号"], ["4", "乡镇"]]
    assert AuditEvent.objects.filter(username="frank", action="export").count() == 1


def test_wrong_file_type_refused(client, frank):
    client.force_login(frank)
    page = client.post("/referrals/upload/", {"file": SimpleUploadedFile("名单.pdf", b"%PDF"), "source": "tekun"},
                       follow=True)
    assert "只能上传 xlsx、xls 或 csv 文件" in page.content.decode()
    assert not RegistryUpload.objects.exists()


def test_unreadable_file_is_reported_failed(client, frank):
    client.force_login(frank)
    client.post("/referrals/upload/", {"file": SimpleUploadedFile("名单.xlsx", b"not a workbook"), "source": "tekun"})
    drain()
    made = RegistryUpload.objects.get()
    assert (made.state, made.results[0]["status"]) == ("failed", "failed")
    assert made.results[0]["message_zh"]


def test_other_units_upload_is_refused_and_handler_cannot_upload(client, frank, grace, alice):
    client.force_login(frank)
    client.post("/referrals/upload/", {"file": SimpleUploadedFile("特困人员.csv", _tekun_csv()), "source": "tekun"})
    made = RegistryUpload.objects.get()
    client.force_login(grace)
    assert client.get(f"/referrals/upload/{made.pk}/").status_code == 403
    client.force_login(alice)
    assert client.get("/referrals/upload/").status_code == 403


def test_worker_finishes_the_import_and_the_page_stops_refreshing(client, frank):
    client.force_login(frank)
    client.post("/referrals/upload/", {"file": SimpleUploadedFile("特困人员.csv", _tekun_csv()), "source": "tekun"})
    made = RegistryUpload.objects.get()
    assert 'http-equiv="refresh"' in client.get(f"/referrals/upload/{made.pk}/").content.decode()
    assert drain() == 2  # the import, then the screening it queued
    made.refresh_from_db()
    assert (made.state, made.results[0]["rows_taken"], made.job.state) == ("done", 2, "done")
    assert (made.screen_job.kind, made.screen_job.state) == ("screen", "done")
    assert 'http-equiv="refresh"' not in client.get(f"/referrals/upload/{made.pk}/").content.decode()


def test_page_refreshes_and_shows_progress_while_importing(client, frank, units):
    made = RegistryUpload.objects.create(unit=units["civil_affairs"], uploaded_by=frank, file_name="低保.xlsx",
                                         path="/nowhere", state="running", progress="正在写入 低保对象 第 20000 行")
    client.force_login(frank)
    page = client.get(f"/referrals/upload/{made.pk}/").content.decode()
    assert (
        '<meta http-equiv="refresh" content="2">' in page
        and "导入中" in page
        and "正在写入 低保对象 第 20000 行" in page
    )
