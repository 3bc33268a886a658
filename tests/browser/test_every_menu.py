"""Every persona walks its own menu in a browser: each entry it is shown, and the first object each of
those pages lists, answers 200 in Chinese with no English error text and no raw codes (source types, unit
codes, rule codes without their names, field names), and every list pages: with a page of one row
(listing.PER_PAGE), no list shows more rows than a page, and each pager's 下一页 opens the next page.
The shipped path is the tested path: the menu is read from the page, not from code. Debian chromium via Playwright."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jiuzhu.app.accounts import listing
from tests.browser.helpers import login

CJK = re.compile(r"[\u4e00-\u9fff]")
# What a user must never meet: Django's or the server's bare English, Python values, code identifiers.
ENGLISH = re.compile(r"Forbidden|Not Found|Server Error|Bad Request|Traceback|Exception|Page not found|"
                     r"CSRF|\bNone\b|\bnan\b|\bTrue\b|\bFalse\b|\b[a-z]+_[a-z_]+\b")
# A rule code shown without its name (``SJ-01`` alone; ``SJ-01 被害人因案致贫`` and ``被害人因案致贫（SJ-01）`` read).
BARE_RULE = re.compile(r"(?<![\u4e00-\u9fff][（(])\b[A-Z]{2}-\d{2}\b(?![\s（(]*[\u4e00-\u9fff])")
# The first object of a list: the first link of its first table row (not a sort header, pager or export).
FIRST_OBJECT = "main table tbody tr:has(td) a[href]:not([href*='format=']):not([href*='sort='])"
# Tables that are not lists of objects: a fixed set of rows, or one object's own parts.
NOT_LISTS = {
    "/": "the landing page's counts",
    "/referrals/duties/": "one row per unit and help kind (职责清单), fixed by the county",
    "/registries/agreements/": "one row per unit (报送范围)",
    "/accounts/settings/": "the settings index",
    "/reports/": "the quarterly figures",
    "/casework/calendar/": "one year's exceptions to the week (the year is chosen above it)",
}
ROWS = "tbody tr:has(td):not(:has(td.muted))"


def unpaged(page, url: str) -> list[str]:
    """A list table with more rows than a page, or a pager whose 下一页 does not open the next page."""
    path = url.split("?")[0]
    # an object's page shows its own parts whole; Django's admin pages by its own rules
    if path in NOT_LISTS or re.search(r"/\d+/", path) or path.startswith("/admin/"):
        return []
    found = [f"{url}: a list of {n} rows without paging" for t in page.locator("main table").all()
             if (n := t.locator(ROWS).count()) > 1]
    following = page.locator("main .pager a:text-is('下一页')")
    if following.count():
        target = following.first.get_attribute("href")
        response = page.goto(page.url.split("?")[0] + target)
        if response is None or response.status != 200 or not re.search(r"第 ?2 ?/ ?\d+ ?页", page.inner_text("main")):
            found.append(f"{url}: 下一页 {target} does not open page 2")
    return found


def raw_codes() -> re.Pattern:
    """Source type and unit codes as whole words (``victim``, ``civil_affairs``): a page shows their names."""
    from jiuzhu.app.accounts.models import Unit
    from jiuzhu.engine.sources import SPECS

    codes = sorted(set(SPECS) | set(Unit.objects.values_list("code", flat=True)), key=len, reverse=True)
    return re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, codes)) + r")(?![\w/.-])")


def problems(page, url: str, status: int | None, codes: re.Pattern) -> list[str]:
    if status != 200:
        return [f"{url}: HTTP {status}"]
    if "/admin/" in url:  # Django's admin keeps its own screen-reader captions; trust-access owns it
        return []
    text = page.locator("main").inner_text()
    found = []
    if not CJK.search(text):
        found.append(f"{url}: no Chinese")
    found += [f"{url}: {m.group(0)!r}" for m in ENGLISH.finditer(text)]
    found += [f"{url}: code {m.group(0)!r}" for m in codes.finditer(text)]
    found += [f"{url}: rule code without its name {m.group(0)!r}" for m in BARE_RULE.finditer(text)]
    return found


def walk_menu(browser, base: str, username: str, codes: re.Pattern) -> tuple[int, list[str]]:
    page = login(browser, base, username)
    menu = [a.get_attribute("href") for a in page.locator("header nav a").all()]
    tiles = [a.get_attribute("href") for a in page.locator("#workday a").all()]
    found, seen = problems(page, "/", 200, codes), set()
    for href in menu + tiles:
        if href in seen:
            continue
        seen.add(href)
        response = page.goto(base + href)
        found += [f"{username} {p}" for p in problems(page, href, response and response.status, codes)]
        found += [f"{username} {p}" for p in unpaged(page, href)]
        page.goto(base + href)  # back to page 1 for its first object
        first = page.locator(FIRST_OBJECT).first
        target = first.get_attribute("href") if first.count() else None
        if target and target not in seen and not target.startswith(("http", "#", "mailto:")):
            seen.add(target)
            response = page.goto(base + target if target.startswith("/") else page.url.split("?")[0] + target)
            found += [f"{username} {p}" for p in problems(page, target, response and response.status, codes)]
    page.context.close()
    return len(menu), found


@pytest.mark.django_db(transaction=True)
def test_every_persona_every_menu_item_answers_in_chinese(browser, live_server, people, units, case_at,
                                                          monkeypatch):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile
    from jiuzhu.app.referrals.services import flow, plans
    from tests.fixtures.cases import make_clue
    from tests.fixtures.personas import PASSWORD

    User = get_user_model()
    extra = {"ivan": ("procuratorate", "data_admin", "伊管理员"), "mira": ("civil_affairs", "unit_leader", "米局长")}
    for username, (unit, role, name) in extra.items():
        user = User.objects.create_user(username, password=PASSWORD)
        Profile.objects.create(user=user, unit=units[unit], role=role, display_name=name)
    case = case_at("approving")  # waits for bob's signature; alice handles it
    make_clue(person_name="己某", rule="MZ-01", rule_name="事实无人抚养儿童", target_unit="civil_affairs",
              tags=["未成年人"], answer_due=date(2025, 10, 20),
              records=[{"record_id": "b3:花名册:7", "source_type": "dibao", "file": "低保.xlsx",
                        "sheet": "花名册", "row": 7}])
    make_clue(person_name="庚某", rule="MZ-02", rule_name="重残家庭未成年人", target_unit="civil_affairs",
              tags=["未成年人"], answer_due=date(2025, 10, 21))
    for kind in ("dibao", "temp_relief"):  # two of each: every list has a second page
        flow.send(people["alice"], to_unit=units["civil_affairs"], kind=kind, person_name="郑小梅", facts="困难",
                  case=case)
        plans.add_item(people["alice"], case, kind=kind, description="救助")
    monkeypatch.setattr(listing, "PER_PAGE", 1)  # the live server runs in this process

    codes = raw_codes()
    base = live_server.url
    report = {}
    for username in [*people, *extra]:
        shown, found = walk_menu(browser, base, username, codes)
        assert shown >= 4, username  # every role has a working menu
        report[username] = found
    assert {u: f for u, f in report.items() if f} == {}
