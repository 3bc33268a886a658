"""A batch's row digests and problems on disk while its file is read: memory does not grow with its rows.

Whoever reads rows (the importing process, or a worker reading one part of a large CSV) writes, for each
data row, its key (sheet position << 32 | row number) and its 64-bit digest, and each problem found, to a
DuckDB file of its own (``RowSpill``). Once the whole file is read, ``Settled`` works out the batch's
duplicates from every part at once — one ``GROUP BY digest``: the first occurrence of a digest stays, each
later row with it is a duplicate of that first one, exactly what a check row by row would say — and gives
the corrections to the counts, the duplicate rows to leave out and the rejections in report order
(a row's own problems replaced by its duplicate line), all read from disk in batches. DuckDB's sorts
and aggregates go to disk beyond ``SPILL_MB``.
"""

from __future__ import annotations

import shutil
import uuid
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from jiuzhu.engine.intake.guards import env_int

SPILL_MB = 128  # DuckDB memory of one spill or settling (``JIUZHU_SPILL_MB``; beyond it, DuckDB's temp files)
FLUSH = 20_000  # rows or problems buffered before they go to disk
ROW_BITS = 32  # key = sheet position << ROW_BITS | row number
_ROW_MASK = (1 << ROW_BITS) - 1
FETCH = 50_000  # rows read back at a time


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{env_int('JIUZHU_SPILL_MB', SPILL_MB)}MB'")
    con.execute("SET threads = 1")  # the reading worker is one core's work already
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")  # every order read back is an ORDER BY
    con.execute(f"SET temp_directory = '{path}.tmp'")
    return con


def row_key(position: int, row: int) -> int:
    return position << ROW_BITS | row


