"""One entry for both file forms of the 通报, chosen by extension."""

from __future__ import annotations

from jiuzhu.app.reports import document, wording, workbook
from jiuzhu.app.reports.figures import QuarterlyFigures

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", document.render),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook.render),
}


def render(fig: QuarterlyFigures, fmt: str) -> bytes:
    return FORMATS[fmt][1](fig)


def content_type(fmt: str) -> str:
    return FORMATS[fmt][0]


def file_name(fig: QuarterlyFigures, fmt: str) -> str:
    return f"{wording.quarter_name(fig)}司法救助工作情况通报.{fmt}"
