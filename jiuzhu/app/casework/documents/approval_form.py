"""国家司法救助审批表: the case, the proposal, each level's opinion and time."""

from __future__ import annotations

from django.utils import timezone

from jiuzhu.app.casework.documents import layout
from jiuzhu.app.casework.models import Proposal


def ready(case) -> bool:
    report = case.report_or_none
    return report is not None and report.submitted_on is not None


def render(case) -> bytes:
    r = case.report
    doc = layout.headed("国家司法救助审批表", case.number)
    proposal = (f"建议救助{layout.money(r.amount_fen)}" if r.proposal == Proposal.GRANT else "建议不予救助")
    rows = [
        ("救助对象", case.person_name),
        ("救助对象类别", case.get_category_display()),
        ("原案案号", case.underlying_case_no or "无"),
        ("先行救助", "是：" + case.urgent_reason if case.urgent else "否"),
        ("承办人意见", proposal),
    ]
    for a in case.approvals.order_by("round", "level"):
        name = a.approver.profile.display_name if hasattr(a.approver, "profile") else a.approver.get_username()
        at = timezone.localtime(a.at)
        rows.append((a.level_name + (f"（第{a.round}轮）" if a.round > 1 else ""),
                     f"{'同意' if a.agreed else '不同意'}。{a.opinion}  {name}  {at:%Y年%m月%d日 %H:%M}"))
    layout.table(doc, rows)
    return layout.to_bytes(doc)
