"""低保对象 (from 民政)."""

from jiuzhu.engine.intake.spec import SourceSpec
from jiuzhu.engine.intake.specs._family import family_fields

SPEC = SourceSpec(
    code="dibao",
    title="低保对象",
    unit="civil_affairs",
    main_role="成员",
    fields=family_fields(head_name_required=True, monthly_amount=True),
)
