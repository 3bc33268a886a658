"""工作日历: the data administrator reads and changes the calendar every limit counts on."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.engine.identity.calendar import add_working_days, is_working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def ivan(units):
    """The data administrator."""
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    user = get_user_model().objects.create_user("ivan", password="x-x-x-x-x1")
    Profile.objects.create(user=user, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    return user


def test_only_the_data_administrator_sees_or_changes_it(client, personas, home):
    client.force_login(personas["dave"])
    assert client.get("/casework/calendar/").status_code == 403
    assert client.post("/casework/calendar/add/", {"date": "2027-02-10", "kind": "holiday"}).status_code == 403
    assert not (home / "calendar_overrides.csv").exists()
    assert AuditEvent.objects.filter(action="denied", username="dave").count() == 2


def test_the_page_says_the_year_is_an_estimate_and_where_each_day_comes_from(client, ivan, home):
    client.force_login(ivan)
    page = client.get("/casework/calendar/?year=2027").content.decode()
    assert "2027年目前使用的是预估安排" in page
    assert "随程序预估" in page and "预估：春节除夕" in page
    page = client.get("/casework/calendar/?year=2026").content.decode()
    assert "国家日历数据包" in page and "元旦调休上班" in page and "预估安排" not in page
    page = client.get("/casework/calendar/?year=2029").content.decode()
    assert "2029年的放假安排尚未登记" in page
    assert AuditEvent.objects.filter(action="view", object_type="calendar", object_id="2027").exists()


def test_adding_a_day_changes_the_next_deadline_and_is_audited(client, ivan, home):
    client.force_login(ivan)
    assert is_working_day(date(2026, 12, 31))
    reply = client.post("/casework/calendar/add/", {"date": "2026-12-31", "kind": "休", "note": "临时调整"})
    assert reply.status_code == 302 and reply["Location"].endswith("?year=2026")
    assert not is_working_day(date(2026, 12, 31))
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)  # 12-31 off, 2027-01-01 (estimate) off
    event = AuditEvent.objects.get(action="update", object_type="calendar")
    assert event.before == {"rows": []}
    assert event.after == {"rows": [{"date": "2026-12-31", "kind": "holiday", "note": "临时调整"}]}
    page = client.get("/casework/calendar/?year=2026").content.decode()
    assert "管理员登记" in page and "临时调整" in page


def test_a_wrong_day_is_refused_with_the_reason(client, ivan, home):
    client.force_login(ivan)
    reply = client.post("/casework/calendar/add/", {"date": "2027-02-10", "kind": "workday"}, follow=True)
    assert "未保存：2027-02-10 是星期三，本来就上班" in reply.content.decode()
    assert not (home / "calendar_overrides.csv").exists()


def test_an_uploaded_year_replaces_the_estimate_whole(client, ivan, home):
    client.force_login(ivan)
    body = "date,kind,note\n2027-02-10,休,春节\n2027-02-20,班,春节调休上班\n".encode("gbk")
    reply = client.post("/casework/calendar/upload/",
                        {"file": SimpleUploadedFile("2027放假安排.csv", body, "text/csv")}, follow=True)
    assert "已导入 2 行，2027年的登记已整体替换" in reply.content.decode()
    assert is_working_day(date(2027, 2, 9))  # the estimate said off; the official list does not
    assert not is_working_day(date(2027, 2, 10)) and is_working_day(date(2027, 2, 20))
    assert (home / "calendar_overrides.csv").read_text(encoding="utf-8") == (
        "date,kind,note\n2027-02-10,holiday,春节\n2027-02-20,workday,春节调休上班\n")


def test_a_bad_upload_changes_nothing(client, ivan, home):
    client.force_login(ivan)
    client.post("/casework/calendar/add/", {"date": "2027-02-10", "kind": "holiday", "note": "春节"})
    before = (home / "calendar_overrides.csv").read_text(encoding="utf-8")
    body = "date,kind,note\n2027-02-11,holiday,春节\n2027-02-12,放,春节\n".encode()
    reply = client.post("/casework/calendar/upload/",
                        {"file": SimpleUploadedFile("安排.csv", body, "text/csv")}, follow=True)
    text = reply.content.decode()
    assert "未导入，整个文件都没有生效：安排.csv 第3行: 类型应为 holiday（休）或 workday（班），这里是“放”" in text
    assert (home / "calendar_overrides.csv").read_text(encoding="utf-8") == before


def test_removing_an_administrators_day(client, ivan, home):
    client.force_login(ivan)
    client.post("/casework/calendar/add/", {"date": "2026-12-31", "kind": "holiday"})
    reply = client.post("/casework/calendar/remove/", {"date": "2026-12-31"}, follow=True)
    assert "已删除 2026-12-31 的登记" in reply.content.decode()
    assert is_working_day(date(2026, 12, 31))
    reply = client.post("/casework/calendar/remove/", {"date": "2026-10-01", "year": "2026"}, follow=True)
    assert "不是管理员登记的日期" in reply.content.decode()
