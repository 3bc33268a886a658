"""How each office lays out its file: file name, format, columns and header wording.

Header texts come only from the synonyms of sources.md (§2 and §3), with role prefixes;
every choice below is one the spec says the importer must accept.
"""

from __future__ import annotations

from dataclasses import dataclass

ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码")
TOWNSHIP = ("乡镇", "乡镇(街道)", "乡镇（街道）", "所属乡镇")
VILLAGE = ("村(社区)", "村（社区）", "村居", "所属村")
ADDRESS = ("住址", "家庭住址", "户籍地址")
PHONE = ("联系电话", "手机号", "电话")


def prefixed(prefix: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(prefix + n for n in names)


@dataclass(frozen=True)
class Column:
    field: str  # canonical field (architecture.md) or a §2 field of the main subject
    headers: tuple[str, ...]  # synonyms, one is chosen per file
    required: bool = False
    kind: str = "text"  # id, name, date, amount, enum, bool, int, text, case
    keep: float = 1.0  # chance an optional column is in the file at all


@dataclass(frozen=True)
class Layout:
    source: str
    office: str  # who sends it (file name prefix)
    title: str  # registry name in file and title row
    fmt: str  # xlsx, xls, csv-gb18030, csv-utf8-bom, csv-utf8 (tab-delimited), csv-utf16 (with BOM)
    columns: tuple[Column, ...]


def _c(
    field: str, headers: tuple[str, ...] | str, required: bool = False, kind: str = "text", keep: float = 1.0
) -> Column:
    return Column(field, (headers,) if isinstance(headers, str) else headers, required, kind, keep)


LAYOUTS: dict[str, Layout] = {
    "household": Layout("household", "公安局", "户籍人口信息", "csv-gb18030", (
        _c("household_no", "户号", True),
        _c("name", "姓名", True, "name"),
        _c("sex", "性别", kind="sex", keep=0.8),
        _c("id_number", ID, True, "id"),
        _c("birth_date", ("出生日期",), kind="date", keep=0.5),
        _c("relation", "与户主关系", True),
        _c("status", "人员状态"),
        _c("township", TOWNSHIP),
        _c("village", VILLAGE),
        _c("address", ("户籍地址", "住址"), keep=0.5),
    )),
    "victim": Layout("victim", "人民检察院", "刑事被害人信息表", "xlsx", (
        _c("name", "被害人姓名", True, "name"),
        _c("sex", ("性别", "被害人性别"), kind="sex", keep=0.5),
        _c("id_number", prefixed("被害人", ID), kind="id"),
        _c("phone", ("联系电话", "被害人联系电话", "被害人手机号"), kind="phone", keep=0.6),
        _c("address", ("住址", "被害人住址", "家庭住址"), kind="address", keep=0.5),
        _c("crime", "罪名", True),
        _c("injury", "伤情"),
        _c("judgment_no", "判决案号", kind="case"),
        _c("defendant_name", "被告人姓名"),
        _c("defendant_id_number", prefixed("被告人", ID), kind="other_id"),
        _c("compensation_judged", ("判决赔偿金额", "判决赔偿金额（元）", "判决赔偿金额(元)"), kind="amount"),
        _c("compensation_paid", ("已赔偿金额", "已赔偿金额（元）"), kind="amount"),
        _c("incident_date", "案发日期", kind="date"),
        _c("judgment_date", "判决日期", kind="date"),
    )),
    "enforcement": Layout("enforcement", "人民法院", "终结本次执行程序案件清单", "xlsx", (
        _c("enforcement_no", "执行案号", True, "case"),
        _c("basis_no", "执行依据文书号", kind="case"),
        _c("cause", "案由", True),
        _c("name", ("申请执行人", "申请执行人姓名"), True, "name"),
        _c("id_number", prefixed("申请执行人", ID), kind="id"),
        _c("phone", ("申请执行人联系电话", "申请执行人手机号"), kind="phone", keep=0.5),
        _c("address", ("申请执行人住址",), kind="address", keep=0.4),
        _c("respondent_name", ("被执行人", "被执行人姓名"), True),
        _c("respondent_id_number", prefixed("被执行人", ID), kind="other_id"),
        _c("amount_applied", ("申请执行标的金额", "申请执行标的金额（元）", "申请执行标的金额(万元)"), True, "amount"),
        _c("amount_unpaid", ("未履行金额", "未履行金额（元）", "未履行金额(万元)"), True, "amount"),
        _c("filed_date", "立案日期", kind="date"),
        _c("terminated_date", "终本日期", True, "date"),
    )),
    "prisoner": Layout("prisoner", "司法局", "服刑在押人员名册", "xls", (
        _c("name", "姓名", True, "name"),
        _c("sex", "性别", kind="sex", keep=0.7),
        _c("id_number", ID, True, "id"),
        _c("crime", "罪名"),
        _c("sentence_start", "刑期起日", kind="date"),
        _c("sentence_end", "刑期止日", True, "date"),
        _c("prison", "服刑场所"),
        _c("address", ("户籍地址", "家庭住址"), kind="address", keep=0.5),
    )),
    "dibao": Layout("dibao", "民政局", "城乡低保对象花名册", "xlsx", (
        _c("head_name", "户主姓名", True),
        _c("head_id_number", prefixed("户主", ID), kind="other_id"),
        _c("name", ("成员姓名", "姓名"), True, "name"),
        _c("id_number", prefixed("成员", ID) + ID, True, "id"),
        _c("sex", "性别", kind="sex", keep=0.6),
        _c("relation", "与户主关系"),
        _c("township", TOWNSHIP, True),
        _c("village", VILLAGE),
        _c("persons_covered", "保障人数", kind="int"),
        _c("monthly_amount", ("月保障金额", "月保障金额（元）", "月保障金额(元)"), kind="amount"),
        _c("enrolled_date", "纳入日期", kind="date"),
        _c("category", "低保类别"),
        _c("phone", PHONE, kind="phone", keep=0.5),
    )),
    "tekun": Layout("tekun", "民政局", "特困供养人员名册", "xlsx", (
        _c("name", "姓名", True, "name"),
        _c("id_number", ID, True, "id"),
        _c("sex", "性别", kind="sex", keep=0.6),
        _c("birth_date", ("出生日期", "出生年月"), kind="birth", keep=0.5),
        _c("township", TOWNSHIP, True),
        _c("village", VILLAGE, keep=0.7),
        _c("support_mode", "供养方式"),
        _c("self_care", "生活自理能力"),
        _c("enrolled_date", "纳入日期", kind="date"),
    )),
    "dibao_edge": Layout("dibao_edge", "民政局", "低保边缘家庭成员名单", "csv-utf8-bom", (
        _c("head_name", "户主姓名", True),
        _c("head_id_number", prefixed("户主", ID), kind="other_id"),
        _c("name", ("成员姓名", "姓名"), True, "name"),
        _c("id_number", prefixed("成员", ID) + ID, True, "id"),
        _c("relation", "与户主关系"),
        _c("township", TOWNSHIP, True),
        _c("village", VILLAGE),
        _c("address", ADDRESS, kind="address"),
        _c("persons_covered", "保障人数", kind="int"),
        _c("enrolled_date", "纳入日期", kind="date"),
        _c("category", "低保类别"),
    )),
    "temp_relief": Layout("temp_relief", "民政局", "临时救助对象台账", "xlsx", (
        _c("name", "姓名", True, "name"),
        _c("id_number", ID, True, "id"),
        _c("phone", PHONE, kind="phone", keep=0.5),
        _c("township", TOWNSHIP),
        _c("relief_date", "救助日期", True, "date"),
        _c("relief_amount", ("救助金额", "救助金额（元）", "救助金额(元)"), True, "amount"),
        _c("relief_reason", "救助事由"),
    )),
    "disability": Layout("disability", "残疾人联合会", "持证残疾人名册", "xlsx", (
        _c("name", "姓名", True, "name"),
        _c("sex", "性别", kind="sex", keep=0.7),
        _c("id_number", ID, True, "id"),
        _c("disability_cert_no", "残疾证号", kind="cert"),
        _c("disability_kind", "残疾类别", True, "enum"),
        _c("disability_grade", "残疾等级", True, "enum"),
        _c("issue_date", "发证日期", kind="date"),
        _c("township", TOWNSHIP, keep=0.8),
        _c("village", VILLAGE, keep=0.6),
        _c("phone", PHONE, kind="phone", keep=0.5),
    )),
    "poverty_watch": Layout("poverty_watch", "乡村振兴局", "防止返贫监测对象名单", "xlsx", (
        _c("head_name", "户主姓名"),
        _c("head_id_number", prefixed("户主", ID), kind="other_id"),
        _c("name", "成员姓名", True, "name"),
        _c("id_number", prefixed("成员", ID), True, "id"),
        _c("township", TOWNSHIP),
        _c("village", VILLAGE),
        _c("monitor_category", "监测对象类别", True),
        _c("main_risk", "主要风险"),
        _c("risk_eliminated", "风险是否消除", True, "bool"),
        _c("identified_date", "识别日期", kind="date"),
    )),
    "child_care": Layout("child_care", "民政局", "孤儿和事实无人抚养儿童名册", "xlsx", (
        _c("name", "儿童姓名", True, "name"),
        _c("id_number", prefixed("儿童", ID), True, "id"),
        _c("sex", "性别", kind="sex", keep=0.7),
        _c("care_category", "保障类别", True),
        _c("guardian_name", "监护人姓名"),
        _c("monthly_amount", ("月保障金额", "月保障金额（元）"), kind="amount"),
        _c("enrolled_date", "纳入日期", kind="date"),
        _c("township", TOWNSHIP, keep=0.7),
    )),
    "veteran": Layout("veteran", "退役军人事务局", "退役军人信息采集表", "csv-utf16", (
        _c("name", "姓名", True, "name"),
        _c("sex", "性别", kind="sex", keep=0.5),
        _c("id_number", ID, True, "id"),
        _c("phone", PHONE, kind="phone", keep=0.6),
        _c("discharge_date", "退役日期", kind="date"),
        _c("veteran_category", "人员类别"),
        _c("periodic_benefit", "享受定期抚恤补助", kind="bool"),
        _c("address", ADDRESS, kind="address"),
    )),
    "unemployment": Layout("unemployment", "人力资源和社会保障局", "失业登记人员名单", "csv-utf8", (
        _c("name", ("姓名", "名字"), True, "name"),
        _c("id_number", ID, True, "id"),
        _c("sex", "性别", kind="sex", keep=0.5),
        _c("phone", PHONE, kind="phone", keep=0.6),
        _c("registered_date", "失业登记日期", True, "date"),
        _c("hard_to_employ", "就业困难人员", kind="bool"),
        _c("township", TOWNSHIP, keep=0.6),
    )),
}

# Columns whose bad value the spec says rejects the row (required, with a checked value).
REJECTABLE = {
    "victim": ("crime", "name"), "enforcement": ("cause", "terminated_date"), "prisoner": ("sentence_end",),
    "dibao": ("township",), "tekun": ("township",), "dibao_edge": ("township",),
    "temp_relief": ("relief_date", "relief_amount"), "disability": ("disability_grade", "disability_kind"),
    "poverty_watch": ("monitor_category", "risk_eliminated"), "child_care": ("care_category",),
    "veteran": ("name",), "unemployment": ("registered_date",),
}
# Optional date columns no rule reads: an impossible date there is dropped, the row kept.
DROPPABLE = {
    "disability": "issue_date", "dibao": "enrolled_date", "tekun": "enrolled_date", "dibao_edge": "enrolled_date",
    "poverty_watch": "identified_date", "child_care": "enrolled_date", "veteran": "discharge_date",
    "enforcement": "filed_date",
}
