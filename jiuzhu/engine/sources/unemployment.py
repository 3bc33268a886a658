"""失业登记人员 (from 人社)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="unemployment",
    title="失业登记人员",
    unit="human_resources",
    fields=(
        *person_fields(),
        Field("registered_date", "date", ("失业登记日期", "登记日期", "失业登记时间"), required=True),
        Field("hard_to_employ", "bool", ("就业困难人员", "是否就业困难人员", "是否为就业困难人员")),
    ),
)
