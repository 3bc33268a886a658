"""Import files as batches: read → header → type → normalise → one warehouse transaction per file.

A file lands whole (minus its reported bad rows) or not at all: every batch of a file is written in
one DuckDB transaction, so a crash or kill leaves the previous state and no trace of the file.

A file of any size streams: its records go chunk by chunk into a staging table of its own (each chunk
committed, so memory stays flat), and the one transaction then moves them into ``rec_<type>`` with the
batch's row. A staging table is in no view; one left by a killed import is dropped by the next.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from jiuzhu.engine.home import jiuzhu_home, warehouse_path
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
from jiuzhu.engine.intake.readers import SUFFIXES, Sheet, UnreadableFile, read_sheets
from jiuzhu.engine.intake.report import write_csv, write_xlsx
from jiuzhu.engine.intake.rows import is_layout_row
from jiuzhu.engine.intake.spec import SourceSpec
from jiuzhu.engine.intake.specs import SPECS, get_spec
from jiuzhu.engine.warehouse import batches as wb
from jiuzhu.engine.warehouse.store import WarehouseBusy, connect

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHUNK = 20_000  # records per insert

Progress = Callable[[str], None]


@dataclass
class BatchResult:
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
    def __init__(self, zh: str, en: str, skipped: list[dict] | None = None) -> None:
        super().__init__(zh)
        self.zh, self.en, self.skipped = zh, en, skipped or []


def today_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder → every spreadsheet/CSV directly in it (sorted; sub-folders, hidden files
    and Excel's ``~$`` lock files are left out)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not f.name.startswith((".", "~$"))))
        else:
            out.append(p)
    return out


@dataclass
class _SheetPlan:
    sheet: Sheet
    fit: HeaderFit
    rows: Iterator[tuple[int, list]]  # data rows (after the header)


def _plan(path: Path, *, source: str | None, sheet_name: str | None) -> tuple[list[_SheetPlan], list[dict]]:
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
        plans.append(_SheetPlan(sheet, fit, rest))
    return plans, skipped


def _row_digest(texts: list[str], skip: int | None) -> int:
    """64 bits of the row's text (序号 left out): compact enough to remember tens of millions of rows."""
    joined = "\x1f".join(texts) if skip is None else "\x1f".join(t for i, t in enumerate(texts) if i != skip)
    text = joined.rstrip("\x1f")
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


@dataclass
class _BatchWork:
    batch_id: str
    spec: SourceSpec
    unit: str
    plans: list[_SheetPlan]
    result: BatchResult
    rejections: list[tuple] = field(default_factory=list)


def _busy(path: Path, skipped: list[dict]) -> BatchResult:
    return _fail(path, "数据仓库正被另一个进程写入，请稍后再导入", "the warehouse is busy (another process is "
                 "writing it); import again later", skipped)


def _fail(path: Path, zh: str, en: str, skipped: list[dict] | None = None) -> BatchResult:
    return BatchResult(path.name, str(path), "failed", message_zh=zh, message_en=en, skipped_sheets=skipped or [])


def import_file(
    path: Path,
    *,
    source: str | None = None,
    unit: str | None = None,
    as_of: date | None = None,
    sheet: str | None = None,
    allow_empty: bool = False,
    imported_by: str = "cli",
    progress: Progress | None = None,
) -> list[BatchResult]:
    """Import one file; one result per batch (per source type found), or one ``failed`` result."""
    with _Warehouse() as warehouse:
        return _import_file(path, warehouse, source=source, unit=unit, as_of=as_of, sheet=sheet,
                            allow_empty=allow_empty, imported_by=imported_by, progress=progress)


def intake_memory_mb() -> int:
    """DuckDB's memory while storing files (``JIUZHU_INTAKE_MEMORY_MB``; default a quarter of the machine's
    memory, at least 1024). Not lower by default: the commit holds the ``record_id`` key of the whole
    table in memory (5,000,000 household rows failed to commit under 256 MB and passed under 1024 MB)."""
    try:
        quarter = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4 // (1 << 20)
    except (ValueError, OSError, AttributeError):
        quarter = 0
    return env_int("JIUZHU_INTAKE_MEMORY_MB", max(1024, quarter))


