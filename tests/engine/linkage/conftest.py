"""Hand-built warehouses shaped like the intake's `subjects` view (docs/architecture.md)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from jiuzhu.engine.identity import idcard

SUBJECT_COLUMNS = (
    "record_id VARCHAR, batch_id VARCHAR, source_type VARCHAR, file_name VARCHAR, sheet VARCHAR, "
    '"row" INTEGER, id_status VARCHAR, id_raw VARCHAR, name VARCHAR, id_number VARCHAR, sex VARCHAR, '
    "birth_date DATE, phone VARCHAR, township VARCHAR, village VARCHAR, address VARCHAR, name_masked BOOLEAN"
)


def make_id(birth: str, seq: int) -> str:
    return idcard.make_id("350425", date.fromisoformat(birth), seq)


class Registry:
    """Adds records one by one; `build()` writes subjects (+ rec_victim / rec_enforcement)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows: list[dict] = []
        self.case: dict[str, dict] = {}

    def add(self, rid: str, name: str, *, source: str = "dibao", id_number: str | None = None,
            id_status: str | None = None, sex: str | None = None, birth: str | None = None,
            phone: str | None = None, township: str | None = None, village: str | None = None,
            masked: bool = False, judgment_no: str | None = None, basis_no: str | None = None) -> str:
        if id_number and id_status is None:
            id_status = "valid"
        status = id_status or "empty"
        if status == "valid":
            sex = sex or idcard.sex(id_number)
            birth = birth or idcard.birth_date(id_number).isoformat()
        self.rows.append({
            "record_id": rid, "batch_id": "b0", "source_type": source, "file_name": f"{source}.xlsx",
            "sheet": "Sheet1", "row": len(self.rows) + 2, "id_status": status,
            "id_raw": id_number or "", "name": name, "id_number": id_number if status == "valid" else None,
            "sex": sex, "birth_date": birth, "phone": phone, "township": township, "village": village,
            "address": None, "name_masked": masked,
        })
        if judgment_no or basis_no:
            self.case[rid] = {"judgment_no": judgment_no, "basis_no": basis_no}
        return rid

    def build(self) -> duckdb.DuckDBPyConnection:
        con = self.con
        con.execute(f"CREATE OR REPLACE TABLE subjects ({SUBJECT_COLUMNS})")
        cols = [c.split()[0].strip('"') for c in SUBJECT_COLUMNS.split(", ")]
        for r in self.rows:
            con.execute(f"INSERT INTO subjects VALUES ({', '.join('?' * len(cols))})", [r[c] for c in cols])
        con.execute("CREATE OR REPLACE TABLE rec_victim (record_id VARCHAR, judgment_no VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE rec_enforcement (record_id VARCHAR, basis_no VARCHAR)")
        for rid, c in self.case.items():
            if c["judgment_no"]:
                con.execute("INSERT INTO rec_victim VALUES (?, ?)", [rid, c["judgment_no"]])
            if c["basis_no"]:
                con.execute("INSERT INTO rec_enforcement VALUES (?, ?)", [rid, c["basis_no"]])
        return con


def background(reg: Registry, n: int = 60) -> None:
    """Unrelated people with IDs, so term frequencies and priors look like a population."""
    surnames = "林陈黄张吴王李刘郑杨"
    given = ["建华", "秀英", "志强", "丽萍", "国平", "桂香", "明", "伟", "芳", "金水", "美玉", "春生"]
    for i in range(n):
        name = surnames[i % 10] + given[(i * 7) % 12]
        birth = f"19{50 + i % 45}-{1 + i % 12:02d}-{1 + i % 27:02d}"
        reg.add(f"bg{i:03d}", name, id_number=make_id(birth, 100 + i), township="济阳乡",
                phone=f"139{i:08d}")


@pytest.fixture
def registry(tmp_path) -> Registry:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield Registry(con)
    con.close()
