"""The working day in a browser: each count on the landing page opens a list with exactly that many rows
(a handler and a 民政 liaison); a partner's referral to the procuratorate becomes a clue and then a case,
the 受理 form pre-filled from it. Debian chromium via Playwright."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.helpers import login

# how each list shows its rows (the landing page links to these paths)
ROWS = {
    "/casework/approvals/": "main table tbody tr:not(:has(td.muted))",
    "/casework/payments/": "main table tbody tr:not(:has(td.muted))",
    "/referrals/": "#to-do tr[data-referral]",
    "/referrals/plan-items/": "tr[data-item]",
    "/referrals/notifications/": "li.unread",
}


def rows_on(page, url: str) -> int:
    page.goto(url)
    path = url.split("?")[0].split("//", 1)[-1]
    path = path[path.index("/"):]
    text = page.locator("main").inner_text()
    if path in ("/clues/", "/casework/"):
        return int(re.search(r"共 (\d+) 条", text).group(1))
    if path == "/casework/deadlines/":
        return (page.locator("#my-tasks tbody tr:not(:has(td.muted))").count()
                + page.locator("#other-deadlines tbody tr").count())
    return page.locator(ROWS[path]).count()


def check_counts(page, base: str) -> int:
    page.goto(f"{base}/")
    tiles = [(a.get_attribute("href"), int(a.get_attribute("data-count")))
             for a in page.locator("#workday a").all()]
    assert tiles
    for href, count in sorted(tiles, key=lambda t: "notifications" in t[0]):  # reading notices marks them read
        assert rows_on(page, base + href) == count, href
    return len(tiles)


@pytest.mark.django_db(transaction=True)
def test_landing_counts_match_the_lists(browser, live_server, people, units, new_case):
    from jiuzhu.app.casework.services import verification
    from jiuzhu.app.referrals.services import flow, plans
    from tests.fixtures.cases import make_clue

    verification.assign(make_clue(person_name="丁某"), people["alice"], by=people["bob"], on=date(2025, 9, 26))
    make_clue(person_name="己某", rule="MZ-01", rule_name="事实无人抚养儿童", target_unit="civil_affairs", tags=[],
              answer_due=date(2025, 10, 20))
    flow.send(people["alice"], to_unit=units["civil_affairs"], kind="dibao", person_name="甲某", facts="困难",
              case=new_case)
    plans.add_item(people["alice"], new_case, kind="temp_relief", description="临时救助")
    base = live_server.url
    assert check_counts(login(browser, base, "alice"), base) >= 5
    assert check_counts(login(browser, base, "frank"), base) >= 4


@pytest.mark.django_db(transaction=True)
def test_partner_referral_becomes_a_case(browser, live_server, people, units):
    from playwright.sync_api import expect

    from jiuzhu.app.casework.models import Case

    base = live_server.url
    liaison = login(browser, base, "frank")
    liaison.goto(f"{base}/referrals/new/")
    liaison.select_option("select[name=kind]", "judicial_aid")
    liaison.fill("input[name=person_name]", "黄某某")
    liaison.fill("input[name=person_id_number]", "35042520150315001X")
    liaison.fill("input[name=phone]", "13800000000")
    liaison.fill("input[name=address]", "均溪镇城关村8号")
    liaison.fill("textarea[name=facts]", "父亲因故意伤害致重伤，家庭失去收入来源，申请低保时发现")
    liaison.click("main button:has-text('发送')")
    expect(liaison.locator(".messages")).to_contain_text("检察院")

    procurator = login(browser, base, "alice")
    procurator.click("#workday a:has-text('待核查线索')")
    procurator.click("main a:has-text('黄某某')")
    if procurator.locator("button[name=take]").count():
        procurator.click("button[name=take]")
    procurator.select_option("select[name=outcome]", "accept")
    procurator.click("button[name=conclude]")
    expect(procurator.locator("h1")).to_contain_text("受理救助案件")
    expect(procurator.locator("input[name=person_name]")).to_have_value("黄某某")
    expect(procurator.locator("input[name=person_id_number]")).to_have_value("35042520150315001X")
    procurator.click("main form button:has-text('受理')")
    expect(procurator.locator(".messages")).to_contain_text("已受理")
    case = Case.objects.get(person_name="黄某某")
    assert (case.person_id_number, case.clue.referrals.get().from_unit.code) == ("35042520150315001X",
                                                                                 "civil_affairs")