class _Warehouse:
    """One connection for every file of an import, opened when the first file needs it (a run whose files
    all fail to read never creates the warehouse); each file is still its own transaction."""

    def __init__(self) -> None:
        self._context = None
        self._con = None

    def connection(self):
        if self._con is None:
            context = connect()
            self._con = context.__enter__()  # raises WarehouseBusy, as connect() does
            self._context = context
            # Without a cap DuckDB keeps the pages of a streamed file cached up to 80 % of the machine.
            self._con.execute(f"SET memory_limit = '{intake_memory_mb()}MB'")
        return self._con

    def withdrawn(self) -> wb.Withdrawn:
        """How often each (unit, type, file) was withdrawn (its next import is a new batch); {} without a warehouse."""
        if self._con is None and not warehouse_path().exists():
            return {}
        return wb.withdrawn_counts(self.connection())  # WarehouseBusy: the caller fails the file

    def __enter__(self) -> _Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = self._con = None


def _import_file(path: Path, warehouse: _Warehouse, *, source: str | None, unit: str | None,
                 as_of: date | None, sheet: str | None, allow_empty: bool, imported_by: str,
                 progress: Progress | None) -> list[BatchResult]:
    as_of = as_of or today_shanghai()
    try:
        withdrawn = warehouse.withdrawn()
    except WarehouseBusy:
        return [_busy(path, [])]
    planned = _plan_file(path, source=source, unit=unit, as_of=as_of, sheet=sheet, withdrawn=withdrawn)
    if isinstance(planned, list):
        return planned

    def write(put: Callable[[pa.Table], None], w: _BatchWork) -> None:  # read, normalise, stage as they come
        _parse_rows(w, path, put, progress)

    return _store(path, *planned, as_of=as_of, allow_empty=allow_empty, imported_by=imported_by,
                  warehouse=warehouse, write=write)


def _plan_file(path: Path, *, source: str | None, unit: str | None, as_of: date, sheet: str | None,
               withdrawn: wb.Withdrawn | None = None,
               ) -> list[BatchResult] | tuple[dict[str, _BatchWork], list[dict], str]:
    """The file's batches with their sheets (headers found, types decided, rows not read yet),
    its skipped sheets and its SHA-256; or the one ``failed`` result."""
    try:
        sha = wb.file_sha256(path) if path.exists() else ""
        plans, skipped = _plan(path, source=source, sheet_name=sheet)
    except UnreadableFile as err:
        return [_fail(path, err.zh, err.en)]
    except FileFailed as err:
        return [_fail(path, err.zh, err.en, err.skipped)]
    if not plans:
        why = "；".join(f"{s['sheet']}：{s['reason']}" for s in skipped)
        return [_fail(path, f"没有可导入的工作表（{why}），未导入任何数据",
                      f"no sheet with a recognisable header ({len(skipped)} skipped); nothing imported", skipped)]

    works: dict[str, _BatchWork] = {}
    for plan in plans:
        spec = plan.fit.spec
        if spec.code not in works:
            u = unit or spec.unit
            bid = wb.batch_id(u, spec.code, sha, (withdrawn or {}).get((u, spec.code, sha), 0))
            res = BatchResult(path.name, str(path), "imported", bid, u, spec.code, as_of,
                              skipped_sheets=skipped)
            works[spec.code] = _BatchWork(bid, spec, u, [], res)
        works[spec.code].plans.append(plan)
        works[spec.code].result.sheets.append(plan.sheet.name)
    return works, skipped, sha


class _NeedsSerial(Exception):  # noqa: N818
    """A parsed file cannot be stored as parsed (a batch appeared or went meanwhile): import it again here."""


