"""服刑在押人员 (from 司法局/监狱)."""

from jiuzhu.engine.sources.spec import Field, SourceSpec, person_fields

SPEC = SourceSpec(
    code="prisoner",
    title="服刑在押人员",
    unit="justice_bureau",
    fields=(
        *person_fields(roles=("服刑人员", "罪犯")),
        Field("crime", "text", ("罪名", "所犯罪名")),
        Field("sentence_start", "date", ("刑期起日", "刑期起始日期", "刑期开始日期", "刑期起")),
        Field("sentence_end", "date", ("刑期止日", "刑期截止日期", "刑期结束日期", "刑满日期", "刑期止"),
              required=True),
        Field("prison", "text", ("服刑场所", "服刑监狱", "羁押场所", "关押场所")),
    ),
)
