"""The cooperation fixtures of tests/app/referrals, and a small world of two cases and three referrals."""

from __future__ import annotations

import pytest

from tests.app.referrals.conftest import case, grace, heidi, make_case, mz_leader  # noqa: F401


@pytest.fixture
def world(alice, units, make_case):  # noqa: F811
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
