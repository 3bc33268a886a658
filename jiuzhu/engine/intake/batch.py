"""One file's batches, from the file to the warehouse: plan, parse, store. Both import paths use it:
the serial one (``importer``) runs the three steps here file after file; the parallel one (``parallel``)
plans and parses in worker processes and stores here, so a file lands the same either way.

- plan: the file's sheets, their headers and source types, one ``BatchWork`` per type (rows not read yet);
- parse: every data row read, checked and normalised; records go to a sink chunk by chunk;
- store: the file's batches written in one DuckDB transaction, whole (minus its reported bad rows) or
  not at all, so a crash or kill leaves the previous state and no trace of the file.

A file of any size streams: its records go chunk by chunk straight into ``rec_<type>`` inside the file's
one transaction (DuckDB writes the appended row groups to disk as they fill, so memory stays flat; the
table has no key whose index would not), then its rejections and the batch's row; nothing shows before
the commit. The duplicate check and the rejections stream too: to a spill file on disk (``spill``),
settled once the file is read.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

import jiuzhu.engine.warehouse as wb
from jiuzhu.engine.home import jiuzhu_home, warehouse_path
from jiuzhu.engine.identity.calendar import SHANGHAI, today
from jiuzhu.engine.intake.guards import env_int
from jiuzhu.engine.intake.headers import (
    HEAD_ROWS,
    HeaderFit,
    SourceTypeError,
    cell_text,
    detect_type,
    find_header,
    fit_spec,
)
from jiuzhu.engine.intake.normalise import Problem, RowNormaliser
from jiuzhu.engine.intake.readers import Sheet, UnreadableFile, read_sheets
from jiuzhu.engine.intake.report import write_csv, write_xlsx
from jiuzhu.engine.intake.rows import is_layout_row
from jiuzhu.engine.intake.spill import RowSpill, Settled, row_key
from jiuzhu.engine.sources import SPECS, SourceSpec, get_spec
from jiuzhu.engine.warehouse import WarehouseBusy, connect, record_columns

CHUNK = 20_000  # records per insert

Progress = Callable[[str], None]



@dataclass
class BatchResult:
    """What became of one batch of a file (or of the whole file, when it failed): what the CLI prints and
    the upload pages show."""

    file_name: str
    path: str
    status: str  # imported | held | unchanged | failed
    batch_id: str | None = None
    unit: str | None = None
    source_type: str | None = None
    as_of: date | None = None
    rows_taken: int = 0
    rows_rejected: int = 0
    rows_flagged: int = 0
    rows_duplicate: int = 0
    values_dropped: int = 0
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[dict] = field(default_factory=list)
    report_csv: str | None = None
    report_xlsx: str | None = None
    message_zh: str = ""
    message_en: str = ""


class FileFailed(Exception):  # noqa: N818
    """A file that cannot be imported as a whole (no such sheet, a header of no known type): why, in
    Chinese and English, and the sheets skipped on the way."""

    def __init__(self, zh: str, en: str, skipped: list[dict] | None = None) -> None:
        super().__init__(zh)
        self.zh, self.en, self.skipped = zh, en, skipped or []


def failed_result(path: Path, zh: str, en: str, skipped: list[dict] | None = None) -> BatchResult:
    """The one result of a file that imported nothing, with why."""
    return BatchResult(path.name, str(path), "failed", message_zh=zh, message_en=en,
                       skipped_sheets=skipped or [])


def _busy(path: Path, skipped: list[dict]) -> BatchResult:
    return failed_result(path, "数据仓库正被另一个进程写入，请稍后再导入",
                         "the warehouse is busy (another process is writing it); import again later", skipped)


def written_line(path: Path, rows: int) -> str:
    """The progress line after each chunk of records."""
    return f"{path.name}: 已写入 {rows} 行 / {rows} rows written"


def file_options(options: dict) -> dict:
    """``import_file_into``'s keyword arguments, every one present."""
    defaults = {"source": None, "unit": None, "as_of": None, "sheet": None, "allow_empty": False,
                "imported_by": "cli", "progress": None}
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"unknown import options: {', '.join(sorted(unknown))}")
    return defaults | options


@dataclass
class SheetPlan:
    """A sheet to import: its header found and its source type decided, its data rows not read yet."""

    sheet: Sheet
    fit: HeaderFit
    rows: Iterator[tuple[int, list]]  # data rows (after the header)


