"""The intake's fast paths give what the general code gives, for any input (property tests)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from operator import mul
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.engine.identity.idcard import check_digit, parse_id
from jiuzhu.engine.intake import rows
from jiuzhu.engine.intake.batch import _row_digest, plan_sheets
from jiuzhu.engine.intake.normalise import RowNormaliser, _IdParser, _valid_column
from jiuzhu.engine.intake.spill import RowSpill
from jiuzhu.engine.sources import get_spec
from jiuzhu.engine.warehouse import records_table
from jiuzhu.engine.warehouse.batches import _arrow_type
from jiuzhu.engine.warehouse.schema import record_columns

from ..identity.strategies import valid_ids

_DIGITS = "0123456789"


def _reference_valid(parser: _IdParser, value: object) -> bool:
    """The quick ID check as it was before the base-13 check digit (regex, then the weighted sum)."""
    if value.__class__ is not str or not re.fullmatch(r"[0-9]{17}[0-9X]", value):  # type: ignore[arg-type]
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(map(mul, value[:17].encode(), weights)) - 48 * sum(weights)  # type: ignore[union-attr]
    return "10X98765432"[total % 11] == value[17] and parser.birth(value) is not None  # type: ignore[index]


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # the check digit's, 2 ** (17 - i) % 11


def _summed(first17: str) -> str:
    """``first17`` and the check digit its weighted sum gives, had every byte its value minus 48 ("0")."""
    return first17 + "10X98765432"[(sum(map(mul, first17.encode(), _WEIGHTS)) - 48 * sum(_WEIGHTS)) % 11]


# 17 digits (often a real ID's) and any last character; or any text around 18 characters long, with
# full-width and other Unicode digits, spaces and lower-case x.
_near_ids = st.one_of(
    valid_ids(),
    st.builds(lambda head, last: head + last, st.text(_DIGITS, min_size=17, max_size=17),
              st.sampled_from([*_DIGITS, "X", "x", " ", "０", "٣"])),
    valid_ids().map(lambda s: s[:17] + ("X" if s[17] != "X" else "0")),
    st.text(alphabet=st.sampled_from([*_DIGITS, "X", "x", " ", "\u3000", "０", "１", "٣", "²", "_", "+", "-"]),
            min_size=16, max_size=19),
    st.text(min_size=0, max_size=20),
)


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(_near_ids)
def test_quick_id_check_takes_what_the_full_parse_takes(value: str) -> None:
    parser = _IdParser()
    quick = parser.valid(value)
    assert quick == _reference_valid(_IdParser(), value)
    if quick:  # what normalise stores without the full parse: the cell itself, valid
        parsed = parse_id(value)
        assert (parsed.status, parsed.number) == ("valid", value)


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(st.text(_DIGITS, min_size=17, max_size=17))
def test_base13_check_digit_is_the_standard_one(first17: str) -> None:
    parser = _IdParser()
    id18 = first17 + check_digit(first17)
    assert parser.valid(id18) == (parser.birth(id18) is not None)
    for other in {*_DIGITS, "X"} - {check_digit(first17)}:
        assert not parser.valid(first17 + other)


def test_quick_id_check_known_values() -> None:
    parser = _IdParser()
    assert parser.valid("11010519491231002X")
    assert not parser.valid("110105194912310021")
    assert not parser.valid("11010519491231002x")  # lower case: the full parse decides
    assert not parser.valid("110105194902300021")  # no 30 February


_cells = st.one_of(st.none(), st.text(max_size=8), st.dates(min_value=date(1900, 1, 1)), st.booleans(),
                   st.integers(min_value=-(1 << 31), max_value=(1 << 31) - 1))


def _reference_table(code: str, records: list[dict], given: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(given[name] if name in given else [r.get(name) for r in records],
                                    type=_arrow_type(sql)) for name, sql in record_columns(get_spec(code))})


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(st.data())
def test_records_table_is_the_column_by_column_table(data: st.DataObject) -> None:
    """One struct conversion gives the table a list per column gives; a value Arrow refuses raises as
    before."""
    code = "household"
    cols = record_columns(get_spec(code))
    values = {"VARCHAR": st.one_of(st.none(), st.text(max_size=8)),
              "DATE": st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1))),
              "INTEGER": st.one_of(st.none(), st.integers(min_value=-(1 << 31), max_value=(1 << 31) - 1)),
              "BIGINT": st.one_of(st.none(), st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1)),
              "BOOLEAN": st.one_of(st.none(), st.booleans())}
    row = st.fixed_dictionaries({}, optional={
        name: (_cells if data.draw(st.booleans()) and name != "row" else values[sql.split()[0]])
        for name, sql in cols if name not in ("batch_id", "row")})
    records = data.draw(st.lists(row, max_size=5))
    given = {"batch_id": ["b1"] * len(records), "row": list(range(len(records)))}
    try:
        expected = _reference_table(code, records, given)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as err:
        try:
            records_table(code, records, given)
        except type(err) as again:
            assert str(again) == str(err)
        else:
            raise AssertionError("records_table took what the column-by-column table refused") from None
        return
    table = records_table(code, records, given)
    assert table.schema.equals(expected.schema)
    assert table.equals(expected)


def _reference_layout(texts: list[str], fit) -> bool:
    """``is_layout_row`` as it was before its shortcuts (every first cell normalised, ``all`` of a
    generator)."""
    filled = rows._filled(texts, 3)
    if not filled:
        return True
    first = unicodedata.normalize("NFKC", filled[0][1]).replace(" ", "").replace("\u3000", "")
    if first.startswith(rows.NOTES):
        return True
    for _, t in filled:
        if t[0] in rows._TOTAL_FIRST and "".join(t.split()).startswith(rows.TOTALS):
            return True
    if len(filled) == 1:
        index, text = filled[0]
        if index == fit.sequence_column:
            return True
        if fit.sequence_column is None and index == 0 and rows._numeric(text):
            return True
    if len(filled) == 3 and all(rows._numeric(t) for _, t in filled):
        filled = rows._filled(texts, len(texts))
        if all(rows._numeric(t) for _, t in filled):
            numbers = [int(float(t)) for _, t in filled]
            if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] in (0, 1):
                return True
    return rows._repeats_header(texts, fit)


def _fit(tmp_path_factory, header: str):
    path = tmp_path_factory.mktemp("fit") / "户籍.csv"
    path.write_text(header + "\n", encoding="utf-8")
    plans, _ = plan_sheets(path, source="household", sheet_name=None)
    return plans[0].fit


@pytest.fixture(scope="module")
def fits(tmp_path_factory) -> list:
    return [_fit(tmp_path_factory, "户号,姓名,性别,证件号码,出生日期,与户主关系,人员状态,所属乡镇,村（社区）"),
            _fit(tmp_path_factory, "序号,户号,姓名,证件号码,与户主关系")]


_layout_cell = st.one_of(
    st.sampled_from(["", " ", "\u3000", "1", "2", "3", "0", "1.0", "12", "²", "合计", "总 计", "注：本表", "㊟：本表",
                     "填表人", " 填表人", "ｘ", "户号", "姓名", "证件号码", "与户主关系", "序号", "张三", "abc",
                     "备注:"]),
    st.text(alphabet=st.sampled_from(["1", "2", ".", " ", "\u3000", "注", ":", "：", "合", "计", "a", "㊟", "Ａ"]),
            max_size=6),
    st.text(max_size=6),
)


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(st.lists(_layout_cell, max_size=10))
def test_layout_rows_as_before(fits: list, texts: list[str]) -> None:
    for fit in fits:
        assert rows.is_layout_row(texts, fit) == _reference_layout(texts, fit)


# Rows whose first three cells are filled (``is_layout_row``'s shortcut): numbers, totals, notes, names,
# header labels, with and without surrounding space.
_three_filled = st.lists(st.sampled_from(["1", "2", "3", "4", "0", "1.0", " 2", "3 ", "²", "合计", "总 计", "小计x",
                                          "注：本表", "填表人", "张三", "abc", "户号", "姓名", "性别", "证件号码", "",
                                          "\u3000"]), min_size=3, max_size=6)


@settings(deadline=None, max_examples=500)  # no timing in tests: a loaded machine is slow, not wrong
@given(_three_filled)
def test_layout_rows_of_three_filled_cells_as_before(fits: list, texts: list[str]) -> None:
    for fit in fits:
        assert rows.is_layout_row(texts, fit) == _reference_layout(texts, fit)


def test_layout_rows_known_values(fits: list) -> None:
    household = fits[0]
    assert rows.is_layout_row(["㊟：本表由户籍科填报", "", ""], household)  # NFKC makes it 注：…
    assert rows.is_layout_row(["1", "2", "3", "4"], household)
    header = ["户号", "姓名", "性别", "证件号码", "出生日期", "与户主关系", "人员状态", "所属乡镇", "村（社区）"]
    assert rows.is_layout_row(header, household)
    assert not rows.is_layout_row(["3504250000000", "张明义", "男"], household)


_household_cell = st.one_of(
    st.sampled_from(["", " ", "男", "女", "1", "未知", "1981/12/25", "1981-02-30", "19811225", "户主", "配偶", "子",
                     "正常", "死亡", "迁出", "张三", "张 三", "李某某", "11010519491231002X", "110105194912310021",
                     "x" * 10_001]),
    st.text(max_size=6),
)


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(st.lists(st.lists(_household_cell, min_size=0, max_size=11), max_size=12))
def test_remembered_cells_as_parsed_afresh(fits: list, rows_: list[list[str]]) -> None:
    """A normaliser that has seen other rows (its memos filled) gives each row what a new one gives."""
    fit = fits[0]
    seasoned = RowNormaliser(fit, blank_formulas=set(), column_offset=0)
    for k, cells in enumerate(rows_ * 2):  # twice: the second time every text cell is remembered
        fresh = RowNormaliser(fit, blank_formulas=set(), column_offset=0).normalise(k + 2, cells)
        assert seasoned.normalise(k + 2, cells) == fresh


@settings(deadline=None, max_examples=30)  # a DuckDB file per example
@given(st.lists(st.lists(st.text(max_size=4), max_size=5), min_size=1, max_size=30))
def test_spilled_digests_are_the_rows_64_bits(tmp_path_factory, rows_: list[list[str]]) -> None:
    """The spill stores each row's digest bytes as the little-endian integer they were read as before."""
    path = tmp_path_factory.mktemp("spill") / "spill.duckdb"
    spill = RowSpill(path)
    for k, texts in enumerate(rows_):
        spill.row(k, _row_digest(texts, None))
    spill.close()
    con = duckdb.connect(str(path), read_only=True)
    stored = con.execute("SELECT key, digest FROM digests ORDER BY key").fetchall()
    con.close()
    expected = [(k, int.from_bytes(hashlib.blake2b("\x1f".join(t).rstrip("\x1f").encode("utf-8", "surrogatepass"),
                                                   digest_size=8).digest(), "little"))
                for k, t in enumerate(rows_)]
    assert stored == expected


