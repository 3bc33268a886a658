"""Registry records → rows of cells, with the dirt of real departmental files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

import jiuzhu.engine.synth.cells as cl
import jiuzhu.engine.synth.names as nm
from jiuzhu.engine.synth.config import Dirt, IdPoor
from jiuzhu.engine.synth.layouts import Column, Layout
from jiuzhu.engine.synth.population import Population, to_date
from jiuzhu.engine.synth.state import DISABILITY_KINDS
from jiuzhu.engine.synth.writers import Frame, SheetWriter, open_writer

_PLAIN = frozenset(("text", "name", "id", "other_id", "phone", "cert"))
VALID_FORMS = ("plain", "lower_x", "legacy15", "fullwidth", "spaces")
FLAG_REASON = {"missing": "empty", "float": "corrupted", "invalid": "invalid"}
GROUP_FIELDS = ("name", "sex", "id_number", "birth_date", "phone", "address")


@dataclass
class FileStyle:
    serial: bool
    columns: list[Column]
    headers: list[str]
    date_style: str
    case_style: int
    two_row: bool
    totals: bool
    notes: bool
    serial_only_rows: int
    units: dict[str, str] = field(default_factory=dict)  # amount field → "", 元, 万元


# The role prefix of the main subject's columns in the court files.
_PARTY = {"victim": "被害人", "enforcement": "申请执行人"}


class FileRenderer:
    """One output file: its style is chosen once, rows are added chunk by chunk."""

    def __init__(self, layout: Layout, fmt: str, path: Path, rng: np.random.Generator, dirt: Dirt,
                 id_poor: IdPoor | None, place: str, as_of: date, flags: set[str], part: Path | None = None) -> None:
        self.layout, self.fmt, self.path, self.rng, self.dirt, self.id_poor = layout, fmt, path, rng, dirt, id_poor
        self.csv = fmt.startswith("csv")
        self.as_of = as_of
        self.counts: Counter[str] = Counter()
        self.eligible: Counter[str] = Counter()
        self.rows_written = 0
        self.file_dirt: set[str] = set()
        self.flags = flags  # file-level dirt planned for this file (plan_file_dirt)
        self.style = self._choose_style(rng)
        self.writer: SheetWriter = open_writer(path, fmt, self._frame(rng, place, as_of), part)
        self.last_row: list[object] | None = None

    # ---------------------------------------------------------------- file-level choices
    def _choose_style(self, rng: np.random.Generator) -> FileStyle:
        layout = self.layout
        # Court files always carry birth date, phone and address (ordinary and --id-poor alike): a
        # party whose ID is missing still leaves them (docs/synth.md "Court files").
        force = {"phone", "address", "birth_date"} if layout.source in ("victim", "enforcement") else set()
        # The keep draw is made for every optional column, and a column present only because it is
        # forced takes no draw for its header: the file's other choices (headers, dirt, date style)
        # use the same random numbers as when these columns were optional.
        cols, forced = [], []
        for c in layout.columns:
            kept = c.required or rng.random() < c.keep
            if kept or c.field in force:
                cols.append(c)
                if not kept:
                    forced.append(c)
        if force and not any(c.field == "birth_date" for c in cols):  # neither layout has one
            prefix = _PARTY[layout.source]
            added = Column("birth_date", (prefix + "出生日期",) if layout.source == "enforcement" else
                           ("出生日期", prefix + "出生日期"), kind="date")
            cols.insert(5 if layout.source == "enforcement" else 2, added)
            forced.append(added)
        star = "required_star" in self.flags
        breaks = "header_line_breaks" in self.flags
        headers = []
        units = {}
        for c in cols:
            if any(c is f for f in forced):
                headers.append("")  # chosen below, once the file's other headers are known
                continue
            h = c.headers[int(rng.integers(0, len(c.headers)))]
            if c.kind == "amount":
                units[c.field] = "万元" if "万元" in h else ("元" if "元" in h else "")
            if breaks and len(h) == 2 and rng.random() < 0.5:  # 姓  名, as forms space short headers
                h = h[0] + "  " + h[1]
            elif breaks and len(h) >= 4 and (rng.random() < 0.4 or "header_line_breaks" not in self.file_dirt):
                cut = int(rng.integers(2, len(h) - 1))
                if "(" not in h[cut - 1:cut + 1] and "（" not in h[cut - 1:cut + 1]:
                    h = h[:cut] + "\n" + h[cut:]
                    self.file_dirt.add("header_line_breaks")
            if star and c.required:
                h = "*" + h
                self.file_dirt.add("required_star")
            headers.append(h)
        if forced:
            # role-prefixed (被害人联系电话) when another optional column of the file is prefixed
            prefix = _PARTY[layout.source]
            prefixed = any(h.startswith(prefix) for h, c in zip(headers, cols, strict=True) if h and not c.required)
            for c in forced:
                fits = [h for h in c.headers if h.startswith(prefix) == prefixed] or list(c.headers)
                headers[next(i for i, x in enumerate(cols) if x is c)] = fits[0]
        serial = "serial_column" in self.flags
        two_row = "two_row_merged_header" in self.flags
        date_style = str(rng.choice(cl.DATE_FORMATS_CSV if self.csv else ("cell", "cell", "iso", "slash", "cn")))
        return FileStyle(serial=serial, columns=cols, headers=headers, date_style=date_style,
                         case_style=int(rng.choice([0, 0, 1, 2])), two_row=two_row, totals="totals_row" in self.flags,
                         notes="notes_rows" in self.flags,
                         serial_only_rows=int(rng.integers(2, 8)) if "serial_only_rows" in self.flags else 0,
                         units=units)

    def _frame(self, rng: np.random.Generator, place: str, as_of: date) -> Frame:
        s = self.style
        header = (["序号"] if s.serial else []) + s.headers
        title_rows: list[list[object]] = []
        if "title_row" in self.flags:
            title_rows.append([f"{place}{as_of.year}年{as_of.month}月{self.layout.title}"])
            self.file_dirt.add("title_row")
            if "subtitle_row" in self.flags:
                title_rows.append(
                    [
                        f"填报单位：{place}{self.layout.office}    "
                        f"数据截止日期：{as_of.year}年{as_of.month}月{as_of.day}日"
                    ]
                )
                self.file_dirt.add("subtitle_row")
            if "blank_row" in self.flags:
                title_rows.append([])
                self.file_dirt.add("blank_row")
        frame = Frame(
            title_rows=title_rows,
            header=header,
            sheet_name=str(rng.choice(["Sheet1", self.layout.title[:10], "花名册"])),
        )
        if s.two_row:
            top: list[object] = []
            off = 1 if s.serial else 0
            grouped = [i + off for i, c in enumerate(s.columns) if c.field in GROUP_FIELDS]
            span = (
                (grouped[0], grouped[-1])
                if grouped and grouped[-1] - grouped[0] + 1 == len(grouped) and len(grouped) > 1
                else None
            )
            for i, h in enumerate(header):
                if span and span[0] <= i <= span[1]:
                    top.append(
                        ("基本信息" if self.layout.source not in ("victim", "enforcement") else "当事人信息")
                        if i == span[0]
                        else None
                    )
                else:
                    top.append(h)
                    frame.vertical.append(i)
            if span:
                frame.header_top = top
                frame.merges_top = [span]
            else:
                frame.vertical = []
                s.two_row = False
        if s.serial:
            self.file_dirt.add("serial_column")
        if s.two_row:
            self.file_dirt.add("two_row_merged_header")
        if s.totals:
            self.file_dirt.add("totals_row")
        if s.notes:
            self.file_dirt.add("notes_rows")
        if s.serial_only_rows:
            self.file_dirt.add("serial_only_rows")
        if "instructions_sheet" in self.flags:
            self.file_dirt.add("instructions_sheet")
            frame.instructions = ["填表说明：", "1. 身份证号码请填写18位，末位X大写。", "2. 日期格式为YYYY-MM-DD。",
                                  "3. 金额单位为元。", "4. 本表由各乡镇汇总后报送。"]
        if "hidden_sheet" in self.flags:
            self.file_dirt.add("hidden_sheet")
            frame.hidden_lists = [["男", "女"], ["是", "否"], ["城市", "农村"]]
        return frame

    # ---------------------------------------------------------------- rows
    def id_form(self, id18: str, born: int, protected: bool, missing_kind: str, missing_rate: float,
                stripped: bool) -> str:
        """The form of the main subject's ID cell; counts each kind against the rows that could
        have had it (checks run in a fixed order, so each kind's share is its configured rate)."""
        d, u = self.dirt, self.rng.random(7)
        if stripped:
            self.counts["id_stripped"] += 1
            return "missing"
        form = "plain"
        steps = (
            (missing_kind, missing_rate, True, "missing"),
            ("id_float", d.id_float, not protected and id18[-1] != "X", "float"),
            ("id_invalid", d.id_invalid, True, "invalid"),
            ("id_legacy15", d.id_legacy15, 1900 <= born <= 1999, "legacy15"),
            ("id_fullwidth", d.id_fullwidth, True, "fullwidth"),
            ("id_spaces", d.id_spaces, True, "spaces"),
            ("id_lower_x", d.id_lower_x, id18[-1] == "X", "lower_x"),
        )
        for (kind, rate, allowed, name), draw in zip(steps, u, strict=True):
            if not allowed:
                continue
            self.eligible[kind] += 1
            if draw < rate:
                self.counts[kind] += 1
                form = name
                break
        return form

    def date(self, d: date | None) -> object:
        if d is None:
            return ""
        self.eligible["date_mixed"] += 1
        style = self.style.date_style
        if self.rng.random() < self.dirt.date_mixed:
            options = [s for s in (cl.DATE_FORMATS_CSV if self.csv else cl.DATE_FORMATS_XLSX) if s != style]
            style = options[int(self.rng.integers(0, len(options)))]
            self.counts["date_mixed"] += 1
        return cl.fmt_date(d, style, self.csv)

    def amount(self, fen: int | None, fieldname: str) -> object:
        if fen is None:
            return ""
        unit = self.style.units.get(fieldname, "")
        mixed = False
        if unit == "":
            self.eligible["amount_mixed"] += 1
            mixed = self.rng.random() < self.dirt.amount_mixed
            if mixed:
                self.counts["amount_mixed"] += 1
        return cl.fmt_amount(fen, unit, self.rng, mixed, self.csv)

    def render(self, values: dict[str, object], rejected: str | None, dropped: str | None) -> list[object]:
        """``values``: canonical field → clean value; returns the cells of the row."""
        out: list[object] = []
        csv = self.csv
        for c in self.style.columns:
            f = c.field
            v = values.get(f)
            if f == rejected:
                out.append(bad_value(c, v))
            elif f == dropped:
                out.append("2023-02-30" if self.rng.random() < 0.5 else "2023年13月5日")
            elif v is None:
                out.append("")
            elif c.kind in _PLAIN or (c.kind == "address" and not csv):
                out.append(v)
            else:
                out.append(self.cell(c, v))
        return out

    def cell(self, c: Column, v: object) -> object:
        if v is None:
            return ""
        k = c.kind
        if k == "date":
            return self.date(v)  # type: ignore[arg-type]
        if k == "birth":
            header = self.style.headers[self.style.columns.index(c)]
            return cl.fmt_month(v, self.rng) if "出生年月" in header else self.date(v)  # type: ignore[arg-type]
        if k == "amount":
            return self.amount(v, c.field)  # type: ignore[arg-type]
        if k == "case":
            style = self.style.case_style if self.rng.random() > 0.1 else int(self.rng.integers(0, 4))
            return cl.case_number(str(v), style)
        if k == "sex":
            variant = self.rng.random() < self.dirt.enum_variant
            self.eligible["enum_variant"] += 1
            self.counts["enum_variant"] += variant
            return cl.sex_cell(bool(v), variant)
        if k == "enum":
            self.eligible["enum_variant"] += 1
            if self.rng.random() < self.dirt.enum_variant:
                self.counts["enum_variant"] += 1
                if v in cl.GRADE_VARIANTS:
                    return cl.GRADE_VARIANTS[str(v)][int(self.rng.integers(0, 2))]
                if v in DISABILITY_KINDS:
                    return f"{v}残疾"
            return v
        if k == "bool":
            return "是" if v else "否"
        if k == "int":
            return v if self.csv else cl.Num(int(v))  # type: ignore[arg-type]
        if k == "address" and self.csv and "组" in str(v):
            self.eligible["multiline_cell"] += 1
            if self.rng.random() < self.dirt.multiline_cell:
                self.counts["multiline_cell"] += 1
                s = str(v)
                i = s.index("村") + 1 if "村" in s else s.index("组") - 1
                return s[:i] + "\n" + s[i:]
        return v

    def add(self, row: list[object]) -> int:
        if self.style.serial:
            row = [self.rows_written + 1 if not self.csv else str(self.rows_written + 1)] + row
        self.rows_written += 1
        self.last_row = row
        return self.writer.add(row)

    def close(self) -> None:
        s = self.style
        tail: list[list[object]] = []
        width = len(s.columns) + (1 if s.serial else 0)
        for k in range(s.serial_only_rows):
            tail.append([self.rows_written + k + 1])
        if s.totals:
            t: list[object] = [""] * width
            t[0] = "合计" if self.rng.random() < 0.7 else "总计"
            tail.append(t)
        if s.notes:
            tail.append([f"注：本表数据截止{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日，共{self.rows_written}条。"])
            tail.append(["填表人：林某某    审核人：陈某某"])
        self.writer.close(tail)


def bad_value(c: Column, v: object) -> object:
    if c.kind == "date":
        return "2024-02-30"
    if c.kind == "amount":
        return f"-{int(v) // 100}" if v else ""
    if c.kind == "enum":
        return "五级" if c.field == "disability_grade" else "其他类"
    if c.kind == "bool":
        return "待定"
    if c.field in ("monitor_category", "care_category"):
        return "待核实"
    return ""


def bad_reason(c: Column) -> str:
    if c.kind in ("date", "amount", "enum", "bool") or c.field in ("monitor_category", "care_category"):
        return "bad_value"
    return "empty_required"


class PersonView:
    """The §2 values of a chunk's residents as plain lists (numpy scalar access is slow per row)."""

    def __init__(self, pop: Population) -> None:
        county = pop.county
        hh = pop.household
        town = pop.hh_township[hh]
        village_of = [county.villages[t][v] for t, v in zip(pop.hh_township.tolist(), pop.hh_village.tolist(),
                                                              strict=True)]
        self.name = pop.name.tolist()
        self.id_number = pop.id_number.tolist()
        self.male = pop.male.tolist()
        self.birth_days = pop.birth.tolist()
        self.phone = pop.phone.tolist()
        self.township = [county.townships[t] for t in town.tolist()]
        self.village = [village_of[h] for h in hh.tolist()]
        self.address = pop.hh_address[hh].tolist()
        self._births: dict[int, date] = {}

    def birth(self, p: int) -> date:
        b = self._births.get(p)
        if b is None:
            b = self._births[p] = to_date(self.birth_days[p])
        return b

    def values(self, p: int) -> dict[str, object]:
        return {
            "name": self.name[p], "id_number": self.id_number[p], "sex": self.male[p], "birth_date": self.birth(p),
            "phone": self.phone[p] or None, "township": self.township[p], "village": self.village[p],
            "address": self.address[p],
        }


def name_for(fr: FileRenderer, name: str, court: bool, valid_id: bool, stripped: bool) -> str:
    """The name as the office wrote it: sometimes mistyped, in court files sometimes masked."""
    rng, d = fr.rng, fr.dirt
    kind, rate = ("name_typo_stripped", fr.id_poor.typo_when_stripped) if stripped and fr.id_poor \
        else ("name_typo", d.name_typo)
    fr.eligible[kind] += 1
    if rng.random() < rate:
        t = nm.typo_wide(rng, name) if stripped and fr.id_poor and fr.id_poor.wide_typos else nm.typo(rng, name)
        if t != name:
            fr.counts[kind] += 1
            return t
    if court and valid_id:
        fr.eligible["name_masked"] += 1
        if rng.random() < d.name_masked:
            fr.counts["name_masked"] += 1
            return nm.mask(rng, name)
    return name


FILE_DIRT = {  # kind → (config rate field, formats it can occur in, kind it needs)
    "title_row": ("file_title", None, None),
    "subtitle_row": ("file_subtitle", None, "title_row"),
    "blank_row": ("file_blank_row", None, "title_row"),
    "serial_column": ("file_serial", None, None),
    "serial_only_rows": ("file_serial_only_rows", None, "serial_column"),
    "two_row_merged_header": ("file_two_row_header", ("xlsx",), None),
    "header_line_breaks": ("file_header_breaks", None, None),
    "required_star": ("file_required_star", None, None),
    "totals_row": ("file_totals", None, None),
    "notes_rows": ("file_notes", None, None),
    "instructions_sheet": ("file_instructions_sheet", ("xlsx",), None),
    "hidden_sheet": ("file_hidden_sheet", ("xlsx",), None),
}


def plan_file_dirt(rng: np.random.Generator, formats: dict[str, str], dirt: Dirt,
                   streamed: bool = False) -> dict[str, set[str]]:
    """Which files get which file-level dirt: round(rate × eligible files), at least one file
    when any is eligible, so every kind is present in every generated region. Streamed files
    (province scale, written in parts) have no 序号 column: its numbers would span the parts."""
    plan: dict[str, set[str]] = {s: set() for s in formats}
    for kind, (rate_field, fmts, needs) in FILE_DIRT.items():
        if streamed and kind in ("serial_column", "serial_only_rows"):
            continue
        eligible = [
            s for s, f in formats.items() if (fmts is None or f in fmts) and (needs is None or needs in plan[s])
        ]
        if not eligible:
            continue
        k = max(1, round(getattr(dirt, rate_field) * len(eligible)))
        for s in rng.choice(eligible, size=min(k, len(eligible)), replace=False).tolist():
            plan[s].add(kind)
    return plan
