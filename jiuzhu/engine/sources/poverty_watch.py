"""防止返贫监测对象 (from 乡村振兴)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields, second_person

MEMBER_ROLES = ("成员", "家庭成员", "监测对象")

SPEC = SourceSpec(
    code="poverty_watch",
    title="防止返贫监测对象",
    unit="rural_revitalization",
    main_role="成员",
    fields=(
        *second_person("户主", name="head_name", id_number="head_id_number"),
        *person_fields(roles=MEMBER_ROLES),
        Field(
            "monitor_category",
            "enum",
            ("监测对象类别", "监测类别", "监测对象类型", "监测户类型"),
            enum="monitor_category",
            required=True,
        ),
        Field(
            "main_risk", "enum", ("主要风险", "风险类型", "主要致贫风险", "致贫返贫风险"), enum="main_risk"
        ),
        Field("risk_eliminated", "bool", ("风险是否消除", "是否消除风险", "风险消除"), required=True),
        Field("identified_date", "date", ("识别日期", "识别时间", "纳入监测日期")),
    ),
)
