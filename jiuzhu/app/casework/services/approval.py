"""审批: which levels a case needs, and who may sign at each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from jiuzhu.app.casework.models import Approval, ApprovalLevel, Case, CaseState, Proposal, TaskKind, add_event
from jiuzhu.app.casework.services.common import audit_change, close_tasks, lock, open_task, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.dates import today


def current_round(case: Case) -> int:
    """Each 不同意 ends a round; the case is resubmitted in the next one."""
    return 1 + case.approvals.filter(agreed=False).count()


def over_cap(case: Case) -> bool:
    report = case.report_or_none
    return bool(report and report.proposal == Proposal.GRANT and report.amount_fen > 36 * report.wage_fen)


def _levels() -> list[ApprovalLevel]:
    return list(ApprovalLevel.objects.order_by("order"))


def amount_levels(case: Case, levels: list[ApprovalLevel] | None = None) -> list[ApprovalLevel]:
    """Every level the amount requires: each level whose threshold the amount reaches, plus the
    levels for exceptional amounts when the amount is over the cap. 先行救助 changes only the order
    in which they sign, never which of them sign. `levels`: every level in order, when the caller has
    read them (a list of cases reads them once)."""
    report = case.report
    amount_fen = report.amount_fen if report.proposal == Proposal.GRANT else 0
    chain = []
    for level in _levels() if levels is None else levels:
        reaches = amount_fen >= level.min_amount_fen and (level.min_amount_fen == 0 or amount_fen > 0)
        if reaches or (level.for_exceptional and over_cap(case)):
            chain.append(level)
    if not chain:
        raise CaseworkError("审批层级未配置，请数据管理员设置")
    return chain


def required_levels(case: Case, levels: list[ApprovalLevel] | None = None) -> list[ApprovalLevel]:
    """The chain that releases the decision: for a 先行救助 case the levels marked for it (the
    others sign afterwards, as the paperwork: `paperwork_levels`), else every level of the amount."""
    if not case.urgent:
        return amount_levels(case, levels)
    chain = [level for level in (_levels() if levels is None else levels) if level.for_urgent]
    if not chain:
        raise CaseworkError("审批层级未配置先行救助层级，请数据管理员设置")
    return chain


def _signed(opinions: Iterable[tuple[int, bool, int]]) -> set[int]:
    """Levels that agreed in the current round (a 不同意 ends the round), from the case's opinions as
    (round, agreed, level): the current round is 1 + the 不同意 so far, as `current_round` counts."""
    opinions = list(opinions)
    now = 1 + sum(1 for _, agreed, _ in opinions if not agreed)
    return {level for round_, agreed, level in opinions if round_ == now and agreed}


OPINION = ("round", "agreed", "level")  # what `_signed` reads of each Approval


def in_paperwork(case: Case) -> bool:
    """After a 先行救助 approval, until the papers are complete, the remaining levels still sign."""
    return (case.urgent and case.urgent_paperwork_done_on is None
            and case.state not in (CaseState.REVIEWING, CaseState.APPROVING, CaseState.CLOSED))


def _chain(case: Case, levels: list[ApprovalLevel] | None = None) -> list[ApprovalLevel] | None:
    """The levels signing now: in 审批中 the chain that releases the decision; in the 先行救助 paperwork
    every level the amount requires; else None (nobody signs)."""
    if case.state == CaseState.APPROVING:
        return required_levels(case, levels)
    if in_paperwork(case):
        return amount_levels(case, levels)
    return None


def _first_unsigned(chain: list[ApprovalLevel], signed: set[int]) -> ApprovalLevel | None:
    return next((level for level in chain if level.order not in signed), None)


def pending_level(case: Case) -> ApprovalLevel | None:
    """The next level to sign in this round, or None when all have agreed: in 审批中 the chain
    that releases the decision; in the 先行救助 paperwork every level the amount requires."""
    chain = _chain(case)
    return None if chain is None else _first_unsigned(chain, _signed(case.approvals.values_list(*OPINION)))


def pending_levels(cases: list[Case]) -> dict[int, ApprovalLevel | None]:
    """`pending_level` of each case by its pk, in two queries whatever their number (the levels, and the
    opinions of the cases that sign now) instead of two a case: the lists of cases waiting for approval.
    The cases come with their report (select_related), which the chain of each reads."""
    pending: dict[int, ApprovalLevel | None] = dict.fromkeys((c.pk for c in cases), None)
    signing = [c for c in cases if c.state == CaseState.APPROVING or in_paperwork(c)]
    if not signing:
        return pending
    levels = _levels()
    opinions: dict[int, list[tuple[int, bool, int]]] = {c.pk: [] for c in signing}
    for case_id, *opinion in Approval.objects.filter(case__in=[c.pk for c in signing]).values_list(
            "case_id", *OPINION):
        opinions[case_id].append(tuple(opinion))
    for case in signing:
        chain = _chain(case, levels)
        pending[case.pk] = None if chain is None else _first_unsigned(chain, _signed(opinions[case.pk]))
    return pending


def open_next(case: Case) -> None:
    level = pending_level(case)
    if level is not None:
        open_task(TaskKind.APPROVE, f"{level.name}：{case.number}", case=case, role=level.role,
                  due_on=case.review_due)


def handles(user, case: Case) -> bool:
    """Whoever handles the case or wrote its report never approves it."""
    report = case.report_or_none
    return user.pk in (case.handler_id, report.written_by_id if report else None)


def may_approve(user, case: Case) -> bool:
    return may_sign(user, case, pending_level(case))


def may_sign(user, case: Case, level: ApprovalLevel | None) -> bool:
    """`may_approve` when the case's pending level is known (`pending_levels` of a list)."""
    profile = getattr(user, "profile", None)
    return bool(level and profile and profile.role == level.role and profile.unit_id == case.unit_id
                and not handles(user, case))


