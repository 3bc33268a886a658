"""Official layout (GB/T 9704 style): 小标宋 title, 仿宋 三号 body, A4 with the standard margins."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jiuzhu.engine.identity.money import fen_to_capitals, fen_to_yuan
from jiuzhu.engine.region import current_region

BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(12)


def procuratorate_name() -> str:
    return f"{current_region().county}人民检察院"


def money(fen: int) -> str:
    """Figures and capitals together: ``30,000.00元（人民币叁万元整）``."""
    return f"{fen_to_yuan(fen)}元（{fen_to_capitals(fen, currency=True)}）"


def chinese_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


def _font(run, name: str, size) -> None:
    run.font.name = name
    run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return doc


def title(doc, text: str, *, size=TITLE_SIZE) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, size)


def heading(doc) -> None:
    """The procuratorate's name; the document title and its number follow."""
    title(doc, procuratorate_name())


def right(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run(text), BODY_FONT, BODY_SIZE)


def para(doc, text: str, *, indent: bool = True, bold_lead: str = "") -> None:
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if bold_lead:
        run = p.add_run(bold_lead)
        run.bold = True
        _font(run, BODY_FONT, BODY_SIZE)
    _font(p.add_run(text), BODY_FONT, BODY_SIZE)


def table(doc, rows: list[tuple[str, str]], *, widths=(Cm(4), Cm(11.6))) -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = t.add_row().cells
        for cell, text, width in zip(cells, (label, value), widths, strict=True):
            cell.width = width
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)


def headed(doc_title: str, number: str):
    """A new document with the procuratorate's name, the title and the number on the right."""
    doc = new_document()
    heading(doc)
    title(doc, doc_title)
    right(doc, number)
    return doc


def category_clause(case) -> str:
    """``第七条第（四）项规定的救助对象，即被害人财产遭受重大损失…``: the category's label already carries its
    item number in brackets, so it is never wrapped in a second pair."""
    item, _, text = case.get_category_display().partition("）")
    return f"《人民检察院开展国家司法救助工作细则》第七条第{item}）项规定的救助对象，即{text}"


def how_received(case) -> str:
    """The opening of a decision letter, as the case came in: only an applicant "提出…申请"."""
    when, number = chinese_date(case.accepted_on), case.number
    if case.origin == "screening":
        return (f"本院在履行职责中通过数据筛查发现{case.person_name}可能符合国家司法救助条件，"
                f"于{when}依职权受理（{number}），现已审查完毕。")
    if case.origin == "hand_clue":
        return (f"本院根据移送、信访等途径反映的线索，于{when}受理{case.person_name}国家司法救助一案（{number}），"
                "现已审查完毕。")
    return f"你于{when}提出的国家司法救助申请（{number}），本院已审查完毕。"


def letter(case, doc_title: str, document_number: str, finding: str):
    """A decision letter's head: the procuratorate, the title, the number, the addressee and the
    opening paragraph ending with `finding`. Returns the document to continue."""
    doc = headed(doc_title, document_number)
    para(doc, f"{case.applicant_name or case.person_name}：", indent=False)
    para(doc, f"{how_received(case)}经审查，{finding}")
    return doc


def signature(doc, d: date | None) -> None:
    doc.add_paragraph()
    right(doc, procuratorate_name())
    right(doc, chinese_date(d))
    right(doc, "（院印）")


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def text_of(data: bytes) -> str:
    """All text of a document, paragraphs and table cells, for tests and checks."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
