"""刑事被害人 (from 检察院)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields, second_person

SPEC = SourceSpec(
    code="victim",
    title="刑事被害人",
    unit="procuratorate",
    main_role="被害人",
    fields=(
        *person_fields(roles=("被害人",), required=("name",), name_headers=("",)),
        Field("crime", "text", ("罪名", "涉嫌罪名", "判决罪名", "罪名(案由)"), required=True),
        Field(
            "injury", "enum", ("伤情", "伤情等级", "损伤程度", "伤残程度"), roles=("被害人",), enum="injury"
        ),
        Field("judgment_no", "case_no", ("判决案号", "案号", "判决书案号", "判决文书号", "刑事判决书案号")),
        *second_person("被告人", name="defendant_name", id_number="defendant_id_number"),
        Field("compensation_judged", "amount", ("判决赔偿金额", "判决赔偿数额", "应赔偿金额", "判赔金额")),
        Field("compensation_paid", "amount", ("已赔偿金额", "实际赔偿金额", "已履行赔偿金额", "已赔付金额")),
        Field("incident_date", "date", ("案发日期", "案发时间")),
        Field("judgment_date", "date", ("判决日期", "判决时间")),
    ),
)
