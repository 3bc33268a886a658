"""Rows under a header that are layout, not people: skipped silently, never imported.

Blank rows, totals (``合计``/``总计``), notes (``注：…``, ``填表人：…``), rows holding only a 序号,
column-number rows (``1 2 3 4 …``) and repeated header rows (a header printed on every page).
"""

from __future__ import annotations

import unicodedata

from jiuzhu.engine.intake.headers import HeaderFit, clean

TOTALS = ("合计", "总计", "小计", "共计", "总合计")
_TOTAL_FIRST = frozenset(t[0] for t in TOTALS)
NOTES = ("注:", "注：", "备注:", "说明:", "填表说明", "填表人", "填报人", "制表人", "审核人", "审批人",
         "单位负责人", "负责人:", "填表日期", "填报日期", "制表日期", "填报单位", "制表单位", "统计人")


def _numeric(text: str) -> bool:
    # isdecimal, not isdigit: "²" is a digit to Python but no number (int(float("²")) fails)
    return text.replace(".", "", 1).isdecimal()


def _filled(texts: list[str], limit: int) -> list[tuple[int, str]]:
    """(index, stripped text) of the first ``limit`` non-blank cells."""
    out = []
    for i, t in enumerate(texts):
        if t and not t.isspace():  # the test ``t.strip()`` makes, without stripping every cell
            out.append((i, t.strip()))
            if len(out) == limit:
                break
    return out


def is_layout_row(texts: list[str], fit: HeaderFit) -> bool:
    """``texts``: the row's cells as text (``headers.cell_text``)."""
    if len(texts) >= 3:
        a, b, c = texts[0], texts[1], texts[2]
        # The common row: its first three cells filled and without surrounding space (strip gives each
        # back itself: they are the three filled cells below, as they are), the first ASCII (no note, no
        # total), neither other starting as a total does, not all three numbers: only a repeated header
        # can make it layout.
        if (a and b and c and a.strip() is a and b.strip() is b and c.strip() is c and a.isascii()
                and b[0] not in _TOTAL_FIRST and c[0] not in _TOTAL_FIRST
                and not (_numeric(a) and _numeric(b) and _numeric(c))):
            return _repeats_header(texts, fit)
    filled = _filled(texts, 3)  # most rows are decided by their first three filled cells
    if not filled:
        return True
    first = filled[0][1]
    # An ASCII cell is its own NFKC form and no note starts with ASCII: most first cells (a 序号, a 户号).
    if not first.isascii() and unicodedata.normalize("NFKC", first).replace(" ", "").replace(
            "\u3000", "").startswith(NOTES):
        return True
    for _, t in filled:
        if t[0] in _TOTAL_FIRST and "".join(t.split()).startswith(TOTALS):
            return True
    if len(filled) == 1:  # the only filled cell
        index, text = filled[0]
        if index == fit.sequence_column:
            return True
        if fit.sequence_column is None and index == 0 and _numeric(text):
            return True
    if len(filled) == 3 and _numeric(filled[0][1]) and _numeric(filled[1][1]) and _numeric(filled[2][1]):
        filled = _filled(texts, len(texts))
        if all(_numeric(t) for _, t in filled):
            numbers = [int(float(t)) for _, t in filled]
            if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] in (0, 1):
                return True
    return _repeats_header(texts, fit)


def _repeats_header(texts: list[str], fit: HeaderFit) -> bool:
    """A header printed again further down (every printed page)."""
    named = fit.named_labels
    if len(named) < 2:
        return False
    index, label = named[0]
    if index >= len(texts):
        return False
    first = texts[index]
    if first.isascii() and not label.isascii():  # clean() keeps ASCII text ASCII: it cannot be the label
        return False
    if clean(first.strip()) != label:  # cheap test first: most rows stop here
        return False
    same = sum(1 for i, lab in named if i < len(texts) and clean(texts[i].strip()) == lab)
    return same * 2 >= len(named)