def _store(path: Path, works: dict[str, _BatchWork], skipped: list[dict], sha: str, *, as_of: date,
           allow_empty: bool, imported_by: str, warehouse: _Warehouse,
           write: Callable[..., None]) -> list[BatchResult]:
    """Write the file's batches not yet in the warehouse in one transaction (``write`` puts a batch's
    records in), or nothing at all; then its rejection reports."""
    try:
        con = warehouse.connection()
        done = wb.existing_batches(con, [w.batch_id for w in works.values()])
        todo = [w for w in works.values() if w.batch_id not in done]
        for w in works.values():
            if w.batch_id in done:
                w.result.status = "unchanged"
                w.result.message_zh = "与已导入的文件完全相同，未作改变"
                w.result.message_en = "byte-identical to an imported file; nothing changed"
                w.result.values_dropped = 0  # a worker may have parsed the file before its copy was stored
                _fill_counts(con, w.result)
                _not_current_hint(con, w)
        if not todo:
            return [w.result for w in works.values()]
        staged = _stage(con, todo, write)
        con.execute("BEGIN TRANSACTION")
        try:
            for w in todo:
                snapshot = wb.current_snapshot(con, w.unit, w.spec.code)  # before this file's rows are in
                wb.unstage(con, w.spec.code, staged[w.batch_id])
                _finish_batch(con, w, path, sha, as_of, imported_by, _held(w.result, snapshot, as_of))
            empty = [w for w in todo if w.result.rows_taken + w.result.rows_rejected
                     + w.result.rows_duplicate == 0]
            if empty and not allow_empty:
                con.execute("ROLLBACK")
                names = "、".join(w.spec.title for w in empty)
                return [_fail(path, f"文件只有表头没有数据行（{names}），未导入任何数据；确需导入空名单请加 --allow-empty",
                              "the file has a header but no data rows; nothing imported "
                              "(use --allow-empty to import an empty registry)", skipped)]
            unusable = [w for w in todo if w.result.rows_taken == 0]
            if unusable and not allow_empty:
                # Every row rejected: storing it would empty the registry's current snapshot.
                con.execute("ROLLBACK")
                for w in unusable:
                    _write_reports(w)
                w = unusable[0]
                failed = _fail(path, f"全部{w.result.rows_rejected}行都被拒收，未导入任何数据；问题报告：{w.result.report_csv}",
                               f"all {w.result.rows_rejected} rows were rejected; nothing imported; "
                               f"see {w.result.report_csv}", skipped)
                failed.report_csv, failed.report_xlsx = w.result.report_csv, w.result.report_xlsx
                return [failed]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            wb.drop_staging(con)
    except UnreadableFile as err:  # raised part-way through reading (e.g. a bad byte deep in a CSV)
        return [_fail(path, err.zh, err.en, skipped)]
    except WarehouseBusy:
        return [_busy(path, skipped)]

    for w in todo:
        _write_reports(w)
    return [w.result for w in works.values()]


def _stage(con, todo: list[_BatchWork], write: Callable[..., None]) -> dict[str, str]:
    """Each batch's records into a staging table of its own, committed chunk by chunk (a transaction
    holding millions of uncommitted rows keeps them in memory); batch id → staging table."""
    staged: dict[str, str] = {}
    wb.drop_staging(con)  # a killed import's, before this one takes disk
    try:
        for w in todo:
            table = staged[w.batch_id] = wb.create_staging(con, w.spec.code, w.batch_id)
            write(lambda records, code=w.spec.code, table=table: wb.insert_table(con, code, records, into=table), w)
    except BaseException:
        wb.drop_staging(con)
        raise
    return staged


def _not_current_hint(con, w: _BatchWork) -> None:
    """An unchanged file whose batch is not the current snapshot: importing it again does not bring it back
    (sources.md), so say what does."""
    current = wb.current_snapshot(con, w.unit, w.spec.code)
    if current is None or current[0] == w.batch_id:
        return
    w.result.message_zh += (f"；但该批次不是当前名单（当前为 {current[0]}），重新导入不会恢复它；"
                            f"如当前名单有误，请由数据管理员撤回 {current[0]}")
    w.result.message_en += (f"; but this batch is not the current snapshot ({current[0]}): importing it again does "
                            f"not restore it; withdraw {current[0]} if that one is wrong")


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Rows make millions of short-lived containers and no cycles: the cyclic collector's passes over
    them cost a third of the parse, for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def written_line(path: Path, rows: int) -> str:
    return f"{path.name}: 已写入 {rows} 行 / {rows} rows written"


