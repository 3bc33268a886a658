"""受理: a case opens from a verified clue, an application, or a hand-entered clue."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import (
    Case,
    CaseState,
    CaseUnit,
    Category,
    Origin,
    Outcome,
    TaskKind,
    add_event,
)
from jiuzhu.app.casework.services import teams, verification
from jiuzhu.app.casework.services.common import lock, open_task, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.clues.models import Clue
from jiuzhu.app.clues.services import ClueError, checked_id_number
from jiuzhu.app.config.dates import due_from, today
from jiuzhu.engine.region import current_region

# Crimes whose victims lose property rather than health: 细则第七条第（四）项
PROPERTY_CRIMES = ("诈骗", "盗窃", "抢夺", "敲诈勒索", "侵占", "集资", "传销", "挪用", "毁坏财物", "破坏生产经营")
# What a case's details may still be corrected to before the decision (audited with before/after)
CORRECTABLE = ("person_name", "person_id_number", "category", "applicant_name", "applicant_relation",
               "applicant_phone", "township", "address", "underlying_case_no", "crime_or_cause",
               "documents_received")
BEFORE_DECISION = (CaseState.REVIEWING, CaseState.APPROVING, CaseState.APPROVED)


def checked_id(value: str | None, *, label: str = "救助对象") -> str:
    """The 18-digit ID (15-digit upgraded), or "" when left empty; a wrong one is refused with the reason
    the intake gives for a registry cell (wrong length, impossible birth date, wrong check digit) — the
    same check as a hand-entered clue's (`clues.services.checked_id_number`)."""
    try:
        return checked_id_number(value)
    except ClueError as err:
        raise CaseworkError(label + str(err).split(" / ")[0]) from None


def suggest_category(facts: dict | None) -> tuple[str, str]:
    """(category, why) for a case from what its clue knows; （七）其他 when the facts say nothing clear —
    never （一）重伤 by default."""
    facts = facts or {}
    injury = str(facts.get("injury") or "")
    crime = str(facts.get("crime") or facts.get("cause") or "")
    if "死亡" in injury:
        return Category.DEATH_DEPENDANTS, f"伤情：{injury}"
    if "重伤" in injury or "残疾" in injury:
        return Category.SEVERE_INJURY, f"伤情：{injury}"
    if any(word in crime for word in PROPERTY_CRIMES):
        return Category.PROPERTY_LOSS, f"罪名/案由：{crime}"
    if "交通" in crime or "人身损害" in crime:
        return Category.CIVIL_TORT, f"案由：{crime}"
    return Category.OTHER, "线索中没有伤情或罪名可据以判断，请承办人核定"


def prefill_from_clue(clue: Clue) -> dict:
    """What the 受理 form starts with: the person, ID, township, address, case and crime the clue knows."""
    facts = clue.facts or {}
    category, why = suggest_category(facts)
    township = str(facts.get("township") or "")
    village = str(facts.get("village") or "")
    # A hand-entered clue (clues.ClueSource) carries its own origin, address and phone.
    origin = {"screening": Origin.SCREENING, "application": Origin.APPLICATION}.get(clue.source, Origin.HAND_CLUE)
    return {
        "origin": origin,
        "person_name": clue.person_name,
        "person_id_number": clue.person_id_number or "",
        "tags": list(clue.tags or ()),
        "township": township,
        "address": clue.address or str(facts.get("address") or (township + village)),
        "applicant_phone": clue.contact,
        "underlying_case_no": str(facts.get("judgment_no") or facts.get("basis_no")
                                  or facts.get("enforcement_no") or ""),
        "crime_or_cause": str(facts.get("crime") or facts.get("cause") or ""),
        "category": category,
        "category_why": why,
    }


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
    if "person_id_number" in fields:
        fields["person_id_number"] = checked_id(fields["person_id_number"])
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
        if not fields.get("person_id_number"):  # typed: a correction of the clue's number, checked above
            fields["person_id_number"] = clue.person_id_number or ""
    case = Case.objects.create(
        number=_next_number(on.year), unit=unit, handler=handler, clue=clue, origin=origin,
        person_name=person_name, category=category, tags=tags, accepted_on=on, accepted_by=by,
        review_due=due_from("case_review", on), team=teams.team_for_tags(tags), **fields)
    CaseUnit.join(case, unit, CaseUnit.How.LEAD)
    partners = teams.join_team_partners(case)
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


@transaction.atomic
def correct(case: Case, *, by, **changes) -> list[str]:
    """Correct the details taken at 受理 until the decision; returns the Chinese names of the fields changed.
    Audited with before and after; the timeline names the fields, never the values (ID numbers)."""
    case = lock(case)
    if case.state not in BEFORE_DECISION:
        raise CaseworkError(f"案件当前为“{case.get_state_display()}”，作出决定后不能再更正受理信息")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise CaseworkError("不能更正的项目：" + "、".join(sorted(unknown)))
    if "person_id_number" in changes:
        changes["person_id_number"] = checked_id(changes["person_id_number"])
    if "category" in changes and changes["category"] not in Category.values:
        raise CaseworkError("请选择救助对象类别（细则第七条）")
    if "person_name" in changes and not str(changes["person_name"]).strip():
        raise CaseworkError("请填写救助对象姓名")
    changed = [f for f, v in changes.items() if getattr(case, f) != v]
    if not changed:
        return []
    before = {f: getattr(case, f) for f in changed}
    for f in changed:
        setattr(case, f, changes[f])
    case.save(update_fields=[*changed, "updated_at"])
    names = [str(Case._meta.get_field(f).verbose_name) for f in changed]
    add_event(case, "corrected", "更正受理信息：" + "、".join(names), actor=by)
    audit.record(by, "update", case, detail={"step": "correct", "fields": changed}, before=before,
                 after={f: getattr(case, f) for f in changed})
    return names
