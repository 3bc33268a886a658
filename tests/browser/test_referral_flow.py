"""A procurator refers a case to 民政; the 民政 liaison (a second browser) signs and answers 已纳入低保; the
procurator sees the answer on the case timeline, and the plan item is closed. Debian chromium via Playwright."""

from __future__ import annotations

import re

import pytest

from tests.app.referrals.conftest import case, make_case  # noqa: F401
from tests.browser.helpers import login


@pytest.mark.django_db(transaction=True)
def test_refer_sign_answer_and_see_it_on_the_timeline(browser, live_server, case, alice, frank):  # noqa: F811
    from playwright.sync_api import expect

    base = live_server.url
    # the procurator adds 低保 to the plan and refers it to 民政 at once
    procurator = login(browser, base, "alice")
    procurator.goto(f"{base}/referrals/cases/{case.pk}/")
    procurator.select_option("select[name=kind]", "dibao")
    procurator.fill("textarea[name=description]", "家庭主要劳动力服刑，建议纳入低保")
    expect(procurator.locator("input[name=refer]")).to_be_checked()
    procurator.click("button:has-text('增加')")
    expect(procurator.locator(".messages")).to_contain_text("已增加事项“低保”，由民政局落实")
    expect(procurator.locator("#plan")).to_contain_text("落实中")

    # the 民政 liaison, in a second browser context, finds it in the inbox, signs and answers
    liaison = login(browser, base, "frank")
    liaison.goto(f"{base}/referrals/")
    row = liaison.locator("tr[data-referral]").first
    expect(row).to_contain_text("低保")
    row.locator("a").first.click()
    liaison.click("button:has-text('签收')")
    expect(liaison.locator(".messages")).to_contain_text("已签收")
    liaison.click("text=反馈办理结果")
    liaison.select_option("select[name=result]", "enrolled_dibao")
    liaison.fill("input[name=monthly_amount]", "1891")
    liaison.click("button:has-text('提交反馈')")
    expect(liaison.locator("td.result")).to_have_text("已纳入低保，月保障金额1,891.00元")

    # the procurator sees the answer on the shared timeline, and the plan item closed
    procurator.reload()
    expect(procurator.locator("#timeline")).to_contain_text(
        re.compile(r"民政局反馈移送检移〔\d{4}〕1号：已纳入低保，月保障金额1,891\.00元"))
    expect(procurator.locator("#plan td.state")).to_have_text("已落实")
    # … and on casework's own case page, which reads the same shared timeline
    procurator.goto(f"{base}/casework/{case.pk}/")
    expect(procurator.locator("main")).to_contain_text(
        re.compile(r"民政局反馈移送检移〔\d{4}〕1号：已纳入低保，月保障金额1,891\.00元"))
    assert case.plan_items.open().count() == 0
