"""持证残疾人 (from 残联)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="disability",
    title="持证残疾人",
    unit="disability_federation",
    fields=(
        *person_fields(roles=("残疾人",)),
        Field("disability_cert_no", "text", ("残疾证号", "残疾人证号", "残疾证号码", "残疾人证号码", "证号")),
        Field(
            "disability_kind",
            "enum",
            ("残疾类别", "残疾类型", "残疾种类"),
            enum="disability_kind",
            required=True,
        ),
        Field("disability_grade", "enum", ("残疾等级", "残疾级别"), enum="disability_grade", required=True),
        Field("issue_date", "date", ("发证日期", "发证时间", "领证日期")),
    ),
)
