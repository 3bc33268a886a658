"""A case to refer, made directly (casework's own flow is tested by casework), and fixed moments."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=SHANGHAI)


@pytest.fixture
def make_case(personas, units):
    from jiuzhu.app.casework.models import Case, CaseUnit

    made = []

    def make(person_name: str = "卢某某", **extra) -> Case:
        n = len(made) + 1
        case = Case.objects.create(
            number=f"田检救〔2025〕{n}号", unit=units["procuratorate"], handler=personas["alice"],
            person_name=person_name, person_id_number="350425201503150018", category="other",
            accepted_on=date(2025, 9, 1), review_due=date(2025, 9, 15), **extra,
        )
        CaseUnit.objects.create(case=case, unit=units["procuratorate"], how=CaseUnit.How.LEAD)
        made.append(case)
        return case

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def grace(personas):
    return personas["grace"]


@pytest.fixture
def heidi(personas):
    return personas["heidi"]


@pytest.fixture
def mz_leader(units):
    """民政's leader, as named in its 职责清单."""
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile
    from jiuzhu.app.config.models import ResponsibilityList

    user = get_user_model().objects.create_user("mzlead", password="correct-horse-9", email="lead@mz.example")
    Profile.objects.create(user=user, unit=units["civil_affairs"], role="unit_leader", display_name="民政局长")
    duties = ResponsibilityList.objects.get(unit=units["civil_affairs"])
    duties.leader = user
    duties.save()
    return user


@pytest.fixture
def world(alice, units, make_case):
    """Case A referred to 民政 and 残联; case B referred to 残联 only."""
    from jiuzhu.app.referrals.services import flow

    a, b = make_case("卢某某"), make_case("郑某某")
    to_mz = flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="卢某某", facts="困难", case=a,
                      person_id_number=a.person_id_number)
    to_cl_a = flow.send(alice, to_unit=units["disability_federation"], kind="disability_subsidy",
                        person_name="卢某某", facts="二级智力残疾", case=a)
    to_cl_b = flow.send(alice, to_unit=units["disability_federation"], kind="rehabilitation",
                        person_name="郑某某", facts="截肢", case=b)
    return {"a": a, "b": b, "to_mz": to_mz, "to_cl_a": to_cl_a, "to_cl_b": to_cl_b}