def _parse_rows(w: _BatchWork, path: Path, sink: Callable[[pa.Table], None], progress: Progress | None, *,
                span: tuple[int, int] | None = None, trace: tuple[MutableSequence[int], MutableSequence[int]] | None = None,
                ) -> None:
    """Read, check and normalise every data row of the batch's sheets; records go to ``sink`` as Arrow
    tables of up to CHUNK rows, problems to ``w.rejections``, counts to ``w.result``.

    ``span``: only the rows numbered lo ≤ row < hi (one part of a one-sheet file parsed in parts);
    ``trace``: gets the number and digest of every data row, for the duplicates between parts."""
    res = w.result
    seen: dict[int, int] = {}  # row digest → sheet position << 32 | row number of its first occurrence
    chunk: list[dict] = []  # records of the rows taken, with their row numbers and sheets
    chunk_rows: list[int] = []
    chunk_sheets: list[str] = []
    with _gc_paused():
        for position, plan in enumerate(w.plans):
            normaliser = RowNormaliser(plan.fit, blank_formulas=plan.sheet.blank_formulas,
                                       column_offset=plan.sheet.column_offset)
            sheet_name = plan.sheet.name
            fit = plan.fit
            text_only = plan.sheet.text_only
            if progress:
                progress(f"{path.name}: 正在导入工作表“{sheet_name}”（{w.spec.title}） / importing sheet {sheet_name}")
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
                digest = _row_digest(texts, fit.sequence_column)
                if trace is not None:
                    trace[0].append(row_no)
                    trace[1].append(digest)
                first = seen.get(digest)
                if first is not None:
                    res.rows_duplicate += 1
                    first_sheet, first_row = w.plans[first >> 32].sheet.name, first & 0xFFFFFFFF
                    where = f"第{first_row}行" if first_sheet == sheet_name else f"工作表“{first_sheet}”第{first_row}行"
                    w.rejections.append((w.batch_id, path.name, sheet_name, row_no, "", "",
                                         f"与{where}完全相同，只保存一次", "duplicate"))
                    continue
                seen[digest] = position << 32 | row_no
                record, problems = normaliser.normalise(row_no, cells)
                if problems:
                    _note(w, path.name, sheet_name, row_no, problems)
                if record is None:
                    res.rows_rejected += 1
                    continue
                if problems and any(p.kind == "flagged" for p in problems):
                    res.rows_flagged += 1
                res.rows_taken += 1
                chunk.append(record)
                chunk_rows.append(row_no)
                chunk_sheets.append(sheet_name)
                if len(chunk) >= CHUNK:
                    sink(_chunk_table(w, path, chunk, chunk_rows, chunk_sheets))
                    chunk, chunk_rows, chunk_sheets = [], [], []
                    if progress:
                        progress(written_line(path, res.rows_taken))
        if chunk:
            sink(_chunk_table(w, path, chunk, chunk_rows, chunk_sheets))


def _chunk_table(w: _BatchWork, path: Path, records: list[dict], rows: list[int], sheets: list[str]) -> pa.Table:
    """The records with their lineage columns (built here as whole columns, not per record)."""
    n = len(records)
    bid = w.batch_id
    lineage = {"record_id": [f"{bid}:{s}:{r}" for s, r in zip(sheets, rows, strict=True)],
               "batch_id": [bid] * n, "source_type": [w.spec.code] * n, "file_name": [path.name] * n,
               "sheet": sheets, "row": rows}
    return wb.records_table(w.spec.code, records, lineage)


