"""Demo cases for `jiuzhu demo`: a handful of cases from the screened clues, in different states,
one of them overdue. Runs after ingest, screen and the demo users (jiuzhu/app/accounts/demo.py)."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jiuzhu.app.casework.services import approval, closing, decision, followup, payment, review, urgent
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.app.config.dates import today
from jiuzhu.engine.identity.calendar import add_working_days

CATEGORY_BY_RULE = {"SJ-01": "severe_injury", "SJ-02": "severe_injury", "SJ-03": "civil_tort",
                    "SJ-04": "other", "WC-01": "severe_injury", "FP-01": "other"}


def _users() -> dict:
    User = get_user_model()
    names = ("jcg_zhang", "jcg_li", "bmfzr_wang", "fgfjcz_xu", "jcz_chen", "jicai_lin")
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _at(d) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(10)))


def _report(case, u, amount_fen: int, **extra) -> None:
    review.write_report(case, by=u["jcg_zhang"] if case.handler == u["jcg_zhang"] else u["jcg_li"],
                        facts=f"{case.person_name}因案受到侵害，经判决加害人应予赔偿，执行中未能履行。",
                        hardship="家庭主要劳动力丧失，收入低于当地低保标准。",
                        loss_fen=max(amount_fen * 2, 1_000_000), judged_compensation_fen=max(amount_fen * 2, 1_000_000),
                        compensation_received_fen=0, amount_fen=amount_fen, **extra)


def _approve_all(case, u, on) -> None:
    by_role = {"dept_head": u["bmfzr_wang"], "deputy_chief": u["fgfjcz_xu"], "chief": u["jcz_chen"]}
    while (level := approval.pending_level(case)) is not None:
        approval.decide_level(case, by=by_role[level.role], agreed=True, opinion="同意", at=_at(on))


def _pick_clues() -> list[Clue]:
    """Six clues by priority, with a 未成年人 and a 残疾人/退役军人 one first when there are any,
    so that both special teams have a case to show."""
    pool = list(Clue.objects.filter(target_unit="procuratorate", state=ClueState.NEW).order_by("-priority", "id"))
    first = []
    for wanted in ({"未成年人"}, {"残疾人", "退役军人"}):
        hit = next((c for c in pool if wanted & set(c.tags or ()) and c not in first), None)
        if hit is not None:
            first.append(hit)
    return (first + [c for c in pool if c not in first])[:6]


DEMO_NAMES = ["林秀英", "陈建国", "黄小兰", "吴志强", "郑美玲", "刘德华"]


def _open_case(u: dict, clues: list[Clue], now, i: int, days_ago: int):
    """受理 the i-th demo case `days_ago` working days before `now`, from the i-th clue when there is one."""
    clue = clues[i] if i < len(clues) else None
    tags = list(clue.tags) if clue else []
    handler = u["jcg_li"] if {"残疾人", "退役军人"} & set(tags) and "未成年人" not in tags else u["jcg_zhang"]
    on = add_working_days(now, -days_ago)
    name = clue.person_name if clue else DEMO_NAMES[i]
    return accept_case(by=handler, handler=handler, person_name=name,
                       category=CATEGORY_BY_RULE.get(clue.rule, "other") if clue else "civil_tort",
                       origin="screening" if clue else "application", clue=clue, on=on, tags=tags,
                       applicant_name=name, documents_received="救助申请书、身份证明、生效裁判文书、困难证明"), on


def _decided(case, u: dict, on, amount_fen: int, **report) -> None:
    """Report, submit, every approval and the decision, on working days after `on`."""
    _report(case, u, amount_fen, **report)
    review.submit(case, by=case.handler, on=add_working_days(on, 2))
    _approve_all(case, u, add_working_days(on, 4))
    decision.decide(case, by=case.handler, on=add_working_days(on, 5))


def _paid_and_closed(case, u: dict, on) -> None:
    """The whole way: meeting, approvals, decision, funds, payment, the visit and 结案."""
    _report(case, u, 4_000_000)
    review.add_meeting(case, by=case.handler, held_on=add_working_days(on, 2), units=list(case.units.all()),
                       minutes="各单位通报掌握情况，一致同意给予司法救助并落实社会救助。")
    review.submit(case, by=case.handler, on=add_working_days(on, 3))
    _approve_all(case, u, add_working_days(on, 5))
    decision.decide(case, by=case.handler, on=add_working_days(on, 6))
    payment.request_funds(case, by=u["jicai_lin"], on=add_working_days(on, 7))
    payment.record_received(case, by=u["jicai_lin"], on=add_working_days(on, 15))
    payment.record_notified(case, by=case.handler, on=add_working_days(on, 16))
    payment.record_paid(case, by=u["jicai_lin"], method="bank", receipt_no="JZ-0001", on=add_working_days(on, 17))
    followup.record_visit(case.follow_ups.get(), by=case.handler, visitors="承办检察官、乡镇干部",
                          situation="救助金已用于治疗，生活基本稳定", on=add_working_days(on, 30))
    closing.close(case, by=case.handler, outcome="救助金已发放，回访情况良好", on=add_working_days(on, 31))


@transaction.atomic
def populate() -> list[str]:
    """Create the demo cases; returns their numbers."""
    u = _users()
    if len(u) < 6:
        return []
    clues = _pick_clues()
    now = today()
    made = []
    # 1. overdue: accepted 14 working days ago, report not yet submitted
    case, _ = _open_case(u, clues, now, 0, 14)
    made.append(case.number)
    # 2. waiting for the department head
    case, on = _open_case(u, clues, now, 1, 3)
    _report(case, u, 3_000_000)
    review.submit(case, by=case.handler, on=on)
    made.append(case.number)
    # 3. paid, visited and closed
    case, on = _open_case(u, clues, now, 2, 45)
    _paid_and_closed(case, u, on)
    made.append(case.number)
    # 4. refused
    case, on = _open_case(u, clues, now, 3, 12)
    _report(case, u, 0, proposal="refuse", refusal_reason="already_helped")
    review.submit(case, by=case.handler, on=add_working_days(on, 2))
    _approve_all(case, u, add_working_days(on, 3))
    decision.decide(case, by=case.handler, on=add_working_days(on, 4))
    made.append(case.number)
    # 5. funds arrived, applicant to be told within 2 working days
    case, on = _open_case(u, clues, now, 4, 15)
    _decided(case, u, on, 2_500_000)
    payment.request_funds(case, by=u["jicai_lin"], on=add_working_days(on, 6))
    payment.record_received(case, by=u["jicai_lin"], on=now)
    made.append(case.number)
    # 6. 先行救助: approved by the deputy chief, papers to complete
    case, on = _open_case(u, clues, now, 5, 2)
    urgent.mark_urgent(case, by=case.handler, reason="急需手术治疗，无力承担医疗费用")
    _report(case, u, 2_000_000)
    review.submit(case, by=case.handler, on=on)
    _approve_all(case, u, add_working_days(on, 1))
    made.append(case.number)
    return made