def plan_sheets(path: Path, *, source: str | None,
                sheet_name: str | None) -> tuple[list[SheetPlan], list[dict]]:
    """The file's sheets to import (only ``sheet_name`` when given; of type ``source`` when given, else the
    type each header fits) and the sheets skipped, with why; ``FileFailed`` when the file cannot be."""
    sheets = read_sheets(path)
    if sheet_name is not None:
        chosen = [s for s in sheets if s.name == sheet_name]
        if not chosen:
            names = "、".join(s.name for s in sheets)
            raise FileFailed(f"文件中没有名为“{sheet_name}”的工作表（有：{names}）",
                             f"no sheet named {sheet_name!r} in the file (sheets: {names})")
        sheets = chosen
    specs: list[SourceSpec] = [get_spec(source)] if source else list(SPECS.values())
    plans, skipped = [], []
    for sheet in sheets:
        if sheet.skipped:
            skipped.append({"sheet": sheet.name, "reason": sheet.skipped})
            continue
        head = list(itertools.islice(sheet.rows, HEAD_ROWS))
        if not any(cell_text(c).strip() for _, cells in head for c in cells):
            skipped.append({"sheet": sheet.name, "reason": "空工作表"})
            continue
        found = find_header(head, specs)
        if found is None:
            skipped.append({"sheet": sheet.name, "reason": "找不到表头"})
            continue
        option, _counts = found
        try:
            fit = fit_spec(option, specs[0]) if source else detect_type(option, specs)
        except SourceTypeError as err:
            raise FileFailed(f"工作表“{sheet.name}”：{err.zh}", f"sheet {sheet.name!r}: {err.en}") from None
        start = fit.data_start
        rest = itertools.chain((r for r in head if r[0] >= start), sheet.rows)
        plans.append(SheetPlan(sheet, fit, rest))
    return plans, skipped


@dataclass
class BatchWork:
    """One batch of a file being imported: its sheets, then its rejections and counts as its rows are read."""

    batch_id: str
    spec: SourceSpec
    unit: str
    plans: list[SheetPlan]
    result: BatchResult
    spills: list[Path] = field(default_factory=list)  # its rows' digests and problems, one file per reader
    settled: Settled | None = None  # its duplicates and rejections, once every row is read


def plan_file(path: Path, *, source: str | None, unit: str | None, as_of: date, sheet: str | None,
              withdrawn: wb.Withdrawn | None = None,
              ) -> list[BatchResult] | tuple[dict[str, BatchWork], list[dict], str]:
    """The file's batches with their sheets (headers found, types decided, rows not read yet),
    its skipped sheets and its SHA-256; or the one ``failed`` result."""
    try:
        sha = wb.file_sha256(path) if path.exists() else ""
        plans, skipped = plan_sheets(path, source=source, sheet_name=sheet)
    except UnreadableFile as err:
        return [failed_result(path, err.zh, err.en)]
    except FileFailed as err:
        return [failed_result(path, err.zh, err.en, err.skipped)]
    if not plans:
        why = "；".join(f"{s['sheet']}：{s['reason']}" for s in skipped)
        return [failed_result(path, f"没有可导入的工作表（{why}），未导入任何数据",
                              f"no sheet with a recognisable header ({len(skipped)} skipped); "
                              "nothing imported", skipped)]

    works: dict[str, BatchWork] = {}
    for plan in plans:
        spec = plan.fit.spec
        if spec.code not in works:
            u = unit or spec.unit
            bid = wb.batch_id(u, spec.code, sha, (withdrawn or {}).get((u, spec.code, sha), 0))
            res = BatchResult(path.name, str(path), "imported", bid, u, spec.code, as_of,
                              skipped_sheets=skipped)
            works[spec.code] = BatchWork(bid, spec, u, [], res)
        works[spec.code].plans.append(plan)
        works[spec.code].result.sheets.append(plan.sheet.name)
    return works, skipped, sha


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Rows make millions of short-lived containers and no cycles: the cyclic collector's passes over
    them would take a large share of the parse, for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _row_digest(texts: list[str], skip: int | None) -> bytes:
    """64 bits of the row's text (序号 left out): compact enough to remember tens of millions of rows.
    As bytes (the spill reads them as little-endian integers, no int made per row)."""
    joined = "\x1f".join(texts) if skip is None else "\x1f".join(t for i, t in enumerate(texts) if i != skip)
    text = joined.rstrip("\x1f")
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def parse_rows(w: BatchWork, path: Path, sink: Callable[[pa.Table], None], progress: Progress | None,
               folder: Path, *, span: tuple[int, int] | None = None) -> None:
    """Read, check and normalise every data row of the batch's sheets; records go to ``sink`` as Arrow
    tables of up to CHUNK rows, counts to ``w.result``, each row's digest and problems to a spill file in
    ``folder`` (added to ``w.spills``). A row repeating an earlier one is read like any other here: the
    duplicates are found when the whole file is read (``settle``), and its record left out then.

    ``span``: only the rows numbered lo ≤ row < hi (one part of a one-sheet file parsed in parts)."""
    spill = RowSpill(folder / f"spill-{w.spec.code}-{uuid.uuid4().hex}.duckdb")
    w.spills.append(spill.path)
    chunk = _Chunk(w, path, sink, progress)
    try:
        with _gc_paused():
            for position, plan in enumerate(w.plans):
                if progress:
                    progress(f"{path.name}: 正在导入工作表“{plan.sheet.name}”（{w.spec.title}） / "
                             f"importing sheet {plan.sheet.name}")
                _parse_sheet(w, path, position, chunk, spill, span)
            if chunk.rows:
                chunk.send()
    finally:
        spill.close()


