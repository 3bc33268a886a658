"""The clue page checks that the user sees the clue and lists the person's other clues from one and the same
set of visible clues (built once: a handler's team tags read once): a handler sees, among the person's clues,
only the procuratorate's unassigned ones not of another team and those assigned to him; a liaison only his
unit's; a leader every one."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.app.casework.services import verification
from tests.fixtures.cases import SHANGHAI, make_clue

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons_clues(people):
    """One person's clues, newest last; each name says who may see it."""

    def clue(day: int, **kwargs):
        seen = datetime(2025, 9, day, 9, tzinfo=SHANGHAI)
        return make_clue(person_key="pScope", first_seen=seen, last_seen=seen, **kwargs)

    got = {
        "plain": clue(1, tags=[]),
        "my_team": clue(2, tags=["未成年人"]),  # alice is in the 未成年人 team
        "other_team": clue(3, tags=["残疾人"], rule="SJ-03"),
        "other_team_mine": clue(4, tags=["残疾人"], rule="SJ-03"),
        "assigned_to_bob": clue(5, tags=[]),
        "civil": clue(6, tags=[], target_unit="civil_affairs", rule="MZ-01", rule_name="事实无人抚养儿童"),
        "second_unit": clue(7, tags=[], target_unit="rural_revitalization", second_unit="procuratorate",
                            rule="FP-01", rule_name="防返贫监测"),
        "civil_later": clue(8, tags=[], target_unit="civil_affairs", rule="MZ-01", rule_name="事实无人抚养儿童"),
    }
    verification.assign(got["other_team_mine"], people["alice"], by=people["bob"], on=date(2025, 9, 4))
    verification.assign(got["assigned_to_bob"], people["bob"], by=people["bob"], on=date(2025, 9, 5))
    return got


def _others(client, clue) -> list[int]:
    response = client.get(f"/clues/{clue.pk}/")
    assert response.status_code == 200
    return [o.pk for o in response.context["others"]]


def test_handler_sees_and_lists_only_her_clues_reading_the_teams_once(client, people, persons_clues):
    c = persons_clues
    client.force_login(people["alice"])
    client.get(f"/clues/{c['plain'].pk}/")  # the first request of a session reads what later ones keep
    with CaptureQueriesContext(connection) as queries:
        others = _others(client, c["plain"])
    assert others == [c["second_unit"].pk, c["other_team_mine"].pk, c["my_team"].pk]
    assert sum('FROM "accounts_team"' in q["sql"] for q in queries) == 1
    assert _others(client, c["other_team_mine"]) == [c["second_unit"].pk, c["my_team"].pk, c["plain"].pk]
    for hidden in ("other_team", "assigned_to_bob", "civil", "civil_later"):
        assert client.get(f"/clues/{c[hidden].pk}/").status_code == 403, hidden
    assert client.get("/clues/999999/").status_code == 404


def test_liaison_sees_and_lists_only_his_units_clues(client, people, persons_clues):
    c = persons_clues
    client.force_login(people["frank"])  # 民政
    assert _others(client, c["civil"]) == [c["civil_later"].pk]
    for hidden in ("plain", "my_team", "other_team", "second_unit"):
        assert client.get(f"/clues/{c[hidden].pk}/").status_code == 403, hidden


def test_leader_lists_every_other_clue(client, people, persons_clues):
    c = persons_clues
    client.force_login(people["bob"])
    assert _others(client, c["plain"]) == [c[k].pk for k in ("civil_later", "second_unit", "civil",
                                                             "assigned_to_bob", "other_team_mine", "other_team",
                                                             "my_team")]
