"""户籍家庭成员 (from 公安)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="household",
    title="户籍家庭成员",
    unit="public_security",
    fields=(
        Field("household_no", "text", ("户号", "户编号", "户籍户号"), required=True),
        *person_fields(),
        Field("relation", "enum", ("与户主关系", "家庭关系", "与户主的关系"), enum="relation", required=True),
        Field("status", "enum", ("人员状态", "状态", "户籍状态"), enum="person_status"),
    ),
)
