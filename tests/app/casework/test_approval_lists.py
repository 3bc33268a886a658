"""待我审批 on the department head's landing page and list: each case's pending level read for all the cases at
once (a fixed number of queries however many wait), the same level `pending_level` gives for each alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.app.casework.services import approval, review, urgent
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.web.workday import tiles_for
from tests.fixtures.cases import ACCEPTED_ON, make_clue, report_fields, walk

pytestmark = pytest.mark.django_db

DEPT_HEAD, DEPUTY, CHIEF = "部门负责人审核", "分管副检察长审批", "检察长（检察委员会）审批"


def _case(people, n: int, stage: str, *, urgent_reason: str = "", amount_fen: int = 3_000_000):
    """A case of its own person (n), accepted by alice and walked to `stage`."""
    name = f"审批{n}"
    clue = make_clue(person_name=name, person_id_number=f"35042519800101{n:04d}")
    case = accept_case(by=people["alice"], handler=people["alice"], person_name=name, category="other", clue=clue,
                       on=ACCEPTED_ON, underlying_case_no=f"(2025)闽0425刑初{n}号")
    if urgent_reason:
        urgent.mark_urgent(case, by=people["alice"], reason=urgent_reason)
    return walk(case, stage, people, report=report_fields(amount_fen=amount_fen))


def _sign(case, person, agreed: bool = True):
    approval.decide_level(case, by=person, agreed=agreed, opinion="同意" if agreed else "请补充困难证明")
    case.refresh_from_db()
    return case


@pytest.fixture
def at_each_level(people):
    """Cases at every place of the chain, with the level that signs next (None: nobody)."""
    fresh = _case(people, 1, "approving")
    signed_once = _sign(_case(people, 2, "approving"), people["bob"])
    # 六万元 reaches the chief's threshold: the third level after the first two
    at_chief = _sign(_sign(_case(people, 3, "approving", amount_fen=6_000_000), people["bob"]), people["carol"])
    second_round = _sign(_case(people, 4, "approving"), people["bob"], agreed=False)
    review.submit(second_round, by=people["alice"], on=date(2025, 10, 9))
    second_round.refresh_from_db()
    # 先行救助: the deputy alone releases it, then the department head signs as its paperwork
    paperwork = _case(people, 5, "approved", urgent_reason="急需手术费用")
    paperwork_signed = _sign(_case(people, 6, "approved", urgent_reason="急需手术费用"), people["bob"])
    reviewing = _case(people, 7, "reviewing")
    approved = _case(people, 8, "approved")
    return [(fresh, DEPT_HEAD), (signed_once, DEPUTY), (at_chief, CHIEF), (second_round, DEPT_HEAD),
            (paperwork, DEPT_HEAD), (paperwork_signed, None), (reviewing, None), (approved, None)]


def test_pending_levels_of_a_list_are_those_of_each_case(at_each_level):
    from jiuzhu.app.casework.models import Case

    cases = list(Case.objects.filter(pk__in=[c.pk for c, _ in at_each_level]).select_related("report"))
    with CaptureQueriesContext(connection) as queries:
        pending = approval.pending_levels(cases)
    assert len(queries) == 2  # the levels, the opinions of the six cases signing now
    names = {pk: level.name if level else None for pk, level in pending.items()}
    assert names == {c.pk: expected for c, expected in at_each_level}
    for case in cases:
        assert _key(approval.pending_level(case)) == _key(pending[case.pk])


def _key(level) -> tuple | None:
    return (level.order, level.name, level.role) if level else None


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_department_heads_pages_ask_as_many_queries_for_one_case_as_for_many(client, people):
    client.force_login(people["bob"])
    one = _case(people, 1, "approving")
    client.get("/")  # the first request of a session reads what later ones keep
    queries = {url: _queries(client, url) for url in ("/", "/casework/approvals/")}
    rows = client.get("/casework/approvals/").context["rows"]
    assert [(r["case"].pk, r["level"].name) for r in rows] == [(one.pk, DEPT_HEAD)]

    more = [_case(people, 2, "approving"), _case(people, 3, "approved", urgent_reason="急需手术费用")]
    second_round = _sign(_case(people, 4, "approving"), people["bob"], agreed=False)
    review.submit(second_round, by=people["alice"], on=date(2025, 10, 9))
    not_his = _sign(_case(people, 5, "approving"), people["bob"])  # the deputy's now
    assert {url: _queries(client, url) for url in queries} == queries
    rows = client.get("/casework/approvals/").context["rows"]
    assert sorted((r["case"].pk, r["level"].name) for r in rows) == sorted(
        [(one.pk, DEPT_HEAD), (more[0].pk, DEPT_HEAD), (more[1].pk, DEPT_HEAD), (second_round.pk, DEPT_HEAD)])
    assert not_his.pk not in {r["case"].pk for r in rows}
    assert {t.label: t.count for t in tiles_for(people["bob"])}["待我审批"] == 4
