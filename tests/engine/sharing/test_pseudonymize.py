"""`jiuzhu pseudonymize`: the pseudonym forms, what intake and linkage read from them, the files written."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from jiuzhu.cli.main import main
from jiuzhu.engine.identity import idcard, pseudonyms
from jiuzhu.engine.identity.phones import parse_phone
from jiuzhu.engine.intake.readers import read_sheets
from jiuzhu.engine.linkage.namekeys import name_keys
from jiuzhu.engine.pseudonymize import REMOVED, Pseudonymiser

KEY = b"0123456789abcdef-shared-by-the-units"
ID_M = idcard.make_id("350425", date(1988, 7, 1), 13)  # odd sequence: 男
ID_F = idcard.make_id("350425", date(2015, 5, 20), 102)


def test_id_pseudonyms_keep_birth_date_and_sex_and_read_as_valid() -> None:
    p = Pseudonymiser(KEY)
    male, female = p.id_number(ID_M), p.id_number(ID_F)
    assert len(male) == 18 and male.startswith("P") and not idcard.is_valid(male)
    assert idcard.birth_date(male) == date(1988, 7, 1) and idcard.sex(male) == "男"
    assert idcard.birth_date(female) == date(2015, 5, 20) and idcard.sex(female) == "女"
    assert idcard.parse_id(male).status == "valid" and idcard.parse_id(male).number == male
    assert idcard.parse_id(f" {male.lower()} ").number == male
    assert Pseudonymiser(KEY).id_number(ID_M) == male  # the units share the key: one person, one pseudonym
    assert Pseudonymiser(KEY + b"!").id_number(ID_M) != male
    broken = male[:17] + ("A" if male[17] != "A" else "B")  # a wrong check character is stray text
    assert idcard.parse_id(broken).status == "invalid"
    assert p.id_cell(ID_M.lower()) == male and p.id_cell(ID_M[:6] + ID_M[8:17]) == male  # the 15-digit form too
    assert p.id_cell(3.50425198807011e17) == REMOVED and p.id_cell("") == ""
    assert p.map[male] == ID_M


def test_name_pseudonyms_carry_the_keys_linkage_compares() -> None:
    p = Pseudonymiser(KEY)
    plain, trad, homophone, other = (name_keys(p.name(n)) for n in ("陈秀英", "陳秀英", "陈秀瑛", "林秀英"))
    assert p.name("陈秀英") == p.name(" 陈秀英 ") and plain.norm == trad.norm  # as intake stores names
    assert plain.pinyin == homophone.pinyin and plain.norm != homophone.norm
    assert plain.surname == homophone.surname != other.surname and plain.length == 3
    masked = name_keys(p.name("陈某某"))
    assert masked.masked and masked.surname == plain.surname and masked.length is None
    assert name_keys(p.name("陈**")).length == 3
    assert pseudonyms.is_masked_name(p.name("陈某某")) and not pseudonyms.is_masked_name(p.name("陈秀英"))
    assert p.map[p.name("陳秀英")] == "陈秀英"  # the first spelling written


def test_phones_certificates_and_free_text() -> None:
    p = Pseudonymiser(KEY)
    phone = p.phone("138 1234 5678")
    assert phone == p.phone("+86 13812345678") and parse_phone(phone) == phone and p.map[phone] == "13812345678"
    assert p.phone("1234") == REMOVED
    assert p.certificate(ID_M + "42") == p.id_number(ID_M) + "42" and p.certificate("123") == REMOVED
    text = p.free_text(f"陈秀英（{ID_M}，13812345678）与林某争执", ["陈秀英"])
    assert "陈秀英" not in text and ID_M not in text and "13812345678" not in text
    assert p.id_number(ID_M) in text and p.name("陈秀英") in text


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_the_command_writes_the_files_and_the_map(tmp_path: Path, capsys) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _write_csv(src / "临时救助.csv", [
        ["大田县临时救助对象台账"],
        ["序号", "姓名", "身份证号", "联系电话", "乡镇", "家庭住址", "救助日期", "救助金额（元）", "救助事由", "备注"],
        ["1", "陈秀英", ID_F, "13812345678", "均溪镇", "福建省大田县均溪镇城关村12号", "2025-03-01", "800",
         "火灾", "陈秀英的舅舅"],
        ["2", "林建华", "3.50425198807011E+17", "", "石牌镇", "", "2025-03-02", "1,000", "", ""],
        ["填表人：林某某"],
    ])
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("名册")
    for c, v in enumerate(["姓名", "身份证号", "刑期止日"]):
        ws.write(0, c, v)
    for c, v in enumerate(["郑志明", ID_M, "2026-01-01"]):
        ws.write(1, c, v)
    book.save(str(src / "服刑.xls"))
    key = tmp_path / "key"
    key.write_bytes(b"short")
    out = tmp_path / "out"
    assert main(["pseudonymize", "--key-file", str(key), "--out", str(out), str(src)]) == 1
    assert "密钥文件太短：5字节，至少需要16字节" in capsys.readouterr().err
    key.write_bytes(KEY)
    assert main(["pseudonymize", "--key-file", str(key), "--out", str(out), "--map-out",
                 str(out / "map.csv"), str(src)]) == 1
    assert "对照表不能放在输出目录里" in capsys.readouterr().err

    assert main(["pseudonymize", "--key-file", str(key), "--out", str(out), "--map-out",
                 str(tmp_path / "map.csv"), str(src)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["临时救助.csv", "服刑.xls"]
    assert (out / "服刑.xls").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # .xls stays .xls (BIFF8)
    p = Pseudonymiser(KEY)
    with open(out / "临时救助.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["姓名", "身份证号", "联系电话", "乡镇", "家庭住址", "救助日期", "救助金额（元）", "救助事由"],
        [p.name("陈秀英"), p.id_number(ID_F), p.phone("13812345678"), "均溪镇", "均溪镇", "2025-03-01", "800", "火灾"],
        [p.name("林建华"), REMOVED, "", "石牌镇", "", "2025-03-02", "1,000", ""],
    ]
    assert main(["pseudonymize", "--key-file", str(key), "--out", str(tmp_path / "out2"), "--source", "临时救助",
                 str(src / "临时救助.csv")]) == 0
    assert (tmp_path / "out2" / "临时救助.csv").read_bytes() == (out / "临时救助.csv").read_bytes()
    assert main(["pseudonymize", "--key-file", str(key), "--out", str(tmp_path / "out3"), "--source", "火星",
                 str(src)]) == 1
    capsys.readouterr()
    xls_rows = [cells for _, cells in read_sheets(out / "服刑.xls")[0].rows]
    assert xls_rows == [["姓名", "身份证号", "刑期止日"], [p.name("郑志明"), p.id_number(ID_M), "2026-01-01"]]
    with open(tmp_path / "map.csv", encoding="utf-8", newline="") as fh:
        mapping = list(csv.reader(fh))
    assert mapping[0] == ["pseudonym", "original"]
    assert sorted(mapping[1:]) == sorted([
        [p.name("陈秀英"), "陈秀英"], [p.id_number(ID_F), ID_F], [p.phone("13812345678"), "13812345678"],
        [p.name("林建华"), "林建华"], [p.name("郑志明"), "郑志明"], [p.id_number(ID_M), ID_M]])
