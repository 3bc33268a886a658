"""Hand-built warehouses shaped like the intake's `subjects` view (docs/architecture.md)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from jiuzhu.engine.identity import idcard
from jiuzhu.engine.linkage import model

SUBJECT_COLUMNS = (
    "record_id VARCHAR, batch_id VARCHAR, source_type VARCHAR, file_name VARCHAR, sheet VARCHAR, "
    '"row" INTEGER, id_status VARCHAR, id_raw VARCHAR, name VARCHAR, id_number VARCHAR, sex VARCHAR, '
    "birth_date DATE, phone VARCHAR, township VARCHAR, village VARCHAR, address VARCHAR, name_masked BOOLEAN"
)


def make_id(birth: str, seq: int) -> str:
    return idcard.make_id("350425", date.fromisoformat(birth), seq)


# The type-specific columns linkage reads: case numbers and the dates registry eligibility uses.
TYPE_COLUMNS: dict[str, list[str]] = {source: list(rule.dates) for source, rule in model.ELIGIBILITY.items()}
TYPE_COLUMNS["victim"] = ["judgment_no"]
TYPE_COLUMNS["enforcement"] = ["basis_no"]
# Cells of the row that may carry the subject's ID number (features.alt_number); 防止返贫监测 has no
# 与户主关系.
TYPE_COLUMNS["disability"] = ["disability_cert_no"]
TYPE_COLUMNS["dibao"] = ["head_name", "head_id_number", "relation"]
TYPE_COLUMNS["poverty_watch"] = ["head_name", "head_id_number"]
TYPE_COLUMNS["household"] = ["household_no"]  # 户号: the head's 户 (hh_id)
DATE_COLUMNS = {c for rule in model.ELIGIBILITY.values() for c in rule.dates}


class Registry:
    """Adds records one by one; `build()` writes subjects, batches (one, as of ``as_of``) and the
    type columns linkage reads (``rec_<type>``: case numbers, the record's own dates)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, as_of: str = "2025-10-31") -> None:
        self.con = con
        self.as_of = as_of
        self.rows: list[dict] = []
        self.case: dict[str, dict] = {}
        self.dates: dict[str, dict[str, str]] = {}

    def add(
        self,
        rid: str,
        name: str,
        *,
        source: str = "dibao",
        id_number: str | None = None,
        id_status: str | None = None,
        sex: str | None = None,
        birth: str | None = None,
        phone: str | None = None,
        township: str | None = None,
        village: str | None = None,
        address: str | None = None,
        masked: bool = False,
        judgment_no: str | None = None,
        basis_no: str | None = None,
        when: str | None = None,
        **dates: str,
    ) -> str:
        """``when``: the record's own date (its type's eligibility date column: 失业登记日期, 纳入日期 …);
        ``dates``: such columns by name, or any other column of ``TYPE_COLUMNS`` (残疾证号,
        户主身份证号 …)."""
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
        if when:
            dates = {model.ELIGIBILITY[source].dates[0]: when, **dates}
        if dates:
            self.dates[rid] = dates
        return rid

    def build(self) -> duckdb.DuckDBPyConnection:
        con = self.con
        con.execute(f"CREATE OR REPLACE TABLE subjects ({SUBJECT_COLUMNS})")
        cols = [c.split()[0].strip('"') for c in SUBJECT_COLUMNS.split(", ")]
        for r in self.rows:
            con.execute(f"INSERT INTO subjects VALUES ({', '.join('?' * len(cols))})", [r[c] for c in cols])
        con.execute("CREATE OR REPLACE TABLE batches (batch_id VARCHAR, as_of DATE)")
        con.execute("INSERT INTO batches VALUES ('b0', ?)", [self.as_of])
        for source, columns in TYPE_COLUMNS.items():
            types = ", ".join(f"{c} {'DATE' if c in DATE_COLUMNS else 'VARCHAR'}" for c in columns)
            # record_id and id_status as every intake table has them, then the type's own columns
            con.execute(
                f"CREATE OR REPLACE TABLE rec_{source} (record_id VARCHAR, id_status VARCHAR, {types})"
            )
            for r in self.rows:
                if r["source_type"] == source:
                    values = {**self.case.get(r["record_id"], {}), **self.dates.get(r["record_id"], {})}
                    con.execute(f"INSERT INTO rec_{source} VALUES ({', '.join('?' * (len(columns) + 2))})",
                                [r["record_id"], r["id_status"], *(values.get(c) for c in columns)])
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
    # Registry eligibility (a surname the people above never have): a 失业登记 row with name and
    # township only, whose namesake there is of working age, the other 80 — and one whose only
    # namesake is 80 (someone else).
    for k, given_name in enumerate(("雪凝", "振邦", "丽娟", "德胜")):
        name, town = "欧阳" + given_name, towns[k % len(towns)]
        young, old = make_id(f"198{k}-03-1{k}", 500 + k), make_id(f"194{k}-07-2{k}", 510 + k)
        reg.add(f"Y{k}", name, id_number=young, township=town, source="household")
        reg.add(f"O{k}", name, id_number=old, township=town, source="household")
        reg.add(f"U{k}", name, source="unemployment", township=town, when=f"2025-0{k + 1}-15")
        truth.update({f"Y{k}": young, f"O{k}": old, f"U{k}": young})
    old = make_id("1944-12-12", 520)
    reg.add("O9", "欧阳振华", id_number=old, township="均溪镇", source="household")
    reg.add("U9", "欧阳振华", source="unemployment", township="均溪镇", when="2025-02-02")
    truth.update({"O9": old, "U9": "U9"})
    # Another cell of the row naming the ID (alt_id): two namesakes in one township, a 残疾证 row
    # without ID whose certificate names the second, one whose certificate has a wrong check digit
    # (alone: a tie), and the head's own 低保 row without ID naming 户主身份证号.
    first, second = make_id("1962-03-07", 530), make_id("1976-09-23", 531)
    for rid, number in (("S1", first), ("S2", second)):
        reg.add(rid, "司马秀英", id_number=number, township="石牌镇", source="household")
    reg.add("S3", "司马秀英", source="disability", township="石牌镇", disability_cert_no=second + "43")
    wrong = second[:17] + ("0" if second[17] != "0" else "1")
    reg.add("S4", "司马秀英", source="disability", township="石牌镇", disability_cert_no=wrong + "43")
    head = make_id("1958-01-20", 532)
    reg.add("S5", "司马德福", id_number=head, township="石牌镇", source="household", household_no="H9")
    reg.add("S6", "司马德福", source="dibao", township="石牌镇", head_name="司马德福", head_id_number=head,
            relation="户主")
    truth.update({"S1": first, "S2": second, "S3": second, "S4": "S4", "S5": head, "S6": head})
    # … and a member without ID who is not the head: the one 司马小明 in the head's 户 (hh_id), not
    # the namesake of another 户
    son, other = make_id("1985-04-04", 533), make_id("1986-02-02", 534)
    reg.add("S7", "司马小明", id_number=son, township="石牌镇", source="household", household_no="H9")
    reg.add("S8", "司马小明", id_number=other, township="石牌镇", source="household", household_no="H8")
    reg.add(
        "S9",
        "司马小明",
        source="dibao",
        township="石牌镇",
        head_name="司马德福",
        head_id_number=head,
        relation="子",
    )
    truth.update({"S7": son, "S8": other, "S9": son})
    # Issue 16, a surname the people above never have (诸葛): court rows with a mistyped name and only
    # the address text — the house another registry (or another member of the 户) gives, the one near
    # name of the village; and the namesakes they must not join.
    addr = "福建省三明市大田县上京镇桥石村{}"
    a, b, c = make_id("1971-02-03", 540), make_id("1972-05-06", 541), make_id("1950-01-01", 542)
    reg.add(
        "G1",
        "诸葛华兰",
        id_number=a,
        township="上京镇",
        village="桥石村",
        source="household",
        household_no="H7",
    )
    reg.add(
        "G2",
        "诸葛华兰",
        id_number=b,
        township="上京镇",
        village="桥石村",
        source="household",
        household_no="H6",
    )
    reg.add(
        "G3",
        "诸葛德福",
        id_number=c,
        township="上京镇",
        village="桥石村",
        source="household",
        household_no="H7",
    )
    reg.add("G4", "诸葛德福", id_number=c, source="veteran", address=addr.format("3组12号"))
    reg.add("G5", "诸葛桦兰", source="victim", address=addr.format("3组12号"))  # G1's 户 lives there
    d, e = make_id("1980-07-07", 543), make_id("1981-08-08", 544)
    reg.add("G7", "诸葛玉琴", id_number=d, township="上京镇", village="岭安村", source="household")
    reg.add("G8", "诸葛玉珍", id_number=e, township="上京镇", village="岭安村", source="household")
    reg.add("G9", "诸葛玉芹", source="victim", address="大田县上京镇岭安村2组5号")  # 同音 of 玉琴 alone
    truth.update({"G1": a, "G2": b, "G3": c, "G4": c, "G5": a, "G7": d, "G8": e, "G9": d})
    # … and a character misread for one alike in shape (形近: 王 read for 玉): the one 上官玉兰 of 南岭村,
    # where 上官金兰 is one character away too
    f, g = make_id("1966-03-03", 545), make_id("1968-04-04", 546)
    reg.add("G10", "上官玉兰", id_number=f, township="上京镇", village="南岭村", source="household")
    reg.add("G11", "上官金兰", id_number=g, township="上京镇", village="南岭村", source="household")
    reg.add("G12", "上官王兰", source="victim", address="大田县上京镇南岭村4组9号")
    truth.update({"G10": f, "G11": g, "G12": f})
    # … and a sound a southern ear confuses (琳 lín typed for 玲 líng): the one 司徒玲桂 of 北坑村, where
    # 司徒梅桂 is one character away too
    h, i = make_id("1969-05-05", 547), make_id("1970-06-06", 548)
    reg.add("G13", "司徒玲桂", id_number=h, township="上京镇", village="北坑村", source="household")
    reg.add("G14", "司徒梅桂", id_number=i, township="上京镇", village="北坑村", source="household")
    reg.add("G15", "司徒琳桂", source="victim", address="大田县上京镇北坑村6组3号")
    truth.update({"G13": h, "G14": i, "G15": h})
    return truth
