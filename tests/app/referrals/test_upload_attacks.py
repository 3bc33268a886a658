"""Issue #13's upload attacks, made through the upload page (Django test client) and the background worker:
a sparse sheet and a deflate bomb fail that one import with a message while the server keeps answering;
a type the unit may not send, a file whose columns do not fit the chosen type, a future as-of date and a
file over the size limit are refused; a far smaller snapshot is held until the data administrator confirms
it; a withdrawn batch gives its place back (the CLI alike)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.app.accounts.models import AuditEvent, Profile
from jiuzhu.app.jobs.models import Job
from jiuzhu.app.jobs.queue import work
from jiuzhu.app.referrals.models import RegistryUpload
from jiuzhu.cli.main import main
from jiuzhu.engine.identity.calendar import today
from jiuzhu.engine.identity.idcard import make_id
from tests.engine.intake.attacks import bomb_xlsx, sparse_xlsx

pytestmark = pytest.mark.django_db
HEAD = ["姓名", "身份证号", "乡镇", "供养方式"]


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))


@pytest.fixture
def dana(units):
    user = get_user_model().objects.create_user("dana", password="correct-horse-9")
    Profile.objects.create(user=user, unit=units["procuratorate"], role="data_admin", display_name="戴数据")
    return user


def _tekun(n: int, start: int = 0) -> bytes:
    from datetime import date

    out = io.StringIO()
    rows = [HEAD] + [[f"人{i}", make_id("350425", date(1950 + i % 40, 1 + i % 12, 1 + i % 28), i % 1000),
                      "均溪镇", "集中供养"] for i in range(start, start + n)]
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, name: str, data: bytes, source: str = "tekun", as_of: str = "2025-10-31"):
    return client.post("/referrals/upload/", {"file": SimpleUploadedFile(name, data), "source": source,
                                              "as_of": as_of}, follow=True)


def _one_job() -> RegistryUpload:
    work(once=True)
    return RegistryUpload.objects.order_by("-id").first()


def test_sparse_sheet_and_bomb_fail_their_import_and_the_server_keeps_answering(client, frank, tmp_path):
    client.force_login(frank)
    sparse = sparse_xlsx(tmp_path / "低保.xlsx").read_bytes()
    assert len(sparse) < 5000
    _upload(client, "低保.xlsx", sparse, source="dibao")
    made = _one_job()
    assert (made.state, made.job.state) == ("failed", "failed")
    assert made.progress.startswith("导入失败：工作表范围异常：sheet1.xml 跨 1048576 行 × 16384 列")
    assert "工作表范围异常" in client.get(f"/referrals/upload/{made.pk}/").content.decode()

    _upload(client, "特困.xlsx", bomb_xlsx(tmp_path / "特困.xlsx", megabytes=300).read_bytes())
    made = _one_job()
    assert made.state == "failed" and "疑似压缩炸弹" in made.progress
    assert client.get("/referrals/upload/").status_code == 200
    _upload(client, "特困.csv", _tekun(3))  # the next upload imports as ever
    assert _one_job().state == "done"


def test_past_the_guards_the_worker_survives_a_reader_that_runs_out_of_memory(client, frank, tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_MAX_SHEET_CELLS", str(1 << 40))  # guard off: the reader meets the memory cap
    client.force_login(frank)
    _upload(client, "低保.xlsx", sparse_xlsx(tmp_path / "低保.xlsx").read_bytes(), source="dibao")
    made = _one_job()
    assert made.state == "failed"
    assert made.progress.startswith("导入失败：读取文件时超出内存上限（3072 MB）或读取程序异常退出")
    assert client.get(f"/referrals/upload/{made.pk}/").status_code == 200


def test_a_type_the_unit_may_not_send_is_refused(client, grace, frank):
    client.force_login(grace)  # 残联
    page = client.get("/referrals/upload/").content.decode()
    assert '<option value="disability">持证残疾人</option>' in page and 'value="victim"' not in page
    page = _upload(client, "被害人.csv", _tekun(3), source="victim").content.decode()
    assert "残联不能报送“刑事被害人”名单（不在本单位的数据共享协议范围内" in page
    client.force_login(frank)
    page = _upload(client, "被害人.csv", _tekun(3), source="victim").content.decode()
    assert "民政局不能报送“刑事被害人”名单" in page
    assert not RegistryUpload.objects.exists() and not Job.objects.exists()


def test_columns_that_do_not_fit_the_chosen_type_fail_naming_them(client, frank):
    client.force_login(frank)
    _upload(client, "低保.csv", _tekun(3), source="dibao")
    made = _one_job()
    assert made.state == "failed"
    assert "表头缺少“低保对象”的必填列" in made.progress


def test_a_future_as_of_date_and_a_file_over_the_limit_are_refused(client, frank, settings):
    client.force_login(frank)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    page = _upload(client, "特困.csv", _tekun(3), as_of=tomorrow).content.decode()
    assert f"数据截止日期{tomorrow}晚于今天，不能上传未来日期的名单" in page
    settings.JIUZHU_UPLOAD_MAX_MB = 1
    page = _upload(client, "特困.csv", b"x" * (1 << 20) + _tekun(3)).content.decode()
    assert "文件超过大小上限（1 MB），请拆分后上传" in page
    assert not RegistryUpload.objects.exists()


def test_a_shrunken_snapshot_is_held_until_the_data_administrator_confirms_it(client, frank, dana):
    client.force_login(frank)
    _upload(client, "特困-10月.csv", _tekun(20))
    assert _one_job().state == "done"
    work(once=True)  # the screening it queued
    page = _upload(client, "特困-11月.csv", _tekun(6), as_of="2025-11-30").content.decode()
    made = _one_job()
    [held] = made.results
    assert (made.state, held["status"]) == ("held", "held")
    status_page = client.get(f"/referrals/upload/{made.pk}/").content.decode()
    assert (
        "待数据管理员确认" in status_page and "暂不生效；数据管理员核实后在“名单批次”页面确认生效或撤回" in status_page
    )
    assert made.screen_job is None  # nothing changed for screening

    client.force_login(dana)
    page = client.get("/registries/").content.decode()
    assert held["batch_id"] in page and "待确认" in page and "确认生效" in page
    client.force_login(frank)
    assert client.post(f"/registries/{held['batch_id']}/confirm/").status_code == 403  # not the liaison's to do
    client.force_login(dana)
    page = client.post(f"/registries/{held['batch_id']}/confirm/", follow=True).content.decode()
    assert f"已确认批次 {held['batch_id']}，已生效" in page
    made.refresh_from_db()
    assert (made.state, made.results[0]["status"]) == ("done", "imported")
    assert AuditEvent.objects.filter(action="update", object_type="warehouse.batch", object_id=held["batch_id"],
                                     detail__op="confirm", username="dana").count() == 1
    assert Job.objects.filter(kind="screen", state="queued").count() == 1


def test_withdraw_from_the_page_and_the_cli(client, frank, dana, capsys):
    client.force_login(frank)
    _upload(client, "特困-10月.csv", _tekun(20))
    first = _one_job()
    _upload(client, "特困-11月.csv", _tekun(18, start=100), as_of="2025-11-30")
    second = _one_job()
    bid = second.results[0]["batch_id"]
    client.force_login(dana)
    page = client.post(f"/registries/{bid}/withdraw/", {"reason": "错传了别的乡镇的名单"}, follow=True).content.decode()
    assert f"已撤回批次 {bid}，上一份名单恢复为当前" in page
    assert main(["batches"]) == 0
    listing = capsys.readouterr().out
    assert f"{bid}\t民政局\t特困供养人员" in listing and "已撤回" in listing
    assert f"{first.results[0]['batch_id']}\t民政局" in listing
    # the identical file imports again (a new batch), then the CLI takes it back
    client.force_login(frank)
    _upload(client, "特困-11月.csv", _tekun(18, start=100), as_of="2025-11-30")
    again = _one_job()
    assert again.results[0]["status"] == "imported" and again.results[0]["batch_id"] != bid
    assert main(["batches", "withdraw", again.results[0]["batch_id"], "--reason", "再次撤回"]) == 0
    assert "上一份名单恢复为当前" in capsys.readouterr().out
    assert main(["batches", "confirm", again.results[0]["batch_id"]]) == 1
    assert "不是待确认状态" in capsys.readouterr().err
    assert AuditEvent.objects.filter(object_type="warehouse.batch", detail__op="withdraw").count() == 2
