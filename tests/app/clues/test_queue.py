"""The clue queue and clue page: who sees which clue, filters, team queue, assignment, outcomes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Verification
from jiuzhu.app.clues import evidence
from jiuzhu.app.clues.models import ClueState
from tests.fixtures.cases import make_clue

pytestmark = pytest.mark.django_db


@pytest.fixture
def clues(db):
    return {
        "minor": make_clue(person_name="小红", tags=["未成年人"], priority=90, facts={"township": "均溪镇"}),
        "disabled": make_clue(person_name="老李", tags=["残疾人"], priority=70, rule="SJ-03",
                              facts={"township": "石牌镇"}),
        "plain": make_clue(person_name="王五", tags=[], priority=40, facts={"township": "均溪镇"}),
        "civil": make_clue(person_name="赵六", tags=[], target_unit="civil_affairs", rule="MZ-01", priority=30,
                           facts={"township": "石牌镇"}),
    }


def _names(client, url="/clues/"):
    page = client.get(url)
    assert page.status_code == 200
    return [n for n in ("小红", "老李", "王五", "赵六") if n in page.content.decode()]


def test_leader_sees_every_clue(client, people, clues):
    client.force_login(people["bob"])
    assert _names(client) == ["小红", "老李", "王五", "赵六"]


def test_state_filter_names_each_choice_once(client, people, clues):
    """Two choices may not read alike: 单位已答复 (the state) and any clue a unit answered (to_procuratorate too)."""
    client.force_login(people["bob"])
    select = re.search(r'<select name="state">.*?</select>', client.get("/clues/").content.decode(), re.S).group(0)
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", select)
    assert len(labels) == len(set(labels)) and "有单位答复（含转检察院）" in labels


def test_handler_sees_own_team_and_untagged_unassigned(client, people, clues):
    client.force_login(people["alice"])  # in the minors team, not the disabled team
    assert _names(client) == ["小红", "王五"]
    assert _names(client, "/clues/?queue=team") == ["小红"]
    assert client.get(f"/clues/{clues['disabled'].pk}/").status_code == 403


def test_partner_sees_its_units_clues_and_finance_has_no_queue(client, people, clues):
    client.force_login(people["frank"])  # 民政
    assert _names(client) == ["赵六"]
    assert client.get(f"/clues/{clues['minor'].pk}/").status_code == 403
    client.force_login(people["grace"])  # 残联: none of these
    assert _names(client) == []
    client.force_login(people["erin"])
    assert client.get("/clues/").status_code == 403


@pytest.mark.parametrize(("query", "expected"), [
    ("rule=SJ-03", ["老李"]),
    ("tag=未成年人", ["小红"]),
    ("priority=60", ["小红", "老李"]),
    ("township=均溪镇", ["小红", "王五"]),
    ("state=excluded", []),
])
def test_filters(client, people, clues, query, expected):
    client.force_login(people["bob"])
    assert _names(client, f"/clues/?{query}") == expected


def test_due_filter(client, people, clues):
    from jiuzhu.app.casework.services import verification

    verification.assign(clues["plain"], people["alice"], by=people["bob"], on=date(2025, 9, 1))
    client.force_login(people["bob"])
    assert _names(client, "/clues/?due=overdue") == ["王五"]
    assert _names(client, "/clues/?due=soon") == []


def test_leader_assigns_and_handler_sees_it(client, people, clues):
    client.force_login(people["bob"])
    r = client.post(f"/clues/{clues['disabled'].pk}/assign/", {"handler": people["alice"].profile.pk})
    assert r.status_code == 302
    v = Verification.objects.get(clue=clues["disabled"])
    assert v.handler == people["alice"]
    client.force_login(people["alice"])
    assert "老李" in _names(client)


def test_handler_takes_an_unassigned_clue_but_cannot_assign_others(client, people, clues):
    client.force_login(people["alice"])
    client.post(f"/clues/{clues['plain'].pk}/assign/", {"handler": people["bob"].profile.pk})
    assert Verification.objects.get(clue=clues["plain"]).handler == people["alice"]  # took it herself


def test_exclude_with_reason_through_the_page(client, people, clues):
    client.force_login(people["alice"])
    url = f"/clues/{clues['plain'].pk}/conclude/"
    client.post(url, {"outcome": "exclude", "reason": ""})
    clues["plain"].refresh_from_db()
    assert clues["plain"].state != ClueState.EXCLUDED
    client.post(url, {"outcome": "exclude", "reason": "经核实已获全额赔偿"})
    clues["plain"].refresh_from_db()
    assert clues["plain"].state == ClueState.EXCLUDED


def test_accept_leads_to_the_case_form_prefilled(client, people, clues):
    client.force_login(people["alice"])
    r = client.post(f"/clues/{clues['minor'].pk}/conclude/", {"outcome": "accept"})
    assert r["Location"] == f"/casework/new/?clue={clues['minor'].pk}"
    page = client.get(r["Location"]).content.decode()
    assert 'value="小红"' in page and "均溪镇" in page
    r = client.post(r["Location"], {"clue": clues["minor"].pk, "origin": "screening", "person_name": "小红",
                                    "category": "severe_injury", "handler": people["alice"].profile.pk,
                                    "accepted_on": "2025-09-26", "tags": ["未成年人"]})
    clues["minor"].refresh_from_db()
    assert clues["minor"].state == ClueState.ACCEPTED
    assert r["Location"] == f"/casework/{clues['minor'].case.pk}/"


def test_clue_page_shows_records_with_file_and_row_and_masks_nothing_for_handler(client, people, clues):
    client.force_login(people["alice"])
    page = client.get(f"/clues/{clues['minor'].pk}/").content.decode()
    assert "被害人.xlsx" in page and "执行.xlsx" in page and "<td>5</td>" in page and "<td>9</td>" in page
    assert "350425198001011234" in page
    assert AuditEvent.objects.filter(action="view", object_type="clues.clue",
                                     object_id=str(clues["minor"].pk)).exists()


def test_linkage_explanation_read_through_the_engine(tmp_path, monkeypatch, person_warehouse):
    got = evidence.explain("pA", ["b2:S:9"])
    assert got.available
    assert got.methods == {"b1:S:4": "身份证号一致", "b2:S:9": "概率匹配（姓名、出生日期等）"}
    (link,) = got.links
    assert (link.left.file, link.right.file, link.strength) == ("低保.xlsx", "被害人.xlsx", "极强")
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "empty"))
    assert evidence.explain("pA", ["a"]).note == "数据仓库尚未建立，请先导入名单并运行筛查"


def test_clue_page_explains_the_link_in_words_and_connects_the_persons_clues(client, people, person_warehouse):
    clue = make_clue(person_key="pA", records=[{"record_id": "b2:S:9", "source_type": "victim", "file": "被害人.xlsx",
                                                "sheet": "S", "row": 9}])
    other = make_clue(person_key="pA", rule="SJ-03", rule_name="民事侵权因案致贫", tags=[])
    client.force_login(people["bob"])
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "匹配把握：<b>极强</b>" in page and "<td>乡镇</td><td>均溪镇</td><td>石牌镇</td><td>不符</td>" in page
    assert "<td>联系电话</td><td>—</td><td>—</td><td>无法比较</td><td>缺失</td>" in page
    assert "<td>年龄与名册</td><td></td><td></td><td>不影响</td><td>年龄相符</td><td>0.0</td>" in page
    assert "b1:S:4" not in page and "birth_date" not in page and "刑事被害人" in page
    assert f'/clues/{other.pk}/">民事侵权因案致贫' in page and "/persons/pA/" in page


def test_refer_sends_a_referral_to_the_unit(client, people, clues, units):
    from jiuzhu.app.referrals.models import Referral

    client.force_login(people["alice"])
    r = client.post(f"/clues/{clues['plain'].pk}/conclude/", {
        "outcome": "refer", "reason": "属低保范围，请民政核查", "refer_to": units["civil_affairs"].pk}, follow=True)
    referral = Referral.objects.get(clue=clues["plain"])
    assert (referral.to_unit.code, referral.request) == ("civil_affairs", "属低保范围，请民政核查")
    assert f"已向民政局发出移送函（{referral.number}）" in r.content.decode()
    clues["plain"].refresh_from_db()
    assert clues["plain"].state == ClueState.REFERRED


def test_open_queue_written_for_indexes_is_the_visible_open_set(people, clues):
    from jiuzhu.app.casework.services import verification
    from jiuzhu.app.clues import access
    from jiuzhu.app.clues.models import OPEN_STATES

    make_clue(person_name="钱七", tags=["残疾人"], second_unit="procuratorate", target_unit="rural_revitalization")
    make_clue(person_name="孙八", tags=[], state=ClueState.LAPSED)
    verification.assign(clues["disabled"], people["alice"], by=people["bob"])  # another team's tag, but hers
    verification.assign(clues["plain"], people["bob"], by=people["bob"])
    for user in people.values():
        expected = set(access.clues_for(user).filter(state__in=OPEN_STATES).values_list("pk", flat=True))
        assert set(access.open_clues_for(user).values_list("pk", flat=True)) == expected, user.username
    assert {c.person_name for c in access.open_clues_for(people["alice"])} == {"小红", "老李"}


def test_clue_page_shows_the_verification_sections_casework_adds(client, people, clues):
    """核查 is casework's: its rows among the clue's facts and its forms, still posting to /clues/ paths."""
    from jiuzhu.app.casework.services import verification

    pk = clues["plain"].pk
    verification.assign(clues["plain"], people["alice"], by=people["bob"], on=date(2025, 9, 1))
    client.force_login(people["bob"])
    page = client.get(f"/clues/{pk}/").content.decode()
    assert "<tr><th>核查人</th><td>艾检察官（2025-09-01 分派）</td><th>核查期限</th>" in page
    assert f'action="/clues/{pk}/assign/"' in page and "改派" in page and f'action="/clues/{pk}/conclude/"' in page
    client.force_login(people["frank"])  # a partner unit: no 核查 steps on its own clue's page
    page = client.get(f"/clues/{clues['civil'].pk}/").content.decode()
    assert "/assign/" not in page and "/conclude/" not in page


def test_a_referral_that_cannot_be_sent_undoes_the_conclusion(client, people, clues, units):
    """移送 is referrals' answer to casework's clue_referred, inside the conclusion's transaction."""
    from jiuzhu.app.referrals.models import Referral

    client.force_login(people["alice"])
    r = client.post(f"/clues/{clues['plain'].pk}/conclude/", {
        "outcome": "refer", "reason": "请法院处理", "refer_to": units["court"].pk}, follow=True)
    assert "法院的职责清单没有承接事项" in r.content.decode()
    clues["plain"].refresh_from_db()
    assert clues["plain"].state != ClueState.REFERRED and not Referral.objects.exists()
    assert not Verification.objects.filter(clue=clues["plain"]).exists()  # the take-over undone too