@settings(deadline=None)  # no timing in tests: a loaded machine is slow, not wrong
@given(st.one_of(
    st.lists(st.one_of(valid_ids(), _near_ids), max_size=20),
    # 18 ASCII characters each: the check digits computed together
    st.lists(st.one_of(valid_ids(), valid_ids().map(lambda s: s[:17] + ("X" if s[17] != "X" else "0")),
                       st.builds(lambda head, last: head + last, st.text(_DIGITS, min_size=17, max_size=17),
                                 st.sampled_from([*_DIGITS, "X", "x", " ", "\x00"])),
                       st.text(st.characters(max_codepoint=127), min_size=18, max_size=18),
                       # the right check digit, any birth date (most do not hold)
                       st.text(_DIGITS, min_size=17, max_size=17).map(lambda h: h + check_digit(h)),
                       # what the weighted sum would take for digits if ":" and "/" counted as digits
                       st.tuples(valid_ids(), st.sampled_from([0, 1, 2, 3, 4, 5, 14, 15, 16]),
                                 st.sampled_from(":/")).map(
                           lambda t: _summed(t[0][:t[1]] + t[2] + t[0][t[1] + 1:17]))),
             min_size=1, max_size=20)))
def test_id_column_check_is_the_quick_check_of_each_cell(col: list[str]) -> None:
    assert _valid_column(_IdParser(), tuple(col)) == [_IdParser().valid(v) for v in col]


