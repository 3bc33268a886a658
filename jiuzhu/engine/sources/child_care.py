"""孤儿和事实无人抚养儿童 (from 民政)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="child_care",
    title="孤儿和事实无人抚养儿童",
    unit="civil_affairs",
    main_role="儿童",
    fields=(
        *person_fields(roles=("儿童",)),
        Field(
            "care_category",
            "enum",
            ("保障类别", "儿童类别", "儿童类型", "保障对象类别"),
            enum="care_category",
            required=True,
        ),
        Field("guardian_name", "name", ("监护人姓名", "监护人")),
        Field("monthly_amount", "amount", ("月保障金额", "基本生活费", "月发放金额", "月保障标准")),
        Field("enrolled_date", "date", ("纳入日期", "纳入时间", "批准日期")),
    ),
)
