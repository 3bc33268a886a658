"""特困供养人员 (from 民政)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="tekun",
    title="特困供养人员",
    unit="civil_affairs",
    fields=(
        *person_fields(required=("name", "id_number", "township")),
        Field("support_mode", "enum", ("供养方式", "供养形式"), enum="support_mode"),
        Field(
            "self_care", "enum", ("生活自理能力", "自理能力", "自理情况", "生活自理情况"), enum="self_care"
        ),
        Field("enrolled_date", "date", ("纳入日期", "纳入时间", "批准日期")),
    ),
)
