"""救助金发放表: amount in figures and capitals, date, method, receipt, signature lines."""

from __future__ import annotations

from jiuzhu.app.casework.documents import layout


def ready(case) -> bool:
    return hasattr(case, "payment")


def render(case) -> bytes:
    p = case.payment
    d = case.decision
    doc = layout.headed("国家司法救助金发放表", case.number)
    layout.table(doc, [
        ("救助对象", case.person_name),
        ("领款人", case.applicant_name or case.person_name),
        ("救助决定书文号", d.document_number),
        ("发放金额（小写）", f"{layout.fen_to_yuan(p.amount_fen)}元"),
        ("发放金额（大写）", layout.fen_to_capitals(p.amount_fen, currency=True)),
        ("资金到账日期", layout.chinese_date(p.received_on)),
        ("通知领取日期", layout.chinese_date(p.notified_on)),
        ("发放日期", layout.chinese_date(p.paid_on)),
        ("发放方式", p.get_method_display() if p.method else ""),
        ("收据/凭证号", p.receipt_no),
        ("领款人签名", ""),
        ("经办人", p.paid_by.profile.display_name if p.paid_by and hasattr(p.paid_by, "profile") else ""),
    ])
    return layout.to_bytes(doc)
