"""Default 职责清单 per unit kind; the county edits them in the admin afterwards."""

from __future__ import annotations

from jiuzhu.app.config.models import ANSWER_LIMIT, ANSWER_LIMIT_RURAL, DEFAULT_KINDS, ResponsibilityList

# 扶贫/乡村振兴 referrals are answered in 5 working days (workflow.md §3)
_ANSWER_LIMIT_BY_UNIT = {"rural_revitalization": ANSWER_LIMIT_RURAL}


def ensure_responsibility_list(unit) -> ResponsibilityList:
    duties, _ = ResponsibilityList.objects.get_or_create(
        unit=unit,
        defaults={
            "kinds": [str(k) for k in DEFAULT_KINDS.get(unit.code, ())],
            "answer_limit_code": _ANSWER_LIMIT_BY_UNIT.get(unit.code, ANSWER_LIMIT),
        },
    )
    return duties
