"""低保边缘家庭成员 (from 民政): as 低保, without 月保障金额."""

from jiuzhu.engine.intake.spec import SourceSpec
from jiuzhu.engine.intake.specs._family import family_fields

SPEC = SourceSpec(
    code="dibao_edge",
    title="低保边缘家庭成员",
    unit="civil_affairs",
    main_role="成员",
    fields=family_fields(head_name_required=True, monthly_amount=False),
)
