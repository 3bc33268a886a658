"""审查报告: facts, hardship, loss, compensation received, proposed amount."""

from __future__ import annotations

from jiuzhu.app.casework.documents import layout
from jiuzhu.app.casework.models import Proposal, RefusalReason
from jiuzhu.app.casework.services import amount


def ready(case) -> bool:
    return case.report_or_none is not None


def render(case) -> bytes:
    r = case.report
    doc = layout.headed("国家司法救助审查报告", case.number)
    layout.table(doc, [
        ("救助对象", case.person_name),
        ("申请人", f"{case.applicant_name or case.person_name}（{case.applicant_relation or '本人'}）"),
        ("救助对象类别", case.get_category_display()),
        ("原案案号", case.underlying_case_no or "无"),
        ("受理日期", layout.chinese_date(case.accepted_on)),
        ("承办检察官", r.written_by.profile.display_name if hasattr(r.written_by, "profile") else str(r.written_by)),
    ])
    layout.para(doc, r.facts, bold_lead="一、案件事实。")
    layout.para(doc, r.hardship, bold_lead="二、生活困难情况。")
    judged = layout.money(r.judged_compensation_fen) if r.judged_compensation_fen is not None else "无判决"
    layout.para(doc, f"因案造成损失{layout.money(r.loss_fen)}；判决赔偿金额{judged}；已获赔偿及其他救助"
                     f"{layout.money(r.compensation_received_fen)}。{r.other_help}", bold_lead="三、损失及赔偿情况。")
    cap = 36 * r.wage_fen
    note = amount.placeholder_note(r.wage_year)
    layout.para(
        doc,
        f"{r.wage_year}年度职工月平均工资{layout.money(r.wage_fen)}{note}，三十六个月上限{layout.money(cap)}；"
        f"系统测算建议金额{layout.money(r.proposed_amount_fen)}。",
        bold_lead="四、救助金额测算。",
    )
    if r.proposal == Proposal.GRANT:
        extra = f"属特别重大损失/特别困难：{r.exceptional_reason}。" if r.exceptional else ""
        again = f"同一原案曾获救助，新的困难情况：{r.new_hardship}。" if r.new_hardship else ""
        layout.para(doc, f"建议给予国家司法救助金{layout.money(r.amount_fen)}。{extra}{again}",
                    bold_lead="五、审查意见。")
    else:
        reason = r.refusal_text if r.refusal_reason == RefusalReason.OTHER else RefusalReason(r.refusal_reason).label
        layout.para(doc, f"建议不予救助，理由：{reason}。", bold_lead="五、审查意见。")
    for m in case.meetings.all():
        layout.para(doc, f"{layout.chinese_date(m.held_on)}召开联合研判会，参加单位："
                         f"{'、'.join(u.name for u in m.units.all())}。纪要：{m.minutes}", bold_lead="联合研判。")
    layout.signature(doc, r.submitted_on)
    return layout.to_bytes(doc)
