"""The source types: one declarative spec per type (sources.md §3) — its fields with their kinds, the
headers they go by, its default sending unit. ``SPECS`` keeps the order of sources.md. This is the part's
public module: the other parts import from here, never from ``spec`` or a type's module.

A package of its own because two parts read it and neither should own it: intake matches a file's
headers to a spec, and the warehouse lays out ``rec_<type>`` from the same spec. Intake writes into the
warehouse, so the dependencies run one way: intake → warehouse → sources (and intake → sources).
"""

from __future__ import annotations

from jiuzhu.engine.sources import (
    child_care,
    dibao,
    dibao_edge,
    disability,
    enforcement,
    household,
    poverty_watch,
    prisoner,
    tekun,
    temp_relief,
    unemployment,
    veteran,
    victim,
)
from jiuzhu.engine.sources.spec import PERSON_FIELDS, SQL_TYPES, Field, SourceSpec

__all__ = ["PERSON_FIELDS", "SPECS", "SQL_TYPES", "Field", "SourceSpec", "get_spec", "source_code", "source_title"]

SPECS: dict[str, SourceSpec] = {
    m.SPEC.code: m.SPEC
    for m in (victim, enforcement, prisoner, household, dibao, tekun, dibao_edge, temp_relief, disability,
              poverty_watch, child_care, veteran, unemployment)
}


def get_spec(code: str) -> SourceSpec:
    try:
        return SPECS[code]
    except KeyError:
        raise KeyError(code) from None


# Suffixes people drop when they name a type: 低保对象 → 低保, 失业登记人员 → 失业登记
_TITLE_SUFFIXES = ("对象", "人员", "家庭成员", "案件")
# Names in daily use that are not part of the title
_ALIASES = {"终本": "enforcement", "终本案件": "enforcement", "执行": "enforcement", "在押": "prisoner",
            "户籍": "household", "失业": "unemployment"}


def source_code(text: str) -> str:
    """The source type code for a code (``dibao``) or a Chinese name (``低保对象``, ``低保``, ``终本``);
    ``ValueError`` with a Chinese message listing the accepted names otherwise."""
    value = "".join(str(text).split())
    if value.lower() in SPECS:
        return value.lower()
    if value in _ALIASES:
        return _ALIASES[value]
    for code, spec in SPECS.items():
        if value == spec.title or any(value + suffix == spec.title for suffix in _TITLE_SUFFIXES):
            return code
    starts = [code for code, spec in SPECS.items() if spec.title.startswith(value) or value in spec.title]
    if value and len(starts) == 1:
        return starts[0]
    names = "、".join(f"{spec.title}({code})" for code, spec in SPECS.items())
    raise ValueError(f"不认识的数据类型“{text}”。可用：{names}")


def source_title(code: str | None) -> str:
    """What people read for a source type: its Chinese name (the code itself when unknown)."""
    spec = SPECS.get(code or "")
    return spec.title if spec else (code or "")
