"""The 季度通报 as .docx: numbered sections, tables, amounts in 万元 and 元, a signature block to sign."""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from jiuzhu.app.casework.documents import layout
from jiuzhu.app.reports import tables, wording
from jiuzhu.app.reports.figures import QuarterlyFigures
from jiuzhu.app.reports.tables import Table

SECTION_FONT = "黑体"
CELL_SIZE = Pt(10.5)
SECTIONS = ("一", "二", "三", "四", "五", "六")


def _run(paragraph, text: str, font: str, size, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.name = font
    run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _section(doc, n: int, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _run(p, f"{SECTIONS[n]}、{text}", SECTION_FONT, layout.BODY_SIZE)


def _table(doc, table: Table) -> None:
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, table.title, layout.BODY_FONT, Pt(12), bold=True)
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        _run(cell.paragraphs[0], header, layout.BODY_FONT, CELL_SIZE, bold=True)
    if not table.rows:
        cells = grid.add_row().cells
        merged = cells[0].merge(cells[-1])
        _run(merged.paragraphs[0], "无", layout.BODY_FONT, CELL_SIZE)
    for row in table.rows:
        for i, (cell, value) in enumerate(zip(grid.add_row().cells, row, strict=True)):
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _run(p, tables.display(value), layout.BODY_FONT, CELL_SIZE)
    doc.add_paragraph()


def render(fig: QuarterlyFigures) -> bytes:
    """The whole 通报. Per-unit tables show the quarter and the year; the workbook has every period."""
    doc = layout.new_document()
    layout.title(doc, wording.document_title(fig))
    q = fig.this_quarter
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, f"（统计期间：{layout.chinese_date(q.start)}至{layout.chinese_date(q.end)}）", layout.BODY_FONT,
         layout.BODY_SIZE)
    layout.para(doc, "各内设部门，各协作单位：", indent=False)
    layout.para(
        doc,
        f"根据司法救助与社会救助衔接工作机制“每季度通报救助工作进展”的要求，现将{wording.quarter_name(fig)}"
        "司法救助工作情况通报如下：",
    )
    by_unit = ("quarter", "year")
    _section(doc, 0, "总体情况")
    for line in wording.overall(fig):
        layout.para(doc, line)
    _table(doc, tables.overview(fig))
    _table(doc, tables.by_quarter(fig))
    _section(doc, 1, "线索发现情况")
    layout.para(doc, wording.clues(fig))
    _table(doc, tables.clues_by_rule(fig))
    _table(doc, tables.clues_by_source(fig))
    _section(doc, 2, "案件办理情况")
    layout.para(doc, wording.timeliness(fig))
    _table(doc, tables.refusals(fig))
    _table(doc, tables.tags(fig))
    _section(doc, 3, "部门协作情况")
    layout.para(doc, wording.overdue_units(fig))
    _table(doc, tables.referrals(fig, by_unit))
    _table(doc, tables.plan_items(fig, by_unit))
    _section(doc, 4, "回访情况")
    layout.para(doc, wording.follow_ups(fig))
    layout.para(doc, f"说明：金额单位为万元；期限按法定工作日计算；统计截至{layout.chinese_date(fig.as_of)}，"
                     "超期事项以此日为准。")
    doc.add_paragraph()
    layout.para(doc, "拟稿：            审核：            签发：", indent=False)
    layout.signature(doc, fig.as_of)
    return layout.to_bytes(doc)
