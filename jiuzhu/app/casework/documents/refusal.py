"""不予救助通知书, with the listed reason."""

from __future__ import annotations

from jiuzhu.app.casework.documents import layout


def ready(case) -> bool:
    return hasattr(case, "decision") and case.decision.kind == "refuse"


def render(case) -> bytes:
    d = case.decision
    doc = layout.letter(case, "不予救助通知书", d.document_number,
                        f"{case.person_name}{d.reason_text}，根据《人民检察院开展国家司法救助工作细则》的规定，"
                        "本院决定不予救助。")
    layout.para(doc, "如有生活困难，可向当地民政部门申请社会救助。特此通知。")
    layout.signature(doc, d.decided_on)
    return layout.to_bytes(doc)