def _edge_days() -> st.SearchStrategy[int]:
    """yyyymmdd numbers at the edges of the birth dates an ID may hold: the first day allowed and the one
    before, 29 February of leap and common years (1900, 2000), month and day 0 or past the end, today and
    tomorrow, and any 8 digits."""
    today = date.today()
    near = [date(1850, 1, 1), date(1849, 12, 31), today, date.fromordinal(today.toordinal() + 1),
            date.fromordinal(today.toordinal() - 1)]
    return st.one_of(
        st.sampled_from([int(d.strftime("%Y%m%d")) for d in near]),
        st.builds(lambda y, m, d: y * 10_000 + m * 100 + d, st.sampled_from([1850, 1900, 1996, 2000, 2023, 2024,
                                                                           today.year, today.year + 1]),
                  st.integers(0, 13), st.integers(0, 32)),
        st.integers(0, 99_999_999))


@settings(deadline=None)
@given(st.lists(st.tuples(_edge_days(), st.text(_DIGITS, min_size=3, max_size=3)), min_size=1, max_size=20))
def test_the_birth_date_table_says_what_birth_says(cells: list[tuple[int, str]]) -> None:
    """The ID column's birth dates looked up in the days from 1850 to today (``_IdParser.born``) hold exactly
    where ``idcard``'s birth date holds: cells with the right check digit and edge dates."""
    col = [_summed(f"350425{day:08d}{seq}") for day, seq in cells]
    assert _valid_column(_IdParser(), tuple(col)) == [_reference_valid(_IdParser(), v) for v in col]
    days = np.array([day for day, _ in cells], dtype=np.int64)
    assert _IdParser().born(days).tolist() == [_IdParser().birth(f"000000{d:08d}0000") is not None
                                              for d, _ in cells]


