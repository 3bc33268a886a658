"""A snapshot that reaches the records without ID derives the features again, reading only the addresses the
last linkage did not: the address index's answers it kept (``features.AddressReader``, table
``linkage_addresses``) hold while the places, region and code are the same (docs/scale.md "Incremental runs")."""

from __future__ import annotations

from datetime import date

from jiuzhu.engine import api
from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.identity.addresses import AddressIndex
from jiuzhu.engine.identity.idcard import make_id
from jiuzhu.engine.linkage import delta, link_connection, run
from jiuzhu.engine.linkage.features import ADDRESS_FIELDS, address_index
from jiuzhu.engine.linkage.store import ADDRESSES
from jiuzhu.engine.warehouse import connect
from tests.engine.linkage.test_reuse import _full_kept, _kept_tables, _linkage_only, _snapshot, _write

HEADER = ["户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "乡镇", "村(社区)", "住址"]
SURNAMES = "林陈黄张吴王李刘郑杨"
GIVEN = ["建华", "秀英", "志强", "丽萍", "国平", "桂香", "明", "伟", "芳", "金水", "美玉", "春生"]
WANG = make_id("350425", date(1961, 3, 8), 5)


def _rows() -> list[list[str]]:
    """低保 rows with addresses: most with their places, some with the address alone (places reads them), a
    woman without ID whose address names the house of 王桂香 (with ID) — in a village no row lists yet, so
    that neither address names a house until one does."""
    rows = [HEADER]
    for i in range(30):
        name = SURNAMES[i % 10] + GIVEN[(i * 7) % 12] + ("" if i < 12 else GIVEN[i % 12][:1])
        number = make_id("350425", date(1950 + i % 45, 1 + i % 12, 1 + i % 27), 100 + i)
        town, village = ("济阳乡", "济阳村") if i % 3 else ("均溪镇", "城关村")
        given = ("", "") if i % 4 == 0 else (town, village)
        rows.append([name, number, name, number, *given, f"福建省三明市大田县{town}{village}{i + 1}组{i + 2}号"])
    rows.append(["王桂香", WANG, "王桂香", WANG, "", "", "大田县济阳乡上坪村3组8号"])
    rows.append(["王桂香", WANG, "王贵香", "", "济阳乡", "", "济阳乡上坪村3组8号"])
    return rows


def _answers_hold() -> None:
    """Every stored answer is what the address index of the warehouse's lineage now reads."""
    with connect(read_only=True) as con:
        stored = con.sql(f"SELECT {', '.join(ADDRESS_FIELDS)} FROM {ADDRESSES}").fetchall()
        with run._workspace(con) as work:  # the lineage as the linkage streams it
            index = address_index(work)
    assert stored
    for address, *answers in stored:
        place, house = index.read(address)
        assert answers == [*(place or (None, None)), *(house or (None, None, None, None))], address


def test_snapshots_reaching_the_residue_read_only_new_addresses_and_equal_a_full_linkage(tmp_path, monkeypatch):
    """A sequence of 低保 snapshots — a row listing the village 上坪村 added (the places change: every address
    read again, and 王贵香 without ID now shares 王桂香's house), a row without ID added, one corrected, a row
    with ID gone, one with a new address — each derives the features again and equals a full linkage row for
    row; with the places the same, only the addresses new since are read by the index. With the stored answers
    taken though the places changed (the village unknown to them), persons and features differ."""
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    home = tmp_path
    rows = _rows()
    (home / "m0").mkdir()
    _write(home / "m0" / "低保.csv", rows)
    api.ingest([home / "m0" / "低保.csv"], as_of=date(2025, 9, 30))
    api.link(incremental=True)
    _answers_hold()

    read: list[str] = []
    original = AddressIndex.read

    def counted(self, address):
        read.append(address)
        return original(self, address)

    monkeypatch.setattr(AddressIndex, "read", counted)
    li = make_id("350425", date(1970, 6, 6), 7)
    steps = (
        # 上坪村 listed: the places change, every address is read again (the stored answers knew no 上坪村)
        ("p1", lambda r: r.append(["李明", li, "李明", li, "济阳乡", "上坪村", "济阳乡上坪村3组9号"]), None),
        # a row without ID added with an address of its own: the one address read
        ("p2", lambda r: r.append(["李明", li, "李国平", "", "济阳乡", "上坪村", "济阳乡上坪村3组9号之一"]),
         ["济阳乡上坪村3组9号", "济阳乡上坪村3组9号之一"]),
        # the row without ID corrected, a row with ID gone: nothing new to read
        ("p3", lambda r: (r[-1].__setitem__(2, "李国萍"), r.__delitem__(5)), []),
        # an address corrected (the same places): that one address
        ("p4", lambda r: r[-3].__setitem__(6, "济阳乡上坪村3组18号"), ["济阳乡上坪村3组18号"]),
    )
    wrong = None
    for k, (month, edit, new) in enumerate(steps):
        edit(rows)
        _snapshot(home, month, rows, date(2025, 10, 1 + 7 * k))
        if month == "p1":
            wrong = warehouse_path().with_name("wrong.duckdb")
            api.copy_warehouse(warehouse_path(), wrong)
        read.clear()
        done = api.link(incremental=True)
        assert done.rederived and not done.delta, done
        assert sorted(set(read)) == sorted(new if new is not None else _stored_addresses()), month
        assert [t for t, r in _kept_tables().items() if r != _full_kept()[t]] == [], month
        _answers_hold()
        if month == "p1":  # 王贵香 (without ID): her village read from her address, and the house it names
            assert _her_row() == [("上坪村", "济阳乡|上坪村|8")]

    # the answers taken though the places changed: 上坪村 unknown to them, her address names no village
    monkeypatch.setattr(run, "known_addresses", lambda con, work, code: delta._current_addresses(con, work))
    with connect(wrong) as con:
        assert link_connection(con, keep=True, delta=True).rederived
    assert _her_row(wrong) == [(None, None)]
    right = wrong.with_name("right.duckdb")
    api.copy_warehouse(wrong, right)
    with connect(right) as con:
        link_connection(con, keep=True)
    assert [t for t, r in _linkage_only(wrong).items() if r != _linkage_only(right)[t]] != []


def _stored_addresses() -> list[str]:
    with connect(read_only=True) as con:
        return [a for (a,) in con.sql(f"SELECT address FROM {ADDRESSES} ORDER BY 1").fetchall()]


def _her_row(path=None) -> list[tuple]:
    with connect(path, read_only=True) as con:
        return con.sql("SELECT village, house FROM linkage_features WHERE name_norm = '王贵香'").fetchall()