@transaction.atomic
def decide_level(case: Case, *, by, agreed: bool, opinion: str, at=None) -> Approval:
    """One approver signs the pending level. 不同意 sends the case back to the handler."""
    case = lock(case)
    level = pending_level(case)
    if level is None:
        raise CaseworkError("该案件当前没有待审批的层级")
    profile = getattr(by, "profile", None)
    if profile is None or profile.role != level.role or profile.unit_id != case.unit_id:
        raise CaseworkError(f"本级审批应由{level.name}办理")
    if handles(by, case):
        raise CaseworkError("承办或撰写审查报告的人员不能审批本案")
    if not opinion.strip():
        raise CaseworkError("请填写审批意见")
    at = at or timezone.now()
    before = snapshot(case)
    try:
        with transaction.atomic():
            signed = Approval.objects.create(case=case, level=level.order, level_name=level.name, role=level.role,
                                             round=current_round(case), approver=by, agreed=agreed,
                                             opinion=opinion, at=at)
    except IntegrityError:
        raise CaseworkError("本级已审批") from None
    on = timezone.localdate(at) if timezone.is_aware(at) else today()
    close_tasks(kind=TaskKind.APPROVE, case=case, on=on)
    paperwork = in_paperwork(case)
    add_event(case, "approval", ("补办审批·" if paperwork else "") + f"{level.name}：{'同意' if agreed else '不同意'}。"
              f"{opinion}", actor=by, at=at)
    if paperwork:
        # the money is already released: a 不同意 starts a new round in which every level signs again,
        # and the paperwork (and so the closing) waits for it
        if not agreed:
            open_task(TaskKind.REVIEW, f"先行救助补办审批未同意，按意见补充：{case.number}", case=case,
                      assignee=case.handler, due_on=case.review_due)
        open_next(case)
    elif not agreed:
        case.state = CaseState.REVIEWING
        case.save(update_fields=["state", "updated_at"])
        open_task(TaskKind.REVIEW, f"按审批意见补充后重新提交：{case.number}", case=case, assignee=case.handler,
                  due_on=case.review_due)
    elif pending_level(case) is None:
        _approved(case, by, on)
    else:
        open_next(case)
    audit_change(by, case, before, step=f"approve:{level.order}")
    return signed


def _approved(case: Case, by, on: date) -> None:
    case.state = CaseState.APPROVED
    case.save(update_fields=["state", "updated_at"])
    open_task(TaskKind.DECIDE, f"制作并送达决定文书：{case.number}", case=case, assignee=case.handler,
              limit_code="case_decide", start=on)
    if case.urgent and case.urgent_paperwork_done_on is None:
        open_task(TaskKind.PAPERWORK, f"先行救助补办手续：{case.number}", case=case, assignee=case.handler,
                  limit_code="urgent_paperwork", start=on)
        open_next(case)  # the levels the amount requires that have not signed yet
    add_event(case, "approved", "审批完成" + ("（先行救助，手续待补办）" if case.urgent else ""), actor=by)