def settle(w: BatchWork) -> Settled:
    """The batch's duplicates, found from its spills once every row is read, taken back from its counts."""
    settled = w.settled = Settled(w.spills, w.result.sheets, w.batch_id, w.result.file_name)
    fix, res = settled.corrections, w.result
    res.rows_duplicate += fix.duplicates
    res.rows_rejected -= fix.rejected
    res.rows_taken -= fix.duplicates - fix.rejected
    res.rows_flagged -= fix.flagged
    res.values_dropped -= fix.dropped
    return settled


def close_settled(works: list[BatchWork]) -> None:
    """The batches' spill files, no longer needed (stored, failed or given up)."""
    for w in works:
        if w.settled is not None:
            w.settled.close()
            w.settled = None


class _Chunk:
    """The records of the rows taken and not yet sent, with their row numbers and sheets (a chunk may
    span sheets); every CHUNK of them go to the sink as one Arrow table. The records are dicts, or (a
    CSV's, ``extend``) whole columns: a chunk holds one kind, as a batch's sheets are all a CSV's one
    sheet or all a workbook's."""

    def __init__(self, w: BatchWork, path: Path, sink: Callable[[pa.Table], None],
                 progress: Progress | None) -> None:
        self.w, self.path, self.sink, self.progress = w, path, sink, progress
        self.records: list[dict] = []
        self.rows: list[int] = []
        self.sheets: list[str] = []
        self.names = [name for name, _ in record_columns(w.spec) if name not in _LINEAGE]
        self.columns: dict[str, list] = {name: [] for name in self.names}

    def send(self) -> None:
        """The records so far to the sink; the chunk starts empty again."""
        if self.records:
            self.sink(_chunk_table(self.w, self.path, self.records, self.rows, self.sheets))
        else:
            self.sink(_chunk_table(self.w, self.path, [], self.rows, self.sheets, self.columns))
            self.columns = {name: [] for name in self.names}
        self.records, self.rows, self.sheets = [], [], []

    def extend(self, columns: dict[str, list], rows: list[int], sheet: str, taken_before: int) -> None:
        """Records as columns (of ``names``), with their row numbers: sent CHUNK at a time, each with
        the progress line the row loop says (``taken_before``: the rows taken before these)."""
        start, n = 0, len(rows)
        while start < n:
            end = min(n, start + CHUNK - len(self.rows))
            for name, values in columns.items():
                self.columns[name].extend(values[start:end])
            self.rows.extend(rows[start:end])
            self.sheets.extend([sheet] * (end - start))
            start = end
            if len(self.rows) >= CHUNK:
                self.send()
                if self.progress:
                    self.progress(written_line(self.path, taken_before + end))


