"""sources.md §1 "sheets", "header row", "header text", "source type", whole files."""

from __future__ import annotations

from pathlib import Path

from jiuzhu.engine.api import ingest

from .helpers import ids, rows_of, write_csv, write_xlsx


def test_merged_two_row_header_totals_notes_and_sequence_only_rows(home, tmp_path):
    people = ids(4)
    sheet = [
        ["大田县2025年10月城乡低保对象花名册"],
        [],
        ["序号", "户主信息", None, "成员信息", None, None, "乡镇", "月保障金额(元)"],
        [None, "姓名", "身份证号", "姓名", "身份证号码", "与户主关系", None, None],
        [1, "陈大", people[0], "陈大", people[0], "户主", "均溪镇", 600],
        [2, "陈大", people[0], "林小", people[1], "妻子", "均溪镇", 600],
        [3],
        [None],
        ["合计", None, None, None, None, None, None, 1200],
        ["注：本表数据截至2025年10月31日"],
        ["填表人：王某", None, None, "审核人：李某"],
    ]
    path = write_xlsx(tmp_path / "低保.xlsx", {"低保": sheet})
    [r] = ingest([path])
    assert (r.status, r.source_type, r.rows_taken, r.rows_rejected, r.rows_flagged) == ("imported", "dibao", 2, 0, 0)
    assert rows_of(home, 'SELECT "row", head_name, head_id_number, name, id_number, relation, township, '
                         'monthly_amount FROM rec_dibao ORDER BY "row"') == [
        (5, "陈大", people[0], "陈大", people[0], "户主", "均溪镇", 60000),
        (6, "陈大", people[0], "林小", people[1], "配偶", "均溪镇", 60000),
    ]


def test_header_text_spaces_breaks_width_stars_prefixes_and_units(home, tmp_path):
    people = ids(2)
    header = ["执行\n案号*", "执行依据文书号", "＊案　由", "申请执行人", "申请执行人证件号码", "申请执行人联系电话",
              "被执行人", "被执行人身份证号", "申请执行标的金额（万元）", "未履行金额(万元)", "终本日期", "立案日期",
              "乡镇（街道）", "所属村（社区）"]
    row = ["（2025）闽0425执123号", "(2024)闽0425刑初45号", "机动车交通事故责任纠纷", "吴某某", people[0],
           "138 1234 5678", "郑二", people[1], "3.5", 2, "2025年9月30日", "20250105", "均溪镇", "城关社区"]
    path = write_csv(tmp_path / "终本.csv", [header, row])
    [r] = ingest([path])
    assert (r.source_type, r.unit, r.rows_taken) == ("enforcement", "court", 1)
    assert rows_of(home, "SELECT enforcement_no, basis_no, cause, name, name_masked, id_number, phone, "
                         "respondent_name, respondent_id_number, amount_applied, amount_unpaid, "
                         "terminated_date::VARCHAR, filed_date::VARCHAR, township, village FROM rec_enforcement") == [
        ("(2025)闽0425执123号", "(2024)闽0425刑初45号", "机动车交通事故责任纠纷", "吴某某", True, people[0],
         "13812345678", "郑二", people[1], 3_500_000, 2_000_000, "2025-09-30", "2025-01-05", "均溪镇", "城关社区")]


def test_victim_with_defendant_and_prefixed_id_header(home, tmp_path):
    people = ids(2)
    header = ["被害人姓名", "被害人公民身份号码", "性别", "罪名", "伤情", "判决案号", "被告人姓名", "被告人身份证号",
              "判决赔偿金额", "已赔偿金额", "案发日期", "判决日期"]
    path = write_csv(tmp_path / "被害人.csv", [header, ["卢某某", people[0], "", "故意伤害罪", "重伤二级",
                                                       "(2024)闽0425刑初45号", "郑大", people[1], "¥30000",
                                                       "0", "2024.3.5", "2024年8月1日"]])
    [r] = ingest([path])
    assert (r.source_type, r.unit) == ("victim", "procuratorate")
    [row] = rows_of(home, "SELECT name, name_masked, id_number, sex, birth_date, injury, defendant_name, "
                          "defendant_id_number, compensation_judged, compensation_paid FROM rec_victim")
    from jiuzhu.engine.identity.idcard import birth_date, sex

    assert row == ("卢某某", True, people[0], sex(people[0]), birth_date(people[0]), "重伤", "郑大", people[1],
                   3_000_000, 0)


