"""终结本次执行程序案件 (终本, from 法院)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields, second_person

SPEC = SourceSpec(
    code="enforcement",
    title="终结本次执行程序案件",
    unit="court",
    main_role="申请执行人",
    fields=(
        Field("enforcement_no", "case_no", ("执行案号", "案号", "执行案件案号"), required=True),
        Field(
            "basis_no",
            "case_no",
            ("执行依据文书号", "执行依据", "执行依据案号", "依据文书号", "执行依据文书编号"),
        ),
        Field("cause", "text", ("案由", "执行案由"), required=True),
        *person_fields(roles=("申请执行人", "申请人"), required=("name",), name_headers=("",)),
        *second_person(
            "被执行人", name="respondent_name", id_number="respondent_id_number", required_name=True
        ),
        Field(
            "amount_applied",
            "amount",
            ("申请执行标的金额", "申请执行标的", "执行标的金额", "标的金额", "申请标的额", "申请执行标的额"),
            required=True,
        ),
        Field(
            "amount_unpaid",
            "amount",
            ("未履行金额", "未执行到位金额", "未到位金额", "未履行标的额"),
            required=True,
        ),
        Field("filed_date", "date", ("立案日期", "立案时间")),
        Field(
            "terminated_date", "date", ("终本日期", "终结本次执行日期", "终本时间", "结案日期"), required=True
        ),
    ),
)
