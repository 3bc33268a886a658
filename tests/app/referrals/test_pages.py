"""The liaison pages in Chinese: inbox with due dates and red overdue rows, the referral page and its letter,
the answer form, the unit's plan items, a case's cooperation page, and notices."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.referrals.models import Referral, ReferralState
from jiuzhu.app.referrals.services import flow
from tests.app.referrals.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(alice, units, case):
    """Sent long ago: overdue for receipt."""
    return flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="卢某某", facts="困难",
                     request="建议纳入低保", case=case, person_id_number=case.person_id_number, now=at(2025, 9, 30))


@pytest.fixture
def fresh(alice, units):
    return flow.send(alice, to_unit=units["civil_affairs"], kind="temp_relief", person_name="陈某", facts="急难")


def test_inbox_shows_due_dates_and_overdue_rows_red(client, frank, old, fresh):
    client.force_login(frank)
    page = client.get("/referrals/").content.decode()
    assert "移送收件箱" in page and "待办（2）" in page
    row_old = re.search(rf'<tr class="overdue" data-referral="{old.pk}">.*?</tr>', page, re.S)
    assert row_old and "2025-10-11 已超期" in row_old.group(0)
    assert re.search(rf'<tr data-referral="{fresh.pk}">', page)
    assert f"{fresh.receipt_due:%Y-%m-%d}" in page


def test_sign_and_answer_through_the_pages(client, frank, old, alice):
    client.force_login(frank)
    detail = client.get(f"/referrals/{old.pk}/").content.decode()
    assert "签收" in detail and "350425********0018" in detail
    assert client.post(f"/referrals/{old.pk}/sign/").status_code == 302
    old.refresh_from_db()
    assert old.state == ReferralState.RECEIVED
    form = client.get(f"/referrals/{old.pk}/answer/").content.decode()
    assert "月保障金额（元）" in form and "已纳入低保" in form
    response = client.post(f"/referrals/{old.pk}/answer/", {"result": "enrolled_dibao", "monthly_amount": "1891",
                                                             "effective_date": "2025-11-01", "note": ""})
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.state, old.monthly_amount_fen) == (ReferralState.ANSWERED, 189100)
    page = client.get(f"/referrals/{old.pk}/").content.decode()
    assert "已纳入低保，月保障金额1,891.00元，自2025-11-01起" in page


def test_answer_form_rejects_bad_amount_and_missing_reason(client, frank, old):
    client.force_login(frank)
    client.post(f"/referrals/{old.pk}/sign/")
    page = client.post(f"/referrals/{old.pk}/answer/", {"result": "enrolled_dibao", "monthly_amount": "12.345"})
    assert "最多两位小数" in page.content.decode()
    page = client.post(f"/referrals/{old.pk}/answer/", {"result": "not_eligible", "note": ""}, follow=True)
    assert "须写明理由" in page.content.decode()
    old.refresh_from_db()
    assert old.state == ReferralState.RECEIVED


def test_return_through_the_page(client, frank, old):
    client.force_login(frank)
    client.post(f"/referrals/{old.pk}/return/", {"reason": "该户已由乡镇纳入临时救助"})
    old.refresh_from_db()
    assert (old.state, old.return_reason) == (ReferralState.RETURNED, "该户已由乡镇纳入临时救助")


def test_sender_sees_no_action_buttons(client, alice, old):
    client.force_login(alice)
    page = client.get(f"/referrals/{old.pk}/").content.decode()
    assert f'action="/referrals/{old.pk}/sign/"' not in page
    assert client.post(f"/referrals/{old.pk}/sign/").status_code == 403  # the policy: receiving unit only


def test_letter_docx(client, frank, alice, old):
    client.force_login(frank)
    response = client.get(f"/referrals/{old.pk}/letter.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''%E7%A4%BE%E4%BC%9A%E6%95%91%E5%8A%A9%E5%BB%BA%E8%AE%AE%E5%87%BD-{old.pk}.docx")
    text = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert text[:3] == ["大田县人民检察院", "社会救助建议函", "检移〔2025〕1号"]
    assert "民政局：" in text
    assert any("卢某某（公民身份号码：350425********0018）" in t for t in text)  # the liaison's copy is masked
    assert any("请于收函后3个工作日内（2025年10月11日前）在救助平台签收，签收后15个工作日内反馈" in t for t in text)
    assert "2025年9月30日" in text


def test_new_referral_from_a_case_is_routed_by_the_list(client, alice, case, units):
    client.force_login(alice)
    page = client.get(f"/referrals/new/?case={case.pk}").content.decode()
    assert 'value="卢某某"' in page
    response = client.post(f"/referrals/new/?case={case.pk}", {
        "kind": "counselling", "to_unit": "", "person_name": "卢某某", "facts": "遭受心理创伤", "request": "心理疏导"})
    referral = Referral.objects.get(kind="counselling")
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert (referral.to_unit, referral.case) == (units["womens_federation"], case)


def test_liaison_sends_a_clue_to_the_procuratorate(client, frank, units, alice):
    client.force_login(frank)
    client.post("/referrals/new/", {"kind": "judicial_aid", "person_name": "郑某某",
                                    "facts": "低保申请人，交通肇事赔偿未执行到位"})
    referral = Referral.objects.get(person_name="郑某某")
    assert (referral.from_unit, referral.to_unit, referral.case) == (
        units["civil_affairs"],
        units["procuratorate"],
        None,
    )


def test_case_page_adds_a_plan_item_and_refers_it(client, alice, case, units):
    client.force_login(alice)
    response = client.post(f"/referrals/cases/{case.pk}/", {"kind": "child_care", "description": "事实无人抚养儿童认定",
                                                            "refer": "on"})
    assert response.status_code == 302
    item = case.plan_items.get()
    assert (item.unit, item.state, item.referral.to_unit) == (units["civil_affairs"], "in_progress",
                                                              units["civil_affairs"])
    page = client.get(f"/referrals/cases/{case.pk}/").content.decode()
    assert "事实无人抚养儿童认定" in page and "民政局" in page and 'id="timeline"' in page


def test_liaison_cannot_plan_on_the_case_page(client, frank, old, case):
    client.force_login(frank)
    assert client.post(f"/referrals/cases/{case.pk}/", {"kind": "dibao"}).status_code == 403
    assert "救助方案" in client.get(f"/referrals/cases/{case.pk}/").content.decode()  # still reads the page
    assert case.plan_items.count() == 0


def test_unit_plan_items_page_and_close(client, alice, heidi, case):
    from jiuzhu.app.referrals.services import plans

    item = plans.add_item(alice, case, kind="fee_waiver", due_date=date(2025, 10, 1))
    client.force_login(heidi)
    page = client.get("/referrals/plan-items/").content.decode()
    assert re.search(rf'<tr class="overdue" data-item="{item.pk}">', page)
    client.post(f"/referrals/plan-items/{item.pk}/close/", {"state": "done", "result": "已减免学费", "amount": "800"})
    item.refresh_from_db()
    assert (item.state, item.amount_fen) == ("done", 80000)


def test_close_link_only_for_who_may_close(client, alice, bob, heidi, case):
    """A leader reads every unit's items but closes none: no 办结 link that would answer 403."""
    from jiuzhu.app.referrals.services import plans

    item = plans.add_item(alice, case, kind="fee_waiver", due_date=date(2025, 10, 1))
    close = f'href="/referrals/plan-items/{item.pk}/close/"'
    for user, shown in ((heidi, True), (alice, True), (bob, False)):
        client.force_login(user)
        page = client.get("/referrals/plan-items/").content.decode()
        assert f'data-item="{item.pk}"' in page and (close in page) == shown, user.username
        assert client.get(f"/referrals/plan-items/{item.pk}/close/").status_code == (200 if shown else 403)