@settings(deadline=None)
@given(st.text(min_size=1, max_size=15), st.text(st.characters(blacklist_characters="/\x00"), max_size=12),
       st.lists(st.tuples(st.sampled_from(["Sheet1", "户籍", "第 2 页:"]), st.integers(1, 2**31 - 1)), max_size=30),
       st.booleans())
def test_chunk_lineage_is_the_former_per_row_lineage(bid: str, file_name: str, rows: list[tuple[str, int]],
                                                     one_sheet: bool) -> None:
    """The lineage columns built by Arrow (repeated values, ``record_id`` joined) are the lists the former
    code made row by row: ``f"{bid}:{sheet}:{row}"``, the batch, type, file and sheet on every row."""
    from types import SimpleNamespace

    from jiuzhu.engine.intake.batch import _chunk_table

    if one_sheet:
        rows = [("户籍", r) for _, r in rows]
    sheets, numbers = [s for s, _ in rows], [r for _, r in rows]
    w = SimpleNamespace(batch_id=bid, spec=get_spec("household"))
    table = _chunk_table(w, Path(f"/x/{file_name}.csv"), [{}] * len(rows), numbers, sheets)  # type: ignore[arg-type]
    n = len(rows)
    former = records_table("household", [{}] * n, {
        "record_id": [f"{bid}:{s}:{r}" for s, r in rows], "batch_id": [bid] * n, "source_type": ["household"] * n,
        "file_name": [f"{file_name}.csv"] * n, "sheet": sheets, "row": numbers})
    assert table.schema == former.schema
    assert table.equals(former)
