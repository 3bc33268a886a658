"""The landing page: each role's counts, and each count equals the rows of the list it links to."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.app.casework.services import verification
from jiuzhu.app.referrals.services import flow, plans
from jiuzhu.app.web.workday import tiles_for
from tests.fixtures.cases import make_clue, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(people, units, new_case):
    """alice: one case in review (overdue), one clue assigned; bob: one approval; erin: one grant to pay;
    frank (民政): one referral to sign, one plan item; alice has a visit due on a paid case."""
    from jiuzhu.app.casework.services.acceptance import accept_case

    def another(name: str):
        # three different people (one grant per person: the same ID number would be refused)
        clue = make_clue(person_name=name, person_id_number=f"3504251980010{ord(name[0]) % 100000:05d}")
        return accept_case(by=people["alice"], handler=people["alice"], person_name=name, category="other",
                           clue=clue, on=date(2025, 9, 26))

    walk(another("甲某"), "approving", people)
    walk(another("乙某"), "granted", people)
    walk(another("丙某"), "paid", people)
    verification.assign(make_clue(person_name="丁某"), people["alice"], by=people["bob"], on=date(2025, 9, 26))
    make_clue(person_name="戊某")  # new, unassigned
    make_clue(person_name="己某", rule="MZ-01", rule_name="事实无人抚养儿童", target_unit="civil_affairs",
              tags=[], answer_due=date(2025, 10, 20))  # 民政 owes an answer
    flow.send(people["alice"], to_unit=units["civil_affairs"], kind="dibao", person_name="甲某", facts="困难",
              case=new_case)
    plans.add_item(people["alice"], new_case, kind="temp_relief", description="临时救助")
    return people


def count_in_list(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    ctx = response.context
    path, _, query = url.partition("?")
    if path == reverse("referrals:inbox"):  # every list pages: its total, not the rows of one page
        return ctx["to_do"].total
    if path == reverse("referrals:notifications"):
        return sum(1 for n in ctx["notes"] if n.read_at is None)
    if path == reverse("casework:deadlines"):
        return ctx["mine"].total + ctx["others"].total
    return ctx["total"]


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "erin", "frank"])
def test_every_count_equals_its_list(client, day, who):
    user = day[who]
    client.force_login(user)
    home = client.get("/").content.decode()
    tiles = tiles_for(user)
    assert tiles
    for tile in tiles:
        assert f'href="{tile.url}" data-count="{tile.count}"' in home
    # the notifications list marks read: count it last
    for tile in sorted(tiles, key=lambda t: t.label == "未读通知"):
        assert count_in_list(client, tile.url) == tile.count, (who, tile.label)


def test_counts_by_role(day):
    def counts(who):
        return {t.label: t.count for t in tiles_for(day[who])}

    alice = counts("alice")
    assert alice["待核查线索"] == 2  # 丁某 assigned to her, 戊某 new; the four cases' clues are 已立案
    assert alice["审查中案件"] == 1
    assert alice["待回访"] == 1
    assert alice["已逾期事项"] >= 2  # the 2025 review and the clue's 核查 are long past
    assert "待我审批" not in alice
    assert counts("bob")["待我审批"] == 1
    assert counts("carol")["待我审批"] == 0
    assert counts("erin")["待发放救助金"] == 1
    frank = counts("frank")
    assert frank["待签收、反馈的移送"] == 1
    assert frank["未办结救助方案事项"] == 1
    assert frank["待答复线索"] == 1
    assert frank["已逾期事项"] == 1  # the clue (answer due 2025); the referral and plan item were made today
    assert "待核查线索" not in frank


def test_partner_deadlines_list_their_referrals_and_plan_items(client, day):
    client.force_login(day["frank"])
    page = client.get(reverse("casework:deadlines")).content.decode()
    assert "签收移送检移〔" in page and "（低保，检察院）" in page
    assert "落实救助方案事项：临时救助" in page
    assert "答复线索" in page and "（事实无人抚养儿童）" in page


def test_partner_clue_deadlines_counted_in_the_database_match_the_list(client, day):
    """The landing page counts a partner's clue deadlines in the database (a unit may owe hundreds); the
    counts equal the statuses of 我的期限's rows: one overdue, one due today (soon), one due next year."""
    from django.utils import timezone

    from jiuzhu.app.casework.deadlines import clues_due_counts, other_deadlines

    today = timezone.localdate()
    for name, due in (("庚某", today), ("辛某", date(today.year + 1, 6, 30))):
        make_clue(person_name=name, rule="MZ-01", rule_name="事实无人抚养儿童", target_unit="civil_affairs",
                  tags=[], answer_due=due)
    frank = day["frank"]
    rows = [r for r in other_deadlines(frank) if r["title"].startswith("答复线索")]
    assert sorted(r["status"] for r in rows) == ["", "overdue", "soon"]
    assert clues_due_counts(frank) == {"overdue": 1, "soon": 1}
    assert clues_due_counts(day["alice"]) == {"overdue": 0, "soon": 0}  # the procuratorate answers no clue
    counts = {t.label: t.count for t in tiles_for(frank)}
    assert counts["已逾期事项"] == 1 and counts["即将到期事项"] == 1