_LINEAGE = ("record_id", "batch_id", "source_type", "file_name", "sheet", "row")  # _chunk_table's
BLOCK = 2_000  # text rows normalised a column at a time


def _parse_sheet(w: BatchWork, path: Path, position: int, chunk: _Chunk, spill: RowSpill,
                 span: tuple[int, int] | None) -> None:
    """The rows of the batch's sheet at ``position`` (see ``parse_rows``), normalised into ``chunk``."""
    res = w.result
    plan = w.plans[position]
    normaliser = RowNormaliser(plan.fit, blank_formulas=plan.sheet.blank_formulas,
                               column_offset=plan.sheet.column_offset)
    if plan.sheet.text_only and normaliser.columnar:
        _parse_text_sheet(w, position, chunk, spill, span, normaliser)
        return
    sheet_name = plan.sheet.name
    records, rows, sheets = chunk.records, chunk.rows, chunk.sheets
    for row_no, cells in _data_rows(plan, position, spill, span):
        record, problems = normaliser.normalise(row_no, cells)
        if not _counted(w, spill, row_key(position, row_no), sheet_name, record, problems):
            continue
        res.rows_taken += 1
        records.append(record)
        rows.append(row_no)
        sheets.append(sheet_name)
        if len(records) >= CHUNK:
            chunk.send()
            records, rows, sheets = chunk.records, chunk.rows, chunk.sheets
            if chunk.progress:
                chunk.progress(written_line(path, res.rows_taken))


def _data_rows(plan: SheetPlan, position: int, spill: RowSpill,
               span: tuple[int, int] | None) -> Iterator[tuple[int, list]]:
    """The sheet's data rows (those of ``span`` when given) that are not layout, each one's digest
    spilled."""
    fit = plan.fit
    text_only = plan.sheet.text_only
    for row_no, cells in plan.rows:
        if span is not None:
            if row_no < span[0]:
                continue
            if row_no >= span[1]:
                break
        # A CSV row is text already: cell_text would give back every cell unchanged.
        texts = cells if text_only else [c if c.__class__ is str else cell_text(c) for c in cells]
        if is_layout_row(texts, fit):
            continue
        spill.row(row_key(position, row_no), _row_digest(texts, fit.sequence_column))
        yield row_no, cells


def _counted(w: BatchWork, spill: RowSpill, key: int, sheet: str, record: dict | None,
             problems: list[Problem]) -> bool:
    """A normalised row's problems noted and counted (not yet as taken); whether its record is taken."""
    if problems:
        _note(w, spill, key, sheet, problems)
    if record is None:
        w.result.rows_rejected += 1
        return False
    if problems and any(p.kind == "flagged" for p in problems):
        w.result.rows_flagged += 1
    return True


def _parse_text_sheet(w: BatchWork, position: int, chunk: _Chunk, spill: RowSpill,
                      span: tuple[int, int] | None, normaliser: RowNormaliser) -> None:
    """``_parse_sheet`` of a CSV: the same rows skipped and digested one by one, the rows kept normalised
    BLOCK at a time, a column at a time (``RowNormaliser.normalise_block``)."""
    block_rows: list[int] = []
    block: list[list[str]] = []
    for row_no, cells in _data_rows(w.plans[position], position, spill, span):
        block_rows.append(row_no)
        block.append(cells)
        if len(block) >= BLOCK:
            _take_block(w, position, chunk, spill, normaliser, block_rows, block)
            block_rows, block = [], []
    if block:
        _take_block(w, position, chunk, spill, normaliser, block_rows, block)


def _take_block(w: BatchWork, position: int, chunk: _Chunk, spill: RowSpill, normaliser: RowNormaliser,
                rows: list[int], block: list[list[str]]) -> None:
    """A block of data rows into ``chunk``: a column at a time, and the rows it leaves out (every row with
    a problem) through ``normalise`` in row order, their problems noted and counted as the row loop does."""
    res = w.result
    sheet_name = w.plans[position].sheet.name
    columns, left = normaliser.normalise_block(block, chunk.names)
    rejected = []
    for i in sorted(left):
        record, problems = normaliser.normalise(rows[i], block[i])
        if not _counted(w, spill, row_key(position, rows[i]), sheet_name, record, problems):
            rejected.append(i)
            continue
        for name, values in columns.items():
            values[i] = record.get(name)  # type: ignore[union-attr]
    if rejected:
        gone = set(rejected)
        keep = [i for i in range(len(rows)) if i not in gone]
        columns = {name: [values[i] for i in keep] for name, values in columns.items()}
        rows = [rows[i] for i in keep]
    taken_before = res.rows_taken
    res.rows_taken += len(rows)
    chunk.extend(columns, rows, sheet_name, taken_before)


