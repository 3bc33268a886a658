"""Hand-built warehouses for screening tests: tables shaped per docs/architecture.md, in memory."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from jiuzhu.engine.screening.findings import ScreenResult
from jiuzhu.engine.screening.screen import screen_connection
from jiuzhu.engine.screening.subjects import COMMON_COLUMNS, SOURCE_COLUMNS

_TYPES = {"text": "VARCHAR", "int": "BIGINT", "bool": "BOOLEAN", "date": "DATE"}
AS_OF = date(2025, 10, 31)


class Warehouse:
    """``person()`` makes a linked person; ``add()`` stores one record of a source type for them."""

    def __init__(self, with_all_tables: bool = True) -> None:
        self.con = duckdb.connect()
        self.rows: dict[str, int] = {}
        self.con.execute(
            "CREATE TABLE person_index (record_id VARCHAR, source_type VARCHAR, person_key VARCHAR,"
            " method VARCHAR)"
        )
        self.con.execute(
            "CREATE TABLE persons (person_key VARCHAR, name VARCHAR, id_number VARCHAR, sex VARCHAR,"
            " birth_date DATE, records INTEGER)"
        )
        self.people: dict[str, dict[str, Any]] = {}
        if with_all_tables:
            for st in SOURCE_COLUMNS:
                self._table(st)

    def _table(self, st: str) -> None:
        cols = {**COMMON_COLUMNS, "id_raw": "text", "phone": "text", "address": "text", "name_masked": "bool",
                **SOURCE_COLUMNS[st], "extra": "text"}
        if st in ("dibao", "dibao_edge", "poverty_watch"):
            cols.update(head_name="text", head_id_number="text")
        self.con.execute(f"CREATE TABLE IF NOT EXISTS cur_{st} ("
                         + ", ".join(f'"{c}" {_TYPES[k]}' for c, k in cols.items()) + ")")

    def person(
        self, key: str, name: str, birth: date | None, sex: str = "男", id_number: str | None = None
    ) -> str:
        self.people[key] = {"name": name, "birth_date": birth, "sex": sex, "id_number": id_number}
        self.con.execute("INSERT INTO persons VALUES (?, ?, ?, ?, ?, 1)", [key, name, id_number, sex, birth])
        return key

    def add(self, st: str, person: str | None, **fields: Any) -> str:
        self._table(st)
        n = self.rows.get(st, 0) + 1
        self.rows[st] = n
        record_id = f"b{st}:Sheet1:{n + 2}"
        who = self.people.get(person, {}) if person else {}
        values = {"record_id": record_id, "batch_id": f"b{st}", "source_type": st, "file_name": f"{st}.xlsx",
                  "sheet": "Sheet1", "row": n + 2, "id_status": "valid" if who.get("id_number") else "empty",
                  "name": who.get("name"), "id_number": who.get("id_number"), "sex": who.get("sex"),
                  "birth_date": who.get("birth_date"), **fields}
        cols = ", ".join(f'"{c}"' for c in values)
        self.con.execute(f"INSERT INTO cur_{st} ({cols}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        if person:
            self.con.execute("INSERT INTO person_index VALUES (?, ?, ?, 'id')", [record_id, st, person])
        return record_id

    def screen(self, as_of: date = AS_OF, **kw: Any) -> ScreenResult:
        return screen_connection(self.con, as_of, **kw)


def pairs(result: ScreenResult) -> set[tuple[str, str]]:
    return {(c.rule, c.person_key) for c in result.clues}
