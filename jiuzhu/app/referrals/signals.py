"""What referrals does when a lower part tells it something: a unit added later (in the admin or by
seeding) gets its 职责清单 at once, from the defaults; a clue whose 核查 concluded 移送 goes to its unit; a
need proposed at a visit that the handler takes into the plan becomes a plan item."""

from __future__ import annotations

from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.referrals.seed import ensure_responsibility_list
from jiuzhu.app.referrals.services import plans
from jiuzhu.app.referrals.services.errors import ReferralError
from jiuzhu.app.referrals.services.flow import refer_clue


def unit_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_responsibility_list(instance)


def refer_concluded_clue(sender, *, user, clue, unit, reason: str, **kwargs) -> str:
    """casework's ``clue_referred``: the one clue-referral path, `flow.refer_clue`, in the conclusion's
    transaction (an error undoes the conclusion); the note tells the user the letter's number."""
    try:
        referral = refer_clue(user, clue, unit, request=reason)
    except ReferralError as err:
        raise CaseworkError(str(err)) from err
    return f"，已向{unit.name}发出移送函（{referral.number}）"


def plan_routed_need(sender, *, visit, by, kind: str, due_date, refer: bool, unit, **kwargs):
    """casework's ``need_routed``: the visit's need as a plan item of its case, by the 职责清单, in the
    routing's transaction (an error undoes the routing)."""
    try:
        return plans.add_item(by, visit.case, kind=kind, description=visit.further_needs, due_date=due_date,
                              refer=refer, facts=visit.situation, unit=unit)
    except ReferralError as err:
        raise CaseworkError(str(err)) from None