def _chunk_table(w: BatchWork, path: Path, records: list[dict], rows: list[int],
                 sheets: list[str], columns: dict[str, list] | None = None) -> pa.Table:
    """The records (dicts, or ``columns`` as lists) with their lineage columns, built here as whole Arrow
    columns: the ones the same on every row repeated from one value, ``record_id`` joined by Arrow from the
    sheet and the row's number (not a string made and converted per row)."""
    n = len(rows)
    sheet = pa.array(sheets, pa.string())
    if n and sheets.count(sheets[0]) == n:  # a chunk of one sheet (a CSV's always)
        sheet = pa.repeat(pa.scalar(sheets[0], pa.string()), n)
    row = pa.array(rows, pa.int32())
    lineage = {"record_id": pc.binary_join_element_wise(w.batch_id, sheet, pc.cast(row, pa.string()), ":"),
               **{name: pa.repeat(pa.scalar(value, pa.string()), n)
                  for name, value in (("batch_id", w.batch_id), ("source_type", w.spec.code),
                                      ("file_name", path.name))},
               "sheet": sheet, "row": row}
    return wb.records_table(w.spec.code, records, lineage | (columns or {}))


def _note(w: BatchWork, spill: RowSpill, key: int, sheet: str, problems: list[Problem]) -> None:
    for p in problems:
        if p.kind == "dropped":
            w.result.values_dropped += 1
        spill.problem(key, sheet, p.column, p.value, p.reason, p.kind)


def intake_memory_mb() -> int:
    """DuckDB's memory while storing files (``JIUZHU_INTAKE_MEMORY_MB``; default a quarter of the machine's
    memory, at least 1024). A warehouse not yet migrated to schema version 2 (`jiuzhu init`) keeps a
    ``record_id`` key whose index the commit holds whole in memory, so a cap too small fails the commit of
    a large registry there (docs/performance.md)."""
    try:
        quarter = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4 // (1 << 20)
    except (ValueError, OSError, AttributeError):
        quarter = 0
    return env_int("JIUZHU_INTAKE_MEMORY_MB", max(1024, quarter))


class WarehouseWriter:
    """One connection for every file of an import, opened when the first file needs it (a run whose files
    all fail to read never creates the warehouse); each file is still its own transaction."""

    def __init__(self) -> None:
        self._context = None
        self._con = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The import's connection (``WarehouseBusy`` when another process writes the warehouse)."""
        if self._con is None:
            context = connect()
            self._con = context.__enter__()  # raises WarehouseBusy, as connect() does
            self._context = context
            # Without a cap DuckDB keeps the pages of a streamed file cached up to 80 % of the machine.
            self._con.execute(f"SET memory_limit = '{intake_memory_mb()}MB'")
        return self._con

    def withdrawn(self) -> wb.Withdrawn:
        """How often each (unit, type, file) was withdrawn (its next import is a new batch); {} without a
        warehouse."""
        if self._con is None and not warehouse_path().exists():
            return {}
        return wb.withdrawn_counts(self.connection())  # WarehouseBusy: the caller fails the file

    def __enter__(self) -> WarehouseWriter:
        return self

    def __exit__(self, *exc) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = self._con = None