def test_a_file_fitting_no_type_names_the_nearest_and_its_missing_columns(home, tmp_path):
    path = write_csv(tmp_path / "名单.csv", [["姓名", "残疾类别", "残疾等级"], ["张三", "肢体", "二级"]])
    [r] = ingest([path])
    assert r.status == "failed"
    assert "表头不符合任何数据类型" in r.message_zh
    assert "最接近的是持证残疾人(disability)，缺少必填列：身份证号" in r.message_zh
    assert "nearest is disability, missing required column(s): 身份证号" in r.message_en
    assert not (home / "warehouse.duckdb").exists() or rows_of(home, "SELECT count(*) FROM batches") == [(0,)]


def test_a_file_fitting_two_types_equally_is_an_error_naming_them(home, tmp_path):
    path = write_csv(tmp_path / "名单.csv", [["姓名", "身份证号", "乡镇"], ["张三", ids(1)[0], "均溪镇"]])
    [r] = ingest([path])
    assert r.status == "failed"
    assert r.message_zh == ("工作表“名单”：无法判断数据类型：表头同样符合特困供养人员(tekun)、退役军人(veteran)，"
                            "请用 --source 指定")
    [r] = ingest([path], source="tekun")
    assert (r.status, r.source_type, r.rows_taken) == ("imported", "tekun", 1)


def test_source_given_and_a_required_column_missing(home, tmp_path):
    path = write_csv(tmp_path / "名单.csv", [["姓名", "身份证号"], ["张三", ids(1)[0]]])
    [r] = ingest([path], source="unemployment")
    assert r.status == "failed"
    assert r.message_zh == "工作表“名单”：表头缺少“失业登记人员”的必填列：失业登记日期"


def test_sheets_empty_hidden_and_without_header_are_skipped_and_named(home, tmp_path):
    from datetime import date

    people = ids(3)
    good = [["姓名", "身份证号", "失业登记日期", "就业困难人员"], ["甲", people[0], "2025-01-02", "是"],
            ["乙", people[1], 45660, "否"], ["丙", people[2], date(2025, 1, 4), "√"]]  # text, serial, date cell
    path = write_xlsx(tmp_path / "失业.xlsx", {
        "填表说明": [["请按要求填写"], ["身份证号请设为文本格式"]],
        "空表": [],
        "名单": good,
        "下拉选项": [["是"], ["否"]],
    }, hidden=("下拉选项",))
    [r] = ingest([path])
    assert (r.status, r.source_type, r.rows_taken, r.sheets) == ("imported", "unemployment", 3, ["名单"])
    assert r.skipped_sheets == [{"sheet": "填表说明", "reason": "找不到表头"}, {"sheet": "空表", "reason": "空工作表"},
                                {"sheet": "下拉选项", "reason": "隐藏工作表"}]
    assert rows_of(home, "SELECT name, registered_date::VARCHAR, hard_to_employ FROM rec_unemployment ORDER BY name") \
        == [("丙", "2025-01-04", True), ("乙", "2025-01-03", False), ("甲", "2025-01-02", True)]


def test_sheet_option_reads_just_one(home, tmp_path):
    people = ids(2)
    header = ["姓名", "身份证号", "失业登记日期"]
    path = write_xlsx(tmp_path / "失业.xlsx", {"一": [header, ["甲", people[0], "2025-01-02"]],
                                               "二": [header, ["乙", people[1], "2025-01-02"]]})
    [r] = ingest([path], sheet="二")
    assert (r.sheets, r.rows_taken) == (["二"], 1)
    [r] = ingest([path], sheet="三")
    assert r.status == "failed" and r.message_zh == "文件中没有名为“三”的工作表（有：一、二）"


def test_whole_files_that_cannot_be_read(home, tmp_path):
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    corrupt = tmp_path / "坏.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook")
    only_title = write_xlsx(tmp_path / "无表头.xlsx", {"Sheet1": [["大田县低保名单"]]})
    results = ingest([empty, corrupt, only_title])
    assert [(r.file_name, r.status, r.message_zh) for r in results] == [
        ("空.xlsx", "failed", "文件为空（0字节）：空.xlsx"),
        ("坏.xlsx", "failed", "无法打开电子表格，文件可能已损坏：坏.xlsx"),
        ("无表头.xlsx", "failed", "没有可导入的工作表（Sheet1：找不到表头），未导入任何数据"),
    ]
    assert results[0].message_en == "the file is empty (0 bytes): 空.xlsx"


