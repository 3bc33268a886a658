"""The letter a referral goes out with: 线索移送函 (a clue) or 社会救助建议函 (a need found in a case), .docx."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from jiuzhu.app.config.dates import limit_codes
from jiuzhu.app.config.models import TimeLimit
from jiuzhu.app.referrals.models import Referral
from jiuzhu.engine.region import current_region


def _cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def letter_lines(referral: Referral, id_shown: str) -> list[str]:
    """The body, paragraph by paragraph (tests read these; the .docx only lays them out)."""
    receipt_code, answer_code = limit_codes(referral.to_unit)
    answer_days = TimeLimit.objects.get(code=answer_code).working_days
    receipt_days = TimeLimit.objects.get(code=receipt_code).working_days
    person = referral.person_name + (f"（公民身份号码：{id_shown}）" if id_shown else "")
    lines = [
        f"{referral.to_unit.name}：",
        f"我单位在工作中发现{person}的有关情况，属于贵单位“{referral.get_kind_display()}”职责范围，现予移送。",
        f"基本情况：{referral.facts}",
    ]
    if referral.request:
        lines.append(f"移送事项及建议：{referral.request}")
    if referral.case_id:
        lines.append(f"关联司法救助案件：{referral.case.number}。")
    lines.append(
        f"请于收函后{receipt_days}个工作日内（{referral.receipt_due:%Y年%m月%d日}前）在救助平台签收，"
        f"签收后{answer_days}个工作日内反馈办理结果；不属于贵单位职责的，请说明理由后退回。"
    )
    return lines


def letter_docx(referral: Referral, id_shown: str) -> bytes:
    region = current_region()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(14)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sender = (
        f"{region.county}人民检察院"
        if referral.from_unit.is_procuratorate
        else f"{region.county}{referral.from_unit.name}"
    )
    run = head.add_run(sender)
    run.bold = True
    run.font.size = Pt(20)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(referral.letter_title)
    run.bold = True
    run.font.size = Pt(22)
    number = doc.add_paragraph(referral.number)
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in letter_lines(referral, id_shown):
        doc.add_paragraph(line)
    doc.add_paragraph("")
    for text in (sender, _cn_date(timezone.localtime(referral.sent_at))):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if referral.sender_id and hasattr(referral.sender, "profile"):
        doc.add_paragraph(f"联系人：{referral.sender.profile.display_name}  {referral.sender.profile.phone}".rstrip())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
