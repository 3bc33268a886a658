"""低保边缘家庭成员 (from 民政): as 低保, without 月保障金额."""

from jiuzhu.engine.sources._family import family_fields
from jiuzhu.engine.sources.spec import SourceSpec

SPEC = SourceSpec(
    code="dibao_edge",
    title="低保边缘家庭成员",
    unit="civil_affairs",
    main_role="成员",
    fields=family_fields(head_name_required=True, monthly_amount=False),
)