def test_header_without_data_imports_nothing_unless_allowed(home, tmp_path):
    path = write_csv(tmp_path / "特困.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["合计", "", "", ""]])
    [r] = ingest([path])
    assert r.status == "failed"
    assert r.message_zh.startswith("文件只有表头没有数据行（特困供养人员），未导入任何数据")
    assert rows_of(home, "SELECT count(*) FROM batches") == [(0,)]
    [r] = ingest([path], allow_empty=True)
    assert (r.status, r.rows_taken) == ("imported", 0)
    assert rows_of(home, "SELECT source_type, rows_taken FROM current_batches") == [("tekun", 0)]


def test_each_type_is_detected_from_its_own_headers(home, tmp_path):
    from jiuzhu.engine.sources import SPECS

    people = ids(13)
    for i, spec in enumerate(SPECS.values()):
        header = [f.title for f in spec.fields if f.required or f.name == "id_number"]
        if spec.code == "dibao":
            header.append("月保障金额")  # without it a 低保 roster reads as 低保边缘 (fewer columns, larger share)
        if spec.code == "tekun":
            header.append("供养方式")  # without it 姓名/身份证号/乡镇 fits 特困 and 退役军人 equally
        sample = {
            "name": "张三",
            "id_number": people[i],
            "head_name": "张大",
            "crime": "盗窃罪",
            "enforcement_no": "(2025)闽0425执1号",
            "cause": "借款合同纠纷",
            "respondent_name": "李四",
            "amount_applied": "1000",
            "amount_unpaid": "800",
            "terminated_date": "2025-06-01",
            "sentence_end": "2027-01-01",
            "household_no": "H001",
            "relation": "户主",
            "township": "均溪镇",
            "relief_date": "2025-01-01",
            "relief_amount": "500",
            "disability_kind": "肢体",
            "disability_grade": "2级",
            "monitor_category": "边缘易致贫户",
            "risk_eliminated": "否",
            "care_category": "孤儿",
            "registered_date": "2025-03-01",
            "monthly_amount": "600",
            "support_mode": "分散",
        }
        fields = {f.title: f.name for f in spec.fields}
        row = [sample[fields[h]] for h in header]
        path = write_csv(tmp_path / f"{spec.code}.csv", [header, row])
        [r] = ingest([path])
        assert (r.status, r.source_type, r.rows_taken, r.rows_rejected) == ("imported", spec.code, 1, 0), r.message_zh


def test_a_file_whose_every_row_is_rejected_does_not_empty_the_registry(home, tmp_path):
    header = ["姓名", "身份证号", "救助日期", "救助金额"]
    good = write_csv(tmp_path / "救助-9月.csv", [header, ["甲", ids(1)[0], "2025-09-01", "500"]])
    bad = write_csv(tmp_path / "救助-10月.csv", [header, ["乙", ids(2)[1], "2025-10-01", "五百"],
                                                 ["丙", ids(3)[2], "2025-10-02", "六百"]])
    [first] = ingest([good])
    [r] = ingest([bad])
    assert r.status == "failed"
    assert r.message_zh.startswith("全部2行都被拒收，未导入任何数据；问题报告：")
    report = r.message_zh.split("问题报告：")[1]
    assert report == r.report_csv and report.endswith("-rejections.csv")
    assert len(Path(report).read_text(encoding="utf-8").splitlines()) == 3
    assert rows_of(home, "SELECT batch_id FROM current_batches") == [(first.batch_id,)]


def test_superscript_digits_are_cells_not_numbers(home, tmp_path):
    """"²" is a digit to Python's isdigit but no number: a row of them is data to check, not a crash."""
    people = ids(1)
    header = ["户号", "姓名", "身份证号", "与户主关系"]
    path = write_csv(tmp_path / "户籍.csv", [header, ["H1", "陈大", people[0], "户主"], ["²", "²", "²", "²"]])
    [r] = ingest([path])
    assert (r.status, r.rows_taken, r.rows_rejected) == ("imported", 1, 1)
    reasons = rows_of(home, 'SELECT "row", "column" FROM rejections ORDER BY "column"')
    assert reasons and all(row == 3 for row, _ in reasons)
