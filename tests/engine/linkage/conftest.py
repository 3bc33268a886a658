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
            address: str | None = None, masked: bool = False, judgment_no: str | None = None, basis_no: str | None = None) -> str:
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
            "address": address, "name_masked": masked,
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


def mixed_county(reg: Registry, people: int = 300, seed: int = 7) -> dict[str, str]:
    """A little county: people with IDs in several registries, and ID-less records of some of them
    (typos, homophones, masked names with case numbers) plus look-alikes. Returns record → person."""
    import random

    rnd = random.Random(seed)
    surnames = "林陈黄张吴王李刘郑杨卢苏"
    given = "建华秀英志强丽萍国平桂香明伟芳金水美玉春生德福丽琼"
    homophones = {"英": "瑛", "华": "桦", "平": "萍", "明": "铭", "伟": "玮", "芳": "方"}
    towns = ["均溪镇", "石牌镇", "上京镇", "济阳乡"]
    truth: dict[str, str] = {}
    for p in range(people):
        name = rnd.choice(surnames) + "".join(rnd.choice(given) for _ in range(rnd.choice((1, 2, 2))))
        birth = f"{rnd.randint(1940, 2010)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        number = make_id(birth, rnd.randint(0, 999))
        town = rnd.choice(towns)
        phone = f"139{rnd.randint(0, 99999999):08d}" if rnd.random() < 0.6 else None
        for k in range(rnd.choice((1, 1, 2, 3))):
            rid = f"P{p:04d}-{k}"
            reg.add(rid, name, id_number=number, township=town, phone=phone if k == 0 else None,
                    source=("household", "dibao", "tekun")[k])
            truth[rid] = number
        roll = rnd.random()
        if roll < 0.35:  # an ID-less record of the same person
            variant = name
            if rnd.random() < 0.3 and name[-1] in homophones:
                variant = name[:-1] + homophones[name[-1]]
            rid = f"R{p:04d}"
            judgment = f"(2024)闽0425刑初{p}号"
            reg.add(rid, variant, source="victim", birth=birth, sex=None, township=town,
                    phone=phone if rnd.random() < 0.5 else None, judgment_no=judgment)
            truth[rid] = number
            if rnd.random() < 0.4:  # the enforcement of that judgment, applicant masked
                reg.add(f"E{p:04d}", name[0] + "某某", source="enforcement", masked=True, basis_no=judgment)
                truth[f"E{p:04d}"] = number
        elif roll < 0.45:  # a namesake without ID in the same township, a generation apart
            rid = f"L{p:04d}"
            year = int(birth[:4])
            other = year + 25 if year < 1975 else year - 25
            reg.add(rid, name, source="temp_relief", birth=f"{other}-06-15", township=town)
            truth[rid] = rid
    return truth
