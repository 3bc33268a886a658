"""低保对象 (from 民政)."""

from jiuzhu.engine.sources._family import family_fields
from jiuzhu.engine.sources.spec import SourceSpec

SPEC = SourceSpec(
    code="dibao",
    title="低保对象",
    unit="civil_affairs",
    main_role="成员",
    fields=family_fields(head_name_required=True, monthly_amount=True),
)
