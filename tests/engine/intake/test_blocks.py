"""A CSV's rows normalised a block at a time, a column at a time, give what the row loop gives (property
tests): each row the block takes has the record ``RowNormaliser.normalise`` makes of it and no problem, and
a file parsed through blocks gives the records, spill and progress lines of the row loop."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.engine.identity.enums import ENUMS
from jiuzhu.engine.intake import batch
from jiuzhu.engine.intake.batch import plan_file, plan_sheets
from jiuzhu.engine.intake.normalise import MAX_CELL, RowNormaliser
from jiuzhu.engine.sources import SPECS
from jiuzhu.engine.warehouse.schema import record_columns

from ..identity.strategies import valid_ids

_LINEAGE = {"record_id", "batch_id", "source_type", "file_name", "sheet", "row"}


def _fit(folder: Path, code: str, header: list[str]):
    path = folder / f"{code}.csv"
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    plans, _ = plan_sheets(path, source=code, sheet_name=None)
    return plans[0].fit


@pytest.fixture(scope="module")
def fits(tmp_path_factory) -> list:
    """Every type's header of every field (so every field kind is read), and two household headers."""
    folder = tmp_path_factory.mktemp("fits")
    out = [_fit(folder, code, [f.title for f in spec.fields]) for code, spec in SPECS.items()]
    out.append(_fit(folder, "household", ["户号", "姓名", "性别", "证件号码", "出生日期", "与户主关系", "人员状态",
                                          "所属乡镇", "村（社区）"]))
    out.append(_fit(folder, "household", ["序号", "户号", "姓名", "证件号码", "与户主关系"]))
    return out


# Cells of every kind: canonical ones (what a clean file holds) and odd ones (spaces, full-width digits,
# masks, bad dates, lower-case x, amounts with units, over-long cells), and any text.
_cell = st.one_of(
    valid_ids(),
    valid_ids().map(lambda s: s[:17] + "x" if s[17] == "X" else s[:17] + "X"),
    valid_ids().map(lambda s: " " + s),
    st.sampled_from(["", " ", "\u3000", "男", "女", "1", "2", "未知", "1981/12/25", "1981-12-25", "1981-02-30",
                     "19811225", "1981年12月", "198112", "户主", "配偶", "子", "正常", "死亡", "迁出", "张三",
                     "张 三", "李某某", "王*", "M卢某某", "Ming", "M1A2B3C-3", "M-2", "11010519491231002X",
                     "110105491231002",
                     "是", "否", "Y", "12.5", "1,234.50", "100元", "-3", "0", "3人", "１２", "13800138000",
                     "138-0013-8000", "0598-1234567", "(2020)闽0425执123号", "（2021）闽0425执恢45号",
                     "x" * (MAX_CELL + 1), "二级", "肢体", "一类", "低保", "城市", "农村"]),
    st.text(max_size=8),
)
# A clean cell of each field kind, so that most rows drawn from them are taken whole.
_CLEAN = {"text": ["奇韬镇", "安凤村", " 文江镇 ", "3504250000000"], "name": ["张明义", "郭琳", "欧阳 娜娜"],
          "date": ["1981/12/19", "1982-05-17", "2016-5-10"], "amount": ["12.50", "300", "1,234"],
          "sex": ["男", "女"], "bool": ["是", "否"], "phone": ["13800138000", "0598-1234567"],
          "case_no": ["(2020)闽0425执123号"], "int": ["3", "12"]}


def _clean_cell(field) -> st.SearchStrategy[str]:
    if field.kind == "id":
        return valid_ids()
    if field.kind == "enum":
        return st.sampled_from([label for labels in ENUMS[field.enum].values() for label in labels])
    return st.sampled_from(_CLEAN[field.kind])


def _clean_row(fit) -> st.SearchStrategy[list[str]]:
    by_index = {fit.columns[i].index: fit.spec.field(name) for name, i in fit.fields.items()}
    clean = st.tuples(*(_clean_cell(by_index[c.index]) if c.index in by_index else st.just("1")
                        for c in fit.columns)).map(list)
    # and a clean row with one odd cell, which alone decides whether the row is taken
    odd = st.tuples(clean, st.integers(0, len(fit.columns) - 1), st.one_of(st.sampled_from(["", " "]), _cell)).map(
        lambda t: [t[2] if i == t[1] else c for i, c in enumerate(t[0])])
    return st.one_of(clean, odd)


@settings(deadline=None, max_examples=300)  # no timing in tests: a loaded machine is slow, not wrong
@given(data=st.data())
def test_block_takes_only_what_the_row_loop_takes_as_it_is(fits: list, data: st.DataObject) -> None:
    fit = data.draw(st.sampled_from(fits))
    width = len(fit.columns)
    block = data.draw(st.lists(st.one_of(_clean_row(fit), st.lists(_cell, min_size=width, max_size=width),
                                         st.lists(_cell, max_size=width + 2)), min_size=1, max_size=12))
    names = [name for name, _ in record_columns(fit.spec) if name not in _LINEAGE]
    seasoned = RowNormaliser(fit, blank_formulas=set(), column_offset=0)
    for _ in range(2):  # the second time every memo holds the block's cells
        columns, left = seasoned.normalise_block(block, names)
        assert set(columns) == set(names) and all(len(v) == len(block) for v in columns.values())
        for i, cells in enumerate(block):
            record, problems = RowNormaliser(fit, blank_formulas=set(), column_offset=0).normalise(i + 2, cells)
            if i in left:  # goes through normalise itself
                continue
            assert problems == []
            assert record is not None
            assert {name: record.get(name) for name in names} == {name: columns[name][i] for name in names}
            assert [type(record.get(name)) for name in names] == [type(columns[name][i]) for name in names]