def _held(res: BatchResult, snapshot: tuple | None, as_of: date) -> str:
    """``held`` when the batch would replace a current snapshot that has far more rows (a wrong or cut file
    must not make a registry history until the data administrator confirms it); else ``imported``."""
    if snapshot is None or as_of < snapshot[2] or res.rows_taken >= wb.hold_below() * snapshot[1]:
        return "imported"
    res.status = "held"
    res.message_zh = (f"新名单只有{res.rows_taken}行，远少于当前名单（{snapshot[1]}行），暂不生效，等待数据管理员确认"
                      f"（jiuzhu batches confirm {res.batch_id}）")
    res.message_en = (f"{res.rows_taken} rows, far fewer than the current snapshot's {snapshot[1]}: held until the "
                      f"data administrator confirms it (jiuzhu batches confirm {res.batch_id})")
    return "held"


def _finish_batch(con, w: _BatchWork, path: Path, sha: str, as_of: date, imported_by: str,
                  state: str = "imported") -> None:
    """The batch's rejections and its row in ``batches`` (its records are in already)."""
    res = w.result
    wb.insert_rejections(con, w.rejections)
    wb.insert_batch(con, wb.BatchRow(
        w.batch_id, w.unit, w.spec.code, as_of, path.name, sha,
        json.dumps(res.sheets, ensure_ascii=False), json.dumps(res.skipped_sheets, ensure_ascii=False),
        res.rows_taken, res.rows_rejected, res.rows_flagged, res.rows_duplicate,
        datetime.now(SHANGHAI).replace(tzinfo=None), imported_by, state))


def _note(w: _BatchWork, file_name: str, sheet: str, row_no: int, problems: list[Problem]) -> None:
    for p in problems:
        if p.kind == "dropped":
            w.result.values_dropped += 1
        w.rejections.append((w.batch_id, file_name, sheet, row_no, p.column, p.value, p.reason, p.kind))


def _write_reports(w: _BatchWork) -> None:
    reports = jiuzhu_home() / "reports"
    rows = [r[1:] for r in w.rejections]
    csv_path = reports / f"{w.batch_id}-rejections.csv"
    xlsx_path = reports / f"{w.batch_id}-rejections.xlsx"
    write_csv(csv_path, rows, for_people=True)  # opened by the unit's clerk in Excel
    write_xlsx(xlsx_path, rows)
    w.result.report_csv, w.result.report_xlsx = str(csv_path), str(xlsx_path)


def cpu_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def import_paths(paths: Iterable[Path], *, jobs: int | None = None, bounded: bool = False,
                 **options) -> list[BatchResult]:
    """Import files and folders in order. With ``jobs`` > 1 (default: one per core) worker processes read
    and normalise files side by side — a large CSV in parts — while this process writes each finished file
    in its own transaction, in the order given: the warehouse ends exactly as after a serial run.

    ``bounded``: every file is read in a worker process with memory and time limits (``limits``), even
    with ``jobs`` 1; a file that goes over them fails with a message, the other files import."""
    files = expand_paths(paths)
    jobs = cpu_cores() if jobs is None else jobs
    as_of = options.get("as_of")
    if as_of is not None and as_of > today_shanghai():  # a future snapshot would stay current for ever
        zh = f"数据截止日期{as_of.isoformat()}晚于今天（{today_shanghai().isoformat()}），不能导入未来日期的名单"
        en = f"the as-of date {as_of.isoformat()} is in the future; nothing imported"
        return [_fail(p, zh, en) for p in files]
    if bounded and files:
        from jiuzhu.engine.intake import parallel

        return parallel.import_parallel(files, max(1, jobs), bounded=True, **options)
    if jobs > 1 and files:
        from jiuzhu.engine.intake import parallel

        if len(files) > 1 or parallel.splittable(files[0]):
            return parallel.import_parallel(files, jobs, **options)
    results: list[BatchResult] = []
    with _Warehouse() as warehouse:
        for p in files:
            results.extend(_import_file(p, warehouse, **_file_options(options)))
    return results


def _file_options(options: dict) -> dict:
    """import_file's keyword arguments, every one present."""
    defaults = {"source": None, "unit": None, "as_of": None, "sheet": None, "allow_empty": False,
                "imported_by": "cli", "progress": None}
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"unknown import options: {', '.join(sorted(unknown))}")
    return defaults | options