def import_file_into(path: Path, warehouse: WarehouseWriter, *, source: str | None, unit: str | None,
                     as_of: date | None, sheet: str | None, allow_empty: bool, imported_by: str,
                     progress: Progress | None) -> list[BatchResult]:
    """Import one file in this process through ``warehouse``: plan it, then parse its rows straight into
    its one transaction. One result per batch (per source type found), or one ``failed``."""
    as_of = as_of or today()
    try:
        withdrawn = warehouse.withdrawn()
    except WarehouseBusy:
        return [_busy(path, [])]
    planned = plan_file(path, source=source, unit=unit, as_of=as_of, sheet=sheet, withdrawn=withdrawn)
    if isinstance(planned, list):
        return planned
    # Named after this process: a killed import's folder is removed by the next (parallel._spool_folder).
    folder = Path(tempfile.mkdtemp(prefix=f"jiuzhu-ingest-{os.getpid()}-"))

    def write(put: Callable[[pa.Table], None], w: BatchWork) -> None:  # read, normalise, stage as they come
        parse_rows(w, path, put, progress, folder)

    try:
        return store_file(path, *planned, as_of=as_of, allow_empty=allow_empty, imported_by=imported_by,
                          warehouse=warehouse, write=write)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def store_file(path: Path, works: dict[str, BatchWork], skipped: list[dict], sha: str, *, as_of: date,
               allow_empty: bool, imported_by: str, warehouse: WarehouseWriter,
               write: Callable[..., None]) -> list[BatchResult]:
    """Write the file's batches not yet in the warehouse in one transaction (``write`` puts a batch's
    records in), or nothing at all; then its rejection reports."""
    try:
        return _store(path, works, skipped, sha, as_of=as_of, allow_empty=allow_empty, imported_by=imported_by,
                      warehouse=warehouse, write=write)
    finally:
        close_settled(list(works.values()))


def _store(path: Path, works: dict[str, BatchWork], skipped: list[dict], sha: str, *, as_of: date,
           allow_empty: bool, imported_by: str, warehouse: WarehouseWriter,
           write: Callable[..., None]) -> list[BatchResult]:
    try:
        con = warehouse.connection()
        done = wb.existing_batches(con, [w.batch_id for w in works.values()])
        todo = [w for w in works.values() if w.batch_id not in done]
        for w in works.values():
            if w.batch_id in done:
                _unchanged(con, w)
        if not todo:
            return [w.result for w in works.values()]
        wb.drop_staging(con)  # a staging table an import of an older release left when killed
        con.execute("BEGIN TRANSACTION")
        try:
            for w in todo:
                snapshot = wb.current_snapshot(con, w.unit, w.spec.code)  # before this file's rows are in
                _write_batch(con, w, write)
                _finish_batch(con, w, path, sha, as_of, imported_by, _held(w.result, snapshot, as_of))
            empty = [w for w in todo if w.result.rows_taken + w.result.rows_rejected
                     + w.result.rows_duplicate == 0]
            if empty and not allow_empty:
                con.execute("ROLLBACK")
                names = "、".join(w.spec.title for w in empty)
                return [failed_result(path, f"文件只有表头没有数据行（{names}），未导入任何数据；"
                                      "确需导入空名单请加 --allow-empty",
                                      "the file has a header but no data rows; nothing imported "
                                      "(use --allow-empty to import an empty registry)", skipped)]
            unusable = [w for w in todo if w.result.rows_taken == 0]
            if unusable and not allow_empty:
                # Every row rejected: storing it would empty the registry's current snapshot.
                con.execute("ROLLBACK")
                for w in unusable:
                    _write_reports(w)
                w = unusable[0]
                failed = failed_result(path, f"全部{w.result.rows_rejected}行都被拒收，未导入任何数据；"
                                       f"问题报告：{w.result.report_csv}",
                                       f"all {w.result.rows_rejected} rows were rejected; nothing imported; "
                                       f"see {w.result.report_csv}", skipped)
                failed.report_csv, failed.report_xlsx = w.result.report_csv, w.result.report_xlsx
                return [failed]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except UnreadableFile as err:  # raised part-way through reading (e.g. a bad byte deep in a CSV)
        return [failed_result(path, err.zh, err.en, skipped)]
    except WarehouseBusy:
        return [_busy(path, skipped)]

    for w in todo:
        _write_reports(w)
    return [w.result for w in works.values()]


def _write_batch(con: duckdb.DuckDBPyConnection, w: BatchWork, write: Callable[..., None]) -> None:
    """Inside the file's transaction: the batch's records straight into ``rec_<type>`` chunk by chunk, its
    duplicates found and their records deleted, its rejections appended. DuckDB writes a large transaction's
    appended rows to the file as row groups fill, so its memory stays within the cap: ``rec_<type>`` has no
    key whose index would hold every row in memory (schema.LINEAGE). Nothing is visible before the commit."""
    table = f"rec_{w.spec.code}"
    write(lambda records, code=w.spec.code: wb.insert_table(con, code, records), w)
    settled = settle(w)
    wb.leave_out(con, table, settled.duplicate_rows(), batch=w.batch_id)
    wb.append_rejections(con, settled.rejections())


