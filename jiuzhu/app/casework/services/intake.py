"""受理: a case opens from a verified clue, an application, or a hand-entered clue."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import Case, CaseUnit, Category, Origin, Outcome, TaskKind, add_event
from jiuzhu.app.casework.services import routing, verification
from jiuzhu.app.casework.services.common import due_from, open_task, snapshot, today
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.clues.models import Clue
from jiuzhu.engine.region import current_region


def case_number_prefix() -> str:
    county = current_region().county
    return (county[:-1] if county.endswith(("县", "区", "市")) and len(county) > 2 else county) + "检救"


def _next_number(year: int) -> str:
    prefix = f"{case_number_prefix()}〔{year}〕"
    n = Case.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}{n}号"


def accept_case(*, by, handler, person_name: str, category: str, origin: str = Origin.APPLICATION,
                clue: Clue | None = None, on: date | None = None, tags=(), **fields) -> Case:
    """Open a case (受理). `fields` are further Case fields (applicant, documents, underlying case…).
    A clue accepted here is concluded as 立案救助."""
    if category not in Category.values:
        raise CaseworkError("请选择救助对象类别（细则第七条）")
    if not person_name.strip():
        raise CaseworkError("请填写救助对象姓名")
    handler_profile = getattr(handler, "profile", None)
    if handler_profile is None or not handler_profile.in_procuratorate:
        raise CaseworkError("承办检察官应为检察院人员")
    on = on or today()
    for attempt in range(5):  # two cases accepted at the same moment: take the next number
        try:
            with transaction.atomic():
                return _accept(by, handler, handler_profile.unit, person_name, category, origin, clue, on,
                               list(tags), fields)
        except IntegrityError:
            if attempt == 4 or (clue is not None and Case.objects.filter(clue=clue).exists()):
                raise CaseworkError("该线索已立案") from None
    raise AssertionError("unreachable")


def _accept(by, handler, unit, person_name, category, origin, clue, on, tags, fields) -> Case:
    if clue is not None:
        origin = Origin.SCREENING if origin == Origin.APPLICATION else origin
        tags = sorted(set(tags) | set(clue.tags or ()))
        fields.setdefault("person_key", clue.person_key)
        fields.setdefault("person_id_number", clue.person_id_number)
    case = Case.objects.create(
        number=_next_number(on.year), unit=unit, handler=handler, clue=clue, origin=origin,
        person_name=person_name, category=category, tags=tags, accepted_on=on, accepted_by=by,
        review_due=due_from("case_review", on), team=routing.team_for_tags(tags), **fields)
    routing.join_unit(case, unit, CaseUnit.How.LEAD)
    partners = routing.join_team_partners(case)
    if clue is not None:
        if not hasattr(clue, "verification"):
            verification.assign(clue, handler, by=by, on=on)
            clue.refresh_from_db()
        verification.conclude(clue, Outcome.ACCEPT, by=by, reason="立案救助", on=on)
    open_task(TaskKind.REVIEW, f"审查并提交审批：{case.number}", case=case, assignee=handler,
              due_on=case.review_due)
    add_event(case, "accepted", f"受理：{case.get_category_display()}；审查期限{case.review_due:%Y年%m月%d日}",
              actor=by)
    if partners:
        add_event(case, "units_joined", "专项帮扶小组协作单位加入：" + "、".join(u.name for u in partners),
                  actor=by)
    audit.record(by, "create", case, detail={"step": "accept", "origin": origin}, after=snapshot(case))
    return case
