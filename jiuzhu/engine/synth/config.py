"""Rates of the simulated region: registry memberships per 100k residents and dirt per row.

Every figure here is documented (with its source or assumption) in docs/synth.md; change
them there and here together. All rates are configurable through :class:`SynthConfig`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Rates:
    """Registry rows per 100,000 residents (persons, not households)."""

    dibao: float = 3000  # 低保 members
    dibao_edge: float = 1000  # 低保边缘 members
    tekun: float = 400  # 特困
    temp_relief: float = 700  # 临时救助 events per year (file covers two years)
    disability: float = 6000  # 持证残疾人
    poverty_watch: float = 1500  # 防止返贫监测对象 members
    child_care: float = 25  # 孤儿 and 事实无人抚养儿童 (on top of planted ones)
    veteran: float = 2000
    unemployment: float = 800
    prisoner: float = 250  # currently serving
    victim: float = 400  # per year of judgments (file covers two years)
    enforcement: float = 1500  # 终本 cases with a natural-person applicant
    planted_per_rule: float = 40  # planted positives per rule (at least min_planted)
    min_planted: int = 12
    deaths: float = 600  # 人员状态 死亡 rows still in the household registry
    missing: float = 40  # 失踪


@dataclass(frozen=True)
class Dirt:
    """Share of eligible rows (or cells) that carry each kind of dirt (sources.md §1)."""

    id_legacy15: float = 0.02  # 15-digit legacy number (people born 1900–1999)
    id_lower_x: float = 0.5  # of IDs ending in X, written with a lower-case x
    id_fullwidth: float = 0.01  # full-width digits
    id_spaces: float = 0.01  # inner spaces
    id_float: float = 0.005  # Excel stored the ID as a number (corrupted)
    id_invalid: float = 0.003  # one digit mistyped (check digit fails)
    id_missing: float = 0.003  # empty ID cell (registry rows)
    id_missing_enforcement: float = 0.08  # 申请执行人身份证号 empty
    id_missing_victim: float = 0.03  # 被害人身份证号 empty
    name_masked: float = 0.04  # 卢某某 / 郑** in court files (rows with a valid ID only)
    name_typo: float = 0.01  # homophone or variant character
    date_mixed: float = 0.15  # date cells in a format other than the file's own
    amount_mixed: float = 0.15  # amount cells written as 30,000.00 / 3万 / ¥30000
    rejected_row: float = 0.001  # empty required cell or bad required enumeration
    dropped_value: float = 0.002  # impossible date in an optional column
    duplicate_row: float = 0.002  # identical row repeated (files without a 序号 column)
    multiline_cell: float = 0.03  # address with a line break inside a quoted CSV cell
    enum_variant: float = 0.2  # 二级 → 2级 / 2, 肢体 → 肢体残疾, 男 → 男性
    # file-level: share of files (of those where the kind can occur) that have it
    file_title: float = 0.85  # title row(s) above the header (CSV: 0.6 of this)
    file_subtitle: float = 0.5  # a 填报单位/数据截止日期 row under the title
    file_blank_row: float = 0.3  # a blank row between title and header
    file_serial: float = 0.6  # a 序号 column
    file_two_row_header: float = 0.4  # merged two-row header (xlsx)
    file_header_breaks: float = 0.3  # line breaks inside header cells
    file_required_star: float = 0.3  # `*` before required headers
    file_totals: float = 0.5  # 合计/总计 row under the data
    file_notes: float = 0.5  # 注：… and 填表人：… rows under the data
    file_serial_only_rows: float = 0.3  # empty pre-numbered rows (with a 序号 column)
    file_instructions_sheet: float = 0.4  # a 填表说明 sheet before the data (xlsx)
    file_hidden_sheet: float = 0.3  # a hidden drop-down list sheet (xlsx)


@dataclass(frozen=True)
class IdPoor:
    """The ID-poor option (docs/synth.md): registries as bad as real court data gets."""

    victim_stripped: float = 0.25
    enforcement_stripped: float = 0.20
    typo_when_stripped: float = 0.3
    # A stripped row's typo may change the surname (林 → 琳), a character alike in shape or an unrelated
    # one (names.typo_wide), not only a given name's homophone or variant: clerks make all of these.
    wide_typos: bool = True
    # Of the stripped rows, the share that keeps neither birth date, phone nor sex: the name and the
    # address text are all that is left (docs/linkage.md: what such a row can still be linked by).
    address_only_when_stripped: float = 0.3
    namesakes_per_100k: float = 300  # extra same-name people planted in the same township


@dataclass(frozen=True)
class SynthConfig:
    rates: Rates = field(default_factory=Rates)
    dirt: Dirt = field(default_factory=Dirt)
    id_poor: IdPoor | None = None

    def as_dict(self) -> dict:
        return {
            "rates": asdict(self.rates),
            "dirt": asdict(self.dirt),
            "id_poor": asdict(self.id_poor) if self.id_poor else None,
        }