def test_block_takes_clean_household_rows(fits: list) -> None:
    fit = fits[-2]
    rows = [["3504250000000", "张明义", "男", "350425198112192330", "1981/12/19", "户主", "正常", "奇韬镇", "安凤村"],
            ["3504250000000", "郭琳", "", "350425198205173163", "1982/5/17", "配偶", "正常", "奇韬镇", ""],
            ["3504250000001", "林志明", "男", "35042519980127095X", "", "配偶", "正常", "文江镇", "桥平村"],
            ["3504250000001", "林某", "男", "35042519980127095x", "", "配偶", "正常", "文江镇", "桥平村"],
            ["3504250000001", "", "男", "35042519980127095X", "", "配偶", "正常", "文江镇", "桥平村"],
            ["3504250000001", "林志明", "男", "35042519980127095X", "", "配偶", "正常", "文江镇", "桥平村", ""]]
    names = [name for name, _ in record_columns(fit.spec) if name not in _LINEAGE]
    columns, left = RowNormaliser(fit, blank_formulas=set(), column_offset=0).normalise_block(rows, names)
    assert left == {3, 4, 5}  # lower-case x, no name, a row wider than the header
    assert columns["sex"][:3] == ["男", "女", "男"]  # the second derived from the ID
    assert columns["birth_date"][:3] == [date(1981, 12, 19), date(1982, 5, 17), date(1998, 1, 27)]
    assert columns["id_status"][:3] == ["valid"] * 3
    assert columns["village"][:3] == ["安凤村", None, "桥平村"]
    assert columns["name_masked"][:3] == [False] * 3
    assert columns["extra"] == [None] * 6


class _RowLoop(RowNormaliser):
    """A normaliser that never takes blocks: the row loop for every row."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columnar = False


def _parse(path: Path, columnar: bool, monkeypatch) -> tuple[list, dict, list, list]:
    """The records, counts, progress lines and spilled digests and problems of a CSV, through blocks or
    (``columnar`` False) the row loop."""
    if not columnar:
        monkeypatch.setattr(batch, "RowNormaliser", _RowLoop)
    planned = plan_file(path, source="household", unit=None, as_of=date(2026, 12, 1), sheet=None)
    if isinstance(planned, list):  # the file fails before its rows are read (its header not found)
        return [], {}, [r.message_zh for r in planned], []
    (w,) = planned[0].values()
    tables, lines = [], []
    with tempfile.TemporaryDirectory() as folder:
        batch.parse_rows(w, path, tables.append, lines.append, Path(folder))
        spilled = []
        for spill in w.spills:
            con = duckdb.connect(str(spill))
            spilled.append(con.execute("SELECT * FROM digests ORDER BY key").fetchall())
            spilled.append(con.execute("SELECT * FROM problems ORDER BY seq").fetchall())
            con.close()
    r = w.result
    counts = {"taken": r.rows_taken, "rejected": r.rows_rejected, "flagged": r.rows_flagged,
              "dropped": r.values_dropped}
    return [pa.concat_tables(tables).to_pylist() if tables else []], counts, lines, spilled


@settings(deadline=None, max_examples=40)  # DuckDB spill files per example
@given(data=st.data(), chunk=st.integers(1, 9), block=st.integers(1, 7))
def test_file_through_blocks_as_through_the_row_loop(fits: list, data: st.DataObject, chunk: int,
                                                     block: int) -> None:
    rows_ = data.draw(st.lists(st.one_of(_clean_row(fits[-2]), st.lists(_cell, min_size=8, max_size=10)),
                               max_size=40))
    header = "户号,姓名,性别,证件号码,出生日期,与户主关系,人员状态,所属乡镇,村（社区）"
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        path = Path(folder) / "户籍.csv"
        text = "\n".join([header, *(",".join(c.replace(",", "，").replace("\"", "“").replace("\n", " ")
                                              .replace("\r", " ") for c in cells) for cells in rows_)])
        path.write_text(text + "\n", encoding="utf-8")
        mp.setattr(batch, "CHUNK", chunk)
        mp.setattr(batch, "BLOCK", block)
        assert _parse(path, True, mp) == _parse(path, False, mp)


@pytest.mark.parametrize("names", [["张三", "李某某"], ["M-2", "张三"], ["张三", "王*"], ["张三", "欧阳娜娜"]])
def test_block_masks_names_as_the_row_loop(fits: list, names: list[str]) -> None:
    fit = fits[-1]  # 序号,户号,姓名,证件号码,与户主关系
    block = [["1", "3504250000000", name, "350425198112192330", "户主"] for name in names]
    columns, left = RowNormaliser(fit, blank_formulas=set(), column_offset=0).normalise_block(
        block, [name for name, _ in record_columns(fit.spec) if name not in _LINEAGE])
    rows = [RowNormaliser(fit, blank_formulas=set(), column_offset=0).normalise(2, cells)[0] for cells in block]
    assert left == set()
    assert columns["name_masked"] == [r["name_masked"] for r in rows]
