"""国家司法救助决定书."""

from __future__ import annotations

from jiuzhu.app.casework.documents import layout


def ready(case) -> bool:
    return hasattr(case, "decision") and case.decision.kind == "grant"


def render(case) -> bytes:
    d = case.decision
    doc = layout.letter(case, "国家司法救助决定书", d.document_number,
                        f"{case.person_name}属于{layout.category_clause(case)}。")
    layout.para(doc, f"根据《关于建立完善国家司法救助制度的意见（试行）》和《人民检察院开展国家司法救助工作细则》"
                     f"的规定，本院决定给予{case.person_name}国家司法救助金{layout.money(d.amount_fen)}。")
    layout.para(doc, "救助金由本院一次性发放。请你自收到本决定书之日起，持本决定书及身份证件到本院办理领取手续。"
                     "救助金发放后，本院将进行回访。")
    layout.signature(doc, d.decided_on)
    return layout.to_bytes(doc)