def test_notifications_page_marks_read(client, frank, old):
    client.force_login(frank)
    page = client.get("/referrals/notifications/").content.decode()
    assert "新移送：检移〔2025〕1号（低保）" in page
    assert Notification.objects.filter(recipient=frank, read_at__isnull=True).count() == 0


def test_notifications_page_by_page(client, frank):
    """Every notice is reachable (50 a page, newest first); a page marks only its own notices read."""
    from jiuzhu.app.accounts.notices import notify

    for n in range(1, 61):
        notify([frank], f"qa-{n}", f"第{n}条通知")
    client.force_login(frank)
    first = client.get("/referrals/notifications/").content.decode()
    assert "共 60 条，第 1/2 页" in first and "第60条通知" in first and "第10条通知<" not in first
    assert Notification.objects.filter(recipient=frank, read_at__isnull=True).count() == 10
    second = client.get("/referrals/notifications/?page=2").content.decode()
    assert "第10条通知<" in second and "第1条通知<" in second and "第11条通知<" not in second
    assert second.count('class="unread"') == 10
    assert Notification.objects.filter(recipient=frank, read_at__isnull=True).count() == 0


def test_menu_links_for_liaison(client, frank):
    client.force_login(frank)
    home = client.get("/").content.decode()
    assert (
        'href="/referrals/"' in home and 'href="/referrals/plan-items/"' in home and 'href="/referrals/upload/"' in home
    )


def test_duties_page_lists_each_unit_with_kinds_contacts_and_limits(client, frank, units):
    from jiuzhu.app.accounts.models import Profile

    Profile.objects.filter(user=frank).update(phone="0598-7000001")
    client.force_login(frank)
    page = client.get("/referrals/duties/").content.decode()
    row = re.search(r'<tr data-unit="civil_affairs">.*?</tr>', page, re.S).group(0)
    assert all(
        k in row for k in ("民政局", "低保", "事实无人抚养儿童认定", "方联络员 0598-7000001", "3个工作日", "15个工作日")
    )
    rural = re.search(r'<tr data-unit="rural_revitalization">.*?</tr>', page, re.S).group(0)
    assert "5个工作日" in rural


def test_referral_page_counts_working_days_left(client, frank, fresh):
    client.force_login(frank)
    page = client.get(f"/referrals/{fresh.pk}/").content.decode()
    assert f"签收期限 {fresh.receipt_due:%Y-%m-%d}（剩余 3 个工作日）" in page
