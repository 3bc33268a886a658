"""`jiuzhu report quarterly`: writes the .docx and the .xlsx; exit 2 for bad usage, 1 when it cannot write."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from docx import Document
from openpyxl import load_workbook

from jiuzhu.cli.main import main

pytestmark = pytest.mark.django_db(transaction=False)

ARGS = ["report", "quarterly", "--year", "2026", "--quarter", "3", "--since", "2024", "--as-of", "2026-10-15"]


def test_writes_docx_and_xlsx(county, tmp_path, capsys):
    from jiuzhu.app.accounts.models import AuditEvent

    assert main([*ARGS, "--out", str(tmp_path / "通报.docx")]) == 0
    assert main([*ARGS, "--out", str(tmp_path / "sub" / "通报.XLSX")]) == 0
    out = capsys.readouterr().out
    assert "已生成" in out and "本季度受理3件，决定救助1件，发放救助金30,000.00元" in out
    doc = Document(str(tmp_path / "通报.docx"))
    assert doc.paragraphs[0].text == "大田县人民检察院关于2026年第三季度司法救助工作情况的通报"
    assert (
        "2024年以来，受理国家司法救助案件6件5人，决定救助3件3人，决定救助金额6.00万元（60,000.00元），发放救助金4件6.50万元（65,000.00元）；不予救助2件。"
        in [p.text for p in doc.paragraphs]
    )
    wb = load_workbook(str(tmp_path / "sub" / "通报.XLSX"))
    overview = {r[0]: r[1:] for r in wb["总体情况"].iter_rows(values_only=True) if r[0]}
    assert overview["发放救助金金额"] == (30000, 40000, 65000)
    events = AuditEvent.objects.filter(action="export", object_type="reports.quarterly")
    assert sorted(e.detail["format"] for e in events) == ["docx", "xlsx"]
    import getpass  # the command line's entries name the OS user who ran it

    assert {(e.username, e.object_id) for e in events} == {(f"cli:{getpass.getuser()}", "2026Q3")}
    assert not list(tmp_path.glob("**/*.part"))


@pytest.mark.parametrize("argv", [
    ["report", "quarterly", "--year", "2026", "--quarter", "3", "--out", "x.pdf"],
    ["report", "quarterly", "--year", "2026", "--quarter", "3", "--out", "x.docx", "--since", "2030"],
    ["report", "quarterly", "--year", "2026", "--quarter", "3", "--out", "x.docx", "--as-of", "15/10/2026"],
])
def test_bad_usage_exits_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert not list(tmp_path.iterdir())
    assert "--" in capsys.readouterr().err


def test_bad_quarter_exits_2_from_the_command_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", "report", "quarterly", "--year", "2026",
                          "--quarter", "5", "--out", str(tmp_path / "x.docx")], capture_output=True, text=True)
    assert run.returncode == 2
    assert "--quarter" in run.stderr


def test_cannot_write_exits_1_in_chinese_and_english(db, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert main([*ARGS, "--out", str(tmp_path / "afile" / "通报.docx")]) == 1
    err = capsys.readouterr().err
    assert "错误：无法写入文件" in err and "Error: cannot write" in err


def test_uninitialised_database_exits_1(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JIUZHU_HOME"] = str(tmp_path / "home")
    run = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *ARGS, "--out", str(tmp_path / "x.docx")],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "错误：无法读取案件数据库" in run.stderr and "Error: cannot read the case database" in run.stderr
    assert not (tmp_path / "x.docx").exists()
