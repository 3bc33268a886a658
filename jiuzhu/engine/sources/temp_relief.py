"""临时救助对象 (from 民政)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="temp_relief",
    title="临时救助对象",
    unit="civil_affairs",
    fields=(
        *person_fields(),
        Field("relief_date", "date", ("救助日期", "救助时间", "发放日期", "审批日期"), required=True),
        Field("relief_amount", "amount", ("救助金额", "救助金", "发放金额", "救助金额数"), required=True),
        Field("relief_reason", "text", ("救助事由", "救助原因", "事由", "困难原因")),
    ),
)
