"""One declarative spec per source type (sources.md §3). ``SPECS`` keeps the order of the spec."""

from __future__ import annotations

from jiuzhu.engine.intake.spec import SourceSpec
from jiuzhu.engine.intake.specs import (
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
