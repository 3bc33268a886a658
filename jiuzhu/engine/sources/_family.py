"""The shared fields of the 低保 and 低保边缘 rosters: a 户主 and the 成员 each row describes."""

from jiuzhu.engine.sources.spec import Field, person_fields, second_person

MEMBER_ROLES = ("成员", "家庭成员", "保障对象")


def family_fields(*, head_name_required: bool, monthly_amount: bool) -> tuple[Field, ...]:
    fields = [
        *second_person(
            "户主", name="head_name", id_number="head_id_number", required_name=head_name_required
        ),
        *[
            f if f.name != "township" else Field(f.name, f.kind, f.headers, roles=f.roles, required=True)
            for f in person_fields(roles=MEMBER_ROLES)
        ],
        Field(
            "relation",
            "enum",
            ("与户主关系", "家庭关系", "与户主的关系"),
            enum="relation",
            roles=MEMBER_ROLES,
        ),
        Field("persons_covered", "int", ("保障人数", "家庭人口", "保障人口", "享受人数", "家庭人口数")),
    ]
    if monthly_amount:
        fields.append(Field("monthly_amount", "amount", ("月保障金额", "月低保金", "月保障金", "月补助金额")))
    fields += [
        Field("enrolled_date", "date", ("纳入日期", "纳入时间", "批准日期", "审批日期")),
        Field("category", "enum", ("低保类别", "保障类别", "低保类型"), enum="dibao_category"),
    ]
    return tuple(fields)
