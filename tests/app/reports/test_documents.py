"""The .docx 通报 and the .xlsx workbook, opened again with python-docx and openpyxl."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from jiuzhu.app.reports import document, export, workbook

pytestmark = pytest.mark.django_db

TITLE = "大田县人民检察院关于2026年第三季度司法救助工作情况的通报"


def _table(doc, title: str):
    """The table right after the caption paragraph `title`."""
    body = doc.element.body
    captions = [p for p in doc.paragraphs if p.text == title]
    assert len(captions) == 1, title
    element = captions[0]._p.getnext()
    index = list(body).index(element)
    tables = [t for t in doc.tables if t._tbl is body[index]]
    return [[c.text for c in row.cells] for row in tables[0].rows]


def test_docx_title_sections_and_numbers(figures):
    doc = Document(io.BytesIO(document.render(figures)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == TITLE
    assert paragraphs[1] == "（统计期间：2026年7月1日至2026年9月30日）"
    for section in ("一、总体情况", "二、线索发现情况", "三、案件办理情况", "四、部门协作情况", "五、回访情况"):
        assert section in paragraphs
    text = "\n".join(paragraphs)
    assert (
        "2024年以来，受理国家司法救助案件6件5人，决定救助3件3人，决定救助金额6.00万元（60,000.00元），发放救助金4件6.50万元（65,000.00元）；不予救助2件。"
        in text
    )
    assert ("本季度，受理国家司法救助案件3件3人，决定救助1件1人，决定救助金额3.00万元（30,000.00元），"
            "发放救助金1件3.00万元（30,000.00元）；不予救助2件。") in text
    assert ("今年以来，受理国家司法救助案件5件4人，决定救助2件2人，决定救助金额4.00万元（40,000.00元），"
            "发放救助金2件4.00万元（40,000.00元）；不予救助2件。") in text
    assert (
        "本季度通过数据筛查等途径发现救助线索2条，其中已立案1条、已移送相关单位1条；今年以来累计发现线索3条。" in text
    )
    assert ("本季度作出决定3件，受理至决定用时中位数7个工作日，最长19个工作日，超过10个工作日的1件；"
            "2件在7个工作日内完成审批。") in text
    assert "本季度移送的事项中，超过时限签收或反馈的：残联1件，请相关单位抓紧办理。" in text
    assert "本季度完成回访2次，逾期未回访或逾期回访1次。" in text
    # the block people sign
    assert "拟稿：            审核：            签发：" in paragraphs
    assert paragraphs[-3:] == ["大田县人民检察院", "2026年10月15日", "（院印）"]


def test_docx_tables(figures):
    doc = Document(io.BytesIO(document.render(figures)))
    overview = {row[0]: row[1:] for row in _table(doc, "总体情况")}
    assert overview["项目"] == ["本季度", "今年以来", "2024年以来"]
    assert overview["决定救助金额"] == ["3.00万元", "4.00万元", "6.00万元"]
    assert overview["发放救助金金额"] == ["3.00万元", "4.00万元", "6.50万元"]
    assert overview["受理救助人数（人）"] == ["3", "4", "5"]
    assert overview["受理至决定用时中位数（工作日）"] == ["7", "10.5", "8"]
    assert overview["受理至决定超过10个工作日（件）"] == ["1", "2", "2"]
    assert overview["其中：数据筛查线索（件）"] == ["1", "3", "4"]
    assert _table(doc, "2026年分季度情况")[1:] == [["第一季度", "1", "1", "1.00万元", "0.00万元"],
                                               ["第二季度", "1", "0", "0.00万元", "1.00万元"],
                                               ["第三季度", "3", "1", "3.00万元", "3.00万元"]]
    assert _table(doc, "线索发现情况（按筛查规则）") == [
        ["筛查规则", "本季度", "今年以来", "2024年以来"],
        ["SJ-01 被害人因案致贫", "1", "1", "2"], ["SJ-02 残疾人因案致困", "1", "2", "2"]]
    refusals = {row[0]: row[1:] for row in _table(doc, "不予救助理由")}
    assert len(refusals) == 8  # header and all seven reasons
    assert refusals["生活困难非案件原因所致"] == ["1", "1", "1"]
    assert refusals["对案件发生有重大过错"] == ["1", "1", "1"]
    assert refusals["其他"] == ["0", "0", "0"]
    assert _table(doc, "协作单位移送办理情况（件）") == [
        ["单位", "本季度接收", "本季度反馈", "本季度退回", "本季度超期",
         "今年以来接收", "今年以来反馈", "今年以来退回", "今年以来超期"],
        ["民政局", "1", "2", "0", "0", "2", "2", "0", "1"],
        ["残联", "2", "0", "0", "1", "2", "0", "0", "1"],
        ["教育局", "1", "0", "1", "0", "1", "0", "1", "0"],
    ]
    assert _table(doc, "救助方案事项落实情况（项）") == [
        ["单位", "本季度已落实", "本季度未落实", "今年以来已落实", "今年以来未落实"],
        ["民政局", "1", "1", "1", "1"],
        ["妇联", "1", "0", "1", "0"],
    ]


def test_docx_of_an_empty_quarter_prints(db):
    from jiuzhu.app.reports.figures import compute

    fig = compute(2026, 1, start_year=2022)
    doc = Document(io.BytesIO(document.render(fig)))
    assert doc.paragraphs[0].text == "大田县人民检察院关于2026年第一季度司法救助工作情况的通报"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "2022年以来，受理国家司法救助案件0件0人，决定救助0件0人，决定救助金额0.00万元（0.00元），发放救助金0件0.00万元（0.00元）；不予救助0件。"
        in text
    )
    assert "本季度未作出救助决定。" in text
    assert _table(doc, "协作单位移送办理情况（件）")[1] == ["无"] * 9
    assert "本季度移送各单位的事项均在时限内签收、反馈。" in text


def test_xlsx_one_sheet_per_table(figures):
    wb = load_workbook(io.BytesIO(workbook.render(figures)))
    assert wb.sheetnames == [
        "总体情况",
        "2026年分季度情况",
        "线索发现情况(按筛查规则)",
        "线索发现情况(按数据来源)",
        "不予救助理由",
        "救助对象(按标签，人)",
        "协作单位移送办理情况(件)",
        "救助方案事项落实情况(项)",
    ]
    rows = {r[0]: list(r[1:]) for r in wb["总体情况"].iter_rows(values_only=True) if r[0]}
    assert rows["项目"] == ["本季度", "今年以来", "2024年以来"]
    assert rows["发放救助金金额"] == [30000, 40000, 65000]
    assert rows["决定救助金额"] == [30000, 40000, 60000]
    assert rows["受理至决定用时中位数（工作日）"] == [7, 10.5, 8]
    assert rows["金额单位：元"] == [None, None, None]
    paid_row = next(r for r in wb["总体情况"].iter_rows() if r[0].value == "发放救助金金额")
    assert [c.number_format for c in paid_row[1:]] == ["#,##0.00"] * 3
    assert list(wb["2026年分季度情况"].iter_rows(values_only=True))[:4] == [
        ("季度", "受理案件（件）", "决定救助（件）", "决定救助金额", "发放救助金金额"),
        ("第一季度", 1, 1, 10000, 0), ("第二季度", 1, 0, 0, 10000), ("第三季度", 3, 1, 30000, 30000)]
    sources = list(wb["线索发现情况(按数据来源)"].iter_rows(values_only=True))
    assert sources == [("数据来源", "本季度", "今年以来", "2024年以来"), ("刑事被害人", 1, 1, 2),
                       ("终结本次执行程序案件", 1, 1, 1), ("低保对象", 0, 1, 1), ("持证残疾人", 1, 2, 2)]
    tags = list(wb["救助对象(按标签，人)"].iter_rows(values_only=True))
    assert tags == [("标签", "本季度", "今年以来", "2024年以来"), ("残疾人", 2, 2, 2), ("未成年人", 1, 1, 1),
                    ("退役军人", 0, 1, 1)]
    referrals = list(wb["协作单位移送办理情况(件)"].iter_rows(values_only=True))
    assert referrals[0][9:] == ("2024年以来接收", "2024年以来反馈", "2024年以来退回", "2024年以来超期")
    assert referrals[1] == ("民政局", 1, 2, 0, 0, 2, 2, 0, 1, 3, 3, 0, 2)
    plan = list(wb["救助方案事项落实情况(项)"].iter_rows(values_only=True))
    assert plan[1:] == [("民政局", 1, 1, 1, 1, 1, 1), ("人社局", 0, 0, 0, 0, 1, 0), ("妇联", 1, 0, 1, 0, 1, 0)]
    assert wb.properties.title == TITLE


def test_file_names(figures):
    assert export.file_name(figures, "docx") == "2026年第三季度司法救助工作情况通报.docx"
    assert export.render(figures, "xlsx")[:2] == b"PK"