def _unchanged(con: duckdb.DuckDBPyConnection, w: BatchWork) -> None:
    """A batch stored already (a byte-identical file): its result says so, with the stored counts."""
    w.result.status = "unchanged"
    w.result.message_zh = "与已导入的文件完全相同，未作改变"
    w.result.message_en = "byte-identical to an imported file; nothing changed"
    w.result.values_dropped = 0  # a worker may have parsed the file before its copy was stored
    _fill_counts(con, w.result)
    _not_current_hint(con, w)


def _not_current_hint(con, w: BatchWork) -> None:
    """An unchanged file whose batch is not the current snapshot: importing it again does not bring it back
    (sources.md), so say what does."""
    current = wb.current_snapshot(con, w.unit, w.spec.code)
    if current is None or current[0] == w.batch_id:
        return
    w.result.message_zh += (f"；但该批次不是当前名单（当前为 {current[0]}），重新导入不会恢复它；"
                            f"如当前名单有误，请由数据管理员撤回 {current[0]}")
    w.result.message_en += (f"; but this batch is not the current snapshot ({current[0]}): importing it "
                            f"again does not restore it; withdraw {current[0]} if that one is wrong")


def _fill_counts(con, result: BatchResult) -> None:
    row = con.execute("SELECT rows_taken, rows_rejected, rows_flagged, rows_duplicate, as_of, sheets "
                      "FROM batches WHERE batch_id = ?", [result.batch_id]).fetchone()
    if row:
        result.rows_taken, result.rows_rejected, result.rows_flagged, result.rows_duplicate = row[:4]
        result.as_of = row[4]
        result.sheets = json.loads(row[5] or "[]")
    reports = jiuzhu_home() / "reports"
    result.report_csv = str(reports / f"{result.batch_id}-rejections.csv")
    result.report_xlsx = str(reports / f"{result.batch_id}-rejections.xlsx")


def _held(res: BatchResult, snapshot: tuple | None, as_of: date) -> str:
    """``held`` when the batch would replace a current snapshot that has far more rows (a wrong or cut file
    must not make a registry history until the data administrator confirms it); else ``imported``."""
    if snapshot is None or as_of < snapshot[2] or res.rows_taken >= wb.hold_below() * snapshot[1]:
        return "imported"
    res.status = "held"
    res.message_zh = (f"新名单只有{res.rows_taken}行，远少于当前名单（{snapshot[1]}行），暂不生效，"
                      f"等待数据管理员确认（jiuzhu batches confirm {res.batch_id}）")
    res.message_en = (f"{res.rows_taken} rows, far fewer than the current snapshot's {snapshot[1]}: held "
                      f"until the data administrator confirms it (jiuzhu batches confirm {res.batch_id})")
    return "held"


def _finish_batch(con, w: BatchWork, path: Path, sha: str, as_of: date, imported_by: str,
                  state: str = "imported") -> None:
    """The batch's rejections and its row in ``batches`` (its records are in already)."""
    res = w.result
    wb.insert_batch(con, wb.BatchRow(
        w.batch_id, w.unit, w.spec.code, as_of, path.name, sha,
        json.dumps(res.sheets, ensure_ascii=False), json.dumps(res.skipped_sheets, ensure_ascii=False),
        res.rows_taken, res.rows_rejected, res.rows_flagged, res.rows_duplicate,
        datetime.now(SHANGHAI).replace(tzinfo=None), imported_by, state))


def _write_reports(w: BatchWork) -> None:
    reports = jiuzhu_home() / "reports"
    assert w.settled is not None  # settled when written
    csv_path = reports / f"{w.batch_id}-rejections.csv"
    xlsx_path = reports / f"{w.batch_id}-rejections.xlsx"
    write_csv(csv_path, w.settled.report_rows(), for_people=True)  # opened by the unit's clerk in Excel
    write_xlsx(xlsx_path, w.settled.report_rows())
    w.result.report_csv, w.result.report_xlsx = str(csv_path), str(xlsx_path)