class RowSpill:
    """One reader's digests and problems of one batch, appended to ``path`` (a DuckDB file) as they come."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = _open(path)
        self._con.execute("CREATE TABLE digests (key BIGINT, digest UBIGINT)")
        self._con.execute('CREATE TABLE problems (key BIGINT, seq BIGINT, sheet VARCHAR, "column" VARCHAR, '
                          "value VARCHAR, reason VARCHAR, kind VARCHAR)")
        self._keys, self._digests = array("q"), bytearray()  # digests: 8 bytes each, little-endian
        self._problems: list[tuple] = []
        self._seq = 0

    def row(self, key: int, digest: bytes) -> None:
        """A data row: its key and its 8-byte digest (``int.from_bytes(digest, "little")`` is stored)."""
        self._keys.append(key)
        self._digests += digest
        if len(self._keys) >= FLUSH:
            self._flush_rows()

    def problem(self, key: int, sheet: str, column: str, value: str, reason: str, kind: str) -> None:
        self._problems.append((key, self._seq, sheet, column, value, reason, kind))
        self._seq += 1
        if len(self._problems) >= FLUSH:
            self._flush_problems()

    def _flush_rows(self) -> None:
        if not self._keys:
            return
        table = pa.table({"key": np.frombuffer(self._keys, np.int64),
                          "digest": np.frombuffer(self._digests, "<u8").astype(np.uint64, copy=False)})
        self._insert("digests", table)
        self._keys, self._digests = array("q"), bytearray()

    def _flush_problems(self) -> None:
        if not self._problems:
            return
        names = ("key", "seq", "sheet", "column", "value", "reason", "kind")
        types = (pa.int64(), pa.int64(), *[pa.string()] * 5)
        table = pa.table({n: pa.array([p[i] for p in self._problems], type=t)
                          for i, (n, t) in enumerate(zip(names, types, strict=True))})
        self._insert("problems", table)
        self._problems = []

    def _insert(self, into: str, table: pa.Table) -> None:
        self._con.register("incoming", table)
        try:
            self._con.execute(f"INSERT INTO {into} SELECT * FROM incoming")
        finally:
            self._con.unregister("incoming")

    def close(self) -> None:
        """Everything to disk; the file can then be read by ``Settled`` (in any process)."""
        self._flush_rows()
        self._flush_problems()
        self._con.close()


@dataclass(frozen=True)
class Corrections:
    """What the duplicates found take back from the counts made row by row (each duplicate was read as
    any other row): its row was taken (and maybe flagged) or rejected, its dropped values counted."""

    duplicates: int
    rejected: int
    flagged: int
    dropped: int


class Settled:
    """One batch's duplicates and rejections, worked out from its spills (each part's, in row order)."""

    def __init__(self, spills: list[Path], sheets: list[str], batch_id: str, file_name: str) -> None:
        self.batch_id, self.file_name = batch_id, file_name
        self.path = spills[0].parent / f"settle-{uuid.uuid4().hex}.duckdb"
        self._spills = spills
        con = self._con = _open(self.path)
        for k, spill in enumerate(spills):
            con.execute(f"ATTACH '{spill}' AS p{k} (READ_ONLY)")
        union = " UNION ALL ".join(f"SELECT * FROM p{k}.{{t}}" for k in range(len(spills)))
        con.execute(f"CREATE VIEW all_digests AS {union.format(t='digests')}")
        con.execute(f"CREATE VIEW all_problems AS {union.format(t='problems')}")
        con.register("sheet_names", pa.table({"position": pa.array(range(len(sheets)), pa.int64()),
                                              "name": pa.array(sheets, pa.string())}))
        con.execute("CREATE TABLE sheets AS SELECT * FROM sheet_names")
        con.unregister("sheet_names")
        con.execute("CREATE TABLE firsts AS SELECT digest, min(key) AS first FROM all_digests "
                    "GROUP BY digest HAVING count(*) > 1")
        con.execute("CREATE TABLE dups AS SELECT a.key, f.first FROM all_digests a JOIN firsts f USING (digest) "
                    "WHERE a.key <> f.first")
        con.execute("DROP TABLE firsts")
        n, rejected, flagged, dropped = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE rejected), count(*) FILTER (WHERE flagged AND NOT rejected),
                   coalesce(sum(dropped), 0)
            FROM (SELECT d.key, coalesce(bool_or(p.kind = 'rejected'), false) AS rejected,
                         coalesce(bool_or(p.kind = 'flagged'), false) AS flagged,
                         count(p.kind) FILTER (WHERE p.kind = 'dropped') AS dropped
                  FROM dups d LEFT JOIN all_problems p USING (key) GROUP BY d.key)""").fetchall()[0]
        self.corrections = Corrections(int(n), int(rejected), int(flagged), int(dropped))

    def duplicate_rows(self) -> pa.RecordBatchReader:
        """(sheet, row) of each duplicate row (its record, read like any other, is not to be stored)."""
        return self._con.sql(f"""SELECT s.name AS sheet, CAST(d.key & {_ROW_MASK} AS INTEGER) AS "row"
            FROM dups d JOIN sheets s ON s.position = d.key >> {ROW_BITS}""").to_arrow_reader(FETCH)

    def _ordered(self) -> str:
        return f"""
            SELECT sheet, CAST(key & {_ROW_MASK} AS INTEGER) AS "row", "column", value, reason, kind FROM (
                SELECT key, seq, sheet, "column", value, reason, kind FROM all_problems
                WHERE key NOT IN (SELECT key FROM dups)
                UNION ALL
                SELECT d.key, 0, s.name, '', '',
                       '与' || CASE WHEN fs.name = s.name THEN '' ELSE '工作表“' || fs.name || '”' END
                       || '第' || (d.first & {_ROW_MASK}) || '行完全相同，只保存一次', 'duplicate'
                FROM dups d JOIN sheets s ON s.position = d.key >> {ROW_BITS}
                            JOIN sheets fs ON fs.position = d.first >> {ROW_BITS})
            ORDER BY key, seq"""

    def rejections(self) -> pa.RecordBatchReader:
        """The batch's rejections in the columns of ``rejections``, in report order."""
        # A relation streams its result (``execute`` would hold all of it first).
        return self._con.sql(f'SELECT ?::VARCHAR AS batch_id, ?::VARCHAR AS file_name, sheet, "row", "column", '
                             f"value, reason, kind FROM ({self._ordered()})",
                             params=[self.batch_id, self.file_name]).to_arrow_reader(FETCH)

    def report_rows(self) -> Iterator[tuple]:
        """The rejections as report rows ``(file, sheet, row, column, value, reason, kind)``, in order."""
        reader = self._con.sql(f"SELECT ?::VARCHAR AS file_name, * FROM ({self._ordered()})",
                               params=[self.file_name]).to_arrow_reader(FETCH)
        for batch in reader:
            yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)

    def close(self) -> None:
        """Done: its files and the spills' are removed."""
        self._con.close()
        for path in [*self._spills, self.path]:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)
            shutil.rmtree(f"{path}.tmp", ignore_errors=True)
