"""退役军人 (from 退役军人事务局)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="veteran",
    title="退役军人",
    unit="veterans_affairs",
    fields=(
        *person_fields(),
        Field("discharge_date", "date", ("退役日期", "退伍日期", "退役时间", "退伍时间")),
        Field(
            "veteran_category", "enum", ("人员类别", "优抚对象类别", "退役军人类别"), enum="veteran_category"
        ),
        Field("periodic_benefit", "bool", ("享受定期抚恤补助", "是否享受定期抚恤补助", "定期抚恤补助")),
    ),
)
