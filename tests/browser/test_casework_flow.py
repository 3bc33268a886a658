"""clue → case → review → two approvals → decision → payment → follow-up → close, as the handler,
two approvers and the finance officer, each in their own browser context; the 决定书 is downloaded
and opened. Debian chromium via Playwright."""

from __future__ import annotations

import pytest

from tests.browser.helpers import login


def _approve(browser, base: str, username: str, case_pk: int, opinion: str) -> None:
    from playwright.sync_api import expect

    page = login(browser, base, username)
    page.goto(f"{base}/casework/approvals/")
    page.click(f"a[href='/casework/{case_pk}/']")
    page.fill("#step-approve textarea[name=opinion]", opinion)
    page.click("#step-approve button[name=approve]")
    page.wait_for_url(f"{base}/casework/approvals/")
    expect(page.locator(".messages")).to_contain_text("审批意见已提交")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_clue_to_closed_case_in_the_browser(browser, live_server, personas, clue, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    from jiuzhu.app.casework.documents.layout import text_of
    from jiuzhu.app.casework.models import Case

    base = live_server.url
    # the handler finds the clue in her team's queue and accepts it as a case
    alice = login(browser, base, "alice")
    alice.goto(f"{base}/clues/?queue=team")
    alice.click("text=郑小梅")
    expect(alice.locator("body")).to_contain_text("被害人.xlsx")
    alice.select_option("select[name=outcome]", "accept")
    alice.click("button[name=conclude]")
    alice.select_option("select[name=category]", "severe_injury")
    alice.fill("input[name=accepted_on]", "2025-09-26")
    alice.fill("input[name=underlying_case_no]", "(2025)闽0425刑初12号")
    alice.click("button:has-text('受理')")
    expect(alice.locator("h1")).to_contain_text("大田检救〔2025〕1号")
    expect(alice.locator("body")).to_contain_text("2025-10-16")  # 审查期限 across 国庆
    case = Case.objects.get()

    # review report, then submit
    report = alice.locator("#step-report")
    report.locator("textarea[name=facts]").fill("被告人故意伤害致郑小梅重伤，无赔偿能力。")
    report.locator("textarea[name=hardship]").fill("现为低保对象，无劳动能力。")
    report.locator("input[name=loss_fen]").fill("300000")
    report.locator("input[name=judged_compensation_fen]").fill("220000")
    report.locator("input[name=compensation_received_fen]").fill("0")
    report.locator("input[name=amount_fen]").fill("30000")
    report.locator("button[name=save-report]").click()
    expect(alice.locator(".messages")).to_contain_text("审查报告已保存")
    alice.locator("#step-report button[name=submit-approval]").click()
    expect(alice.locator(".messages")).to_contain_text("已提交审批")

    # two approvals, two more users
    _approve(browser, base, "bob", case.pk, "同意，报分管副检察长审批")
    _approve(browser, base, "carol", case.pk, "同意救助叁万元")

    # the handler decides and opens the 决定书
    alice.reload()
    alice.click("#step-decide button[name=decide]")
    expect(alice.locator(".messages")).to_contain_text("已作出决定")
    with alice.expect_download() as info:
        alice.click("a.doc-link:has-text('救助决定书')")
    path = tmp_path / "decision.docx"
    info.value.save_as(path)
    Document(str(path))
    text = text_of(path.read_bytes())
    assert "郑小梅" in text and "30,000.00元" in text and "人民币叁万元整" in text
    assert "大田检救决〔" in text

    # finance: request funds, funds arrive, pay
    erin = login(browser, base, "erin")
    erin.goto(f"{base}/casework/payments/")
    erin.click(f"a[href='/casework/{case.pk}/']")
    erin.click("#step-pay button[name=request-funds]")
    expect(erin.locator(".messages")).to_contain_text("已申请资金")
    erin.click("#step-pay button[name=funds-received]")
    expect(erin.locator(".messages")).to_contain_text("已登记资金到账")
    erin.select_option("#step-pay select[name=method]", "bank")
    erin.fill("#step-pay input[name=receipt_no]", "JZ-2025-001")
    erin.click("#step-pay button[name=paid]")
    expect(erin.locator(".messages")).to_contain_text("已发放")
    expect(erin.locator("#step-pay")).to_contain_text("人民币叁万元整".removeprefix("人民币"))

    # the handler tells the applicant, visits, and closes
    alice.reload()
    alice.click("#step-pay button[name=notified]")
    expect(alice.locator(".messages")).to_contain_text("已记录通知申请人")
    visit = alice.locator("#step-visit")
    visit.locator("input[name=visitors]").fill("艾检察官、何联络员")
    visit.locator("textarea[name=situation]").fill("伤情稳定，救助金用于康复治疗")
    visit.locator("button[name=record-visit]").click()
    expect(alice.locator(".messages")).to_contain_text("回访已记录")
    alice.locator("#step-close textarea[name=text]").fill("救助金已发放，回访情况良好")
    alice.click("#step-close button[name=close]")
    expect(alice.locator(".messages")).to_contain_text("已结案")
    expect(alice.locator("h1")).to_contain_text("已结案")
    case.refresh_from_db()
    assert case.state == "closed"
    assert list(case.approvals.values_list("approver__username", flat=True)) == ["bob", "carol"]
    assert case.payment.receipt_no == "JZ-2025-001"
