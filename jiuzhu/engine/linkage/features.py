"""Read the main subject of every stored record and derive the columns linkage compares.

Name keys (pinyin, variant fold, surname, mask) are computed once per distinct name in Python;
everything per record is SQL in an in-memory DuckDB. The same feature table feeds both engines,
so DuckDB and Spark compare identical values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from jiuzhu.engine.identity import idcard
from jiuzhu.engine.identity.addresses import AddressIndex, House, Place
from jiuzhu.engine.identity.names import shape_alike_pairs
from jiuzhu.engine.linkage.model import BLOCKING_RULES, DEFAULT_ELIGIBILITY, ELIGIBILITY
from jiuzhu.engine.linkage.namekeys import name_keys
from jiuzhu.engine.linkage.scoring import paired_with
from jiuzhu.engine.region import current_region
from jiuzhu.engine.warehouse import memory_mb, settings

# Priors and name frequencies never assume fewer people than a small county: a handful of records
# (a test, a first import) must not make every shared name look rare or every pair likely.
MIN_POPULATION = 20_000

# Columns handed to Splink (one row per record), in this order.
FEATURE_COLUMNS = (
    "unique_id", "id_number", "name_norm", "name_fold", "pinyin", "surname", "name_masked",
    "name_len", "name_head", "name_tail", "birth_date", "birth_ym", "birth_year", "sex", "phone",
    "township", "village", "judgment_no", "basis_no", "name_id_persons", "name_town_id_persons",
    "name_village_id_persons", "id_birth", "birth_from", "birth_to", "alt_id",
    "hh_id", "house", "house_group", "name_rest", "pinyin_fuzzy", "near_town", "near_village",
    "near_village_pinyin", "name_shapes", "near_village_shape", "near_village_fuzzy",
)


@dataclass
class Subjects:
    """The records to link: lineage for the outputs, features for the comparisons."""

    lineage: pa.Table  # record_id, source_type, file_name, sheet, row, id_status, id_number, name, …
    features: pa.Table  # FEATURE_COLUMNS of the residue and of the ID-bearing records blocking pairs with it
    name_tf: pa.Table  # name_norm, tf_name_norm (share of the population bearing that name)
    population: int  # estimated persons: distinct valid IDs + records without one, at least MIN_POPULATION


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return con.execute(sql, [name]).fetchall()[0][0] > 0


def _case_numbers(con: duckdb.DuckDBPyConnection) -> str:
    """SQL joining each record's case numbers (victim 判决案号, enforcement 执行依据文书号)."""
    parts = ["SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS judgment_no, NULL::VARCHAR AS basis_no "
             "WHERE false"]
    if _has_table(con, "rec_victim"):
        parts.append("SELECT record_id, judgment_no, NULL FROM rec_victim WHERE judgment_no IS NOT NULL")
    if _has_table(con, "rec_enforcement"):
        parts.append("SELECT record_id, NULL, basis_no FROM rec_enforcement WHERE basis_no IS NOT NULL")
    return " UNION ALL ".join(parts)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
    return {c for (c,) in con.execute(sql, [table]).fetchall()}


# Type cells only records without a valid ID use are read for those rows alone (their own id_status,
# as every intake table has it): the warehouse streams a province's 49 M records joined with them
# under a 1.2 GB cap, so each joined side must be the few: a side of every 残疾/低保/服刑 row would not
# fit.
_WITHOUT_ID = "id_status <> 'valid'"


def _event_dates(con: duckdb.DuckDBPyConnection) -> str:
    """SQL giving each record without a valid ID its own date for registry eligibility (the earliest
    of its type's ``model.ELIGIBILITY`` dates), for the types that have one."""
    parts = ["SELECT NULL::VARCHAR AS record_id, NULL::DATE AS event_date WHERE false"]
    for source, rule in ELIGIBILITY.items():
        cols = [c for c in rule.dates if c in _columns(con, f"rec_{source}")]
        if cols:
            earliest = f"least({', '.join(cols)})" if len(cols) > 1 else cols[0]
            parts.append(f"SELECT record_id, {earliest}::DATE FROM rec_{source} WHERE {earliest} IS NOT NULL "
                         f"AND {_WITHOUT_ID}")
    return " UNION ALL ".join(parts)


# Another cell of the row naming the subject's own ID number, read only when the subject's ID is not
# valid (the corrupted cell itself is never used): the 残疾证号 (ID number + 类别 + 等级 digit,
# sources.md §3), and the 户主身份证号 of a 低保/低保边缘/监测 row whether the member is the head.
# Relation ``HEAD_RELATION`` where the type has a 与户主关系 column; 防止返贫监测 has none (see _alt_id).
CERT_SOURCES = ("disability",)
HEAD_SOURCES = ("dibao", "dibao_edge", "poverty_watch")
HEAD_RELATION = "户主"


def _alt_cells(con: duckdb.DuckDBPyConnection) -> str:
    """SQL giving, per record without a valid ID, ``alt_kind`` (cert / head), ``alt_raw`` (the cell as
    stored), ``alt_head_name`` and ``alt_relation`` (NULL when the type has no such column)."""
    parts = ["SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS alt_kind, NULL::VARCHAR AS alt_raw, "
             "NULL::VARCHAR AS alt_head_name, NULL::VARCHAR AS alt_relation WHERE false"]
    for source in CERT_SOURCES:
        if "disability_cert_no" in _columns(con, f"rec_{source}"):
            parts.append(f"SELECT record_id, 'cert', disability_cert_no, NULL, NULL FROM rec_{source} "
                         f"WHERE disability_cert_no IS NOT NULL AND {_WITHOUT_ID}")
    for source in HEAD_SOURCES:
        cols = _columns(con, f"rec_{source}")
        if {"head_id_number", "head_name"} <= cols:
            relation = "relation" if "relation" in cols else "NULL"
            parts.append(f"SELECT record_id, 'head', head_id_number, head_name, {relation} FROM rec_{source} "
                         f"WHERE head_id_number IS NOT NULL AND {_WITHOUT_ID}")
    return " UNION ALL ".join(parts)


def household_numbers(con: duckdb.DuckDBPyConnection) -> str:
    """SQL giving the 户号 of the 户籍 records ``hh_id`` may read: those of a 户 whose member holds a
    户主身份证号 named on a row without a valid ID. Not every 户籍 record: at province scale that would
    stream tens of millions of 户号 for a few thousand rows. The number is matched as written
    (trimmed, upper-case); one written otherwise (15 digits, full-width) only loses the household version."""
    empty = "SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS household_no WHERE false"
    if "household_no" not in _columns(con, "rec_household"):
        return empty
    heads = [f"SELECT {_ID_KEY.format(n=_ID_CELL.format(c='head_id_number'))} AS head FROM rec_{source} "
             f"WHERE head_id_number IS NOT NULL AND {_WITHOUT_ID}"
             for source in HEAD_SOURCES if "head_id_number" in _columns(con, f"rec_{source}")]
    # Persons whose address another registry gives (退役, 低保边缘, court rows with an ID …): the members
    # of their 户 share it (_house_of) — a 户 is the unit an address names.
    wanted = ["SELECT id_number FROM subjects WHERE id_status = 'valid' AND address IS NOT NULL "
              "AND source_type <> 'household'"]
    if heads:
        wanted.append(f"""SELECT id_number FROM subjects WHERE id_status = 'valid'
            AND {_ID_KEY.format(n="id_number")} IN ({" UNION ALL ".join(heads)})""")
    return f"""
        SELECT h.record_id, h.household_no FROM rec_household h
        WHERE h.household_no IN (
            SELECT household_no FROM rec_household WHERE record_id IN (
                SELECT record_id FROM subjects WHERE source_type = 'household' AND id_status = 'valid'
                AND id_number IN ({" UNION ".join(wanted)})))"""


# An ID cell as written, folded: full-width digits and X, spaces gone, upper case (idcard.parse_id's
# first steps); and a key an 18-digit number and its 15-digit legacy form share (the century and the
# check digit dropped), so a 户主身份证号 written either way finds the head (parse_id upgrades it after).
_ID_CELL = (r"upper(regexp_replace(translate({c}, '０１２３４５６７８９Ｘｘ', '0123456789XX'), "
            r"'[\s　]', '', 'g'))")
_ID_KEY = "CASE WHEN length({n}) = 18 THEN substr({n}, 1, 6) || substr({n}, 9, 9) ELSE {n} END"


def lineage_query(con: duckdb.DuckDBPyConnection, subjects: str = "subjects", *, households: bool = True) -> str:
    """SQL for the records to link, one row per stored record (its main subject), in no order. ``subjects``:
    the records to read (a part of ``subjects``); without ``households`` the 户号 (the one column read from
    other records than the row's own: ``household_numbers``) is NULL."""
    as_of = "b.as_of" if {"batch_id", "as_of"} <= _columns(con, "batches") else "NULL::DATE"
    batches = "LEFT JOIN batches b ON b.batch_id = s.batch_id" if as_of != "NULL::DATE" else ""
    household = f"LEFT JOIN ({household_numbers(con)}) h ON h.record_id = s.record_id" if households else ""
    return f"""
        SELECT s.record_id, s.source_type, s.file_name, s.sheet, s."row", s.id_status,
               CASE WHEN s.id_status = 'valid' THEN s.id_number END AS id_number,
               s.name, coalesce(s.name_masked, false) AS name_masked, s.sex,
               strftime(s.birth_date, '%Y-%m-%d') AS birth_date, s.phone, s.township, s.village, s.address,
               c.judgment_no, c.basis_no, e.event_date, {as_of} AS as_of,
               a.alt_kind, a.alt_raw, a.alt_head_name, a.alt_relation,
               {"h.household_no" if households else "NULL::VARCHAR AS household_no"}
        FROM {subjects} s
        LEFT JOIN ({_case_numbers(con)}) c USING (record_id)
        LEFT JOIN ({_alt_cells(con)}) a ON a.record_id = s.record_id AND s.id_status <> 'valid'
        {household}
        LEFT JOIN ({_event_dates(con)}) e USING (record_id)
        {batches}
    """


def read_subjects(con: duckdb.DuckDBPyConnection) -> Subjects:
    return derive(con.sql(lineage_query(con) + " ORDER BY s.record_id").to_arrow_table())


def name_table(distinct_names: list[str]) -> pa.Table:
    """The keys of each name (``namekeys``): columns name, norm, fold, pinyin, surname, masked, length."""
    # Not through name_keys' cache: the names are distinct, and a province's fill it (500,000 entries ≈ 0.5 GB
    # held for the rest of the process, docs/performance.md); it serves per-row callers (pseudonymize).
    uncached = name_keys.__wrapped__
    rows = [(name, *keys) for name in distinct_names if (keys := uncached(name)) is not None]
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    types = (pa.string(),) * 3 + (pa.string(), pa.string(), pa.bool_(), pa.int32())
    # Empty pinyin / surname (a masked name, 阿不都·热合曼) are NULL: they never make two names alike.
    empty_null = (False, False, False, True, True, False, False)
    fields = ("name", "norm", "fold", "pinyin", "surname", "masked", "length")
    return pa.table({c: pa.array([v or None for v in col] if blank else col, type=t)
                     for c, col, t, blank in zip(fields, cols, types, empty_null, strict=True)})


_CERT = re.compile(r"\d{17}[\dX][1-7][1-4]")  # ID number + 类别 (1–7) + 等级 (1–4) digit


def alt_number(kind: str, raw: str | None) -> str | None:
    """The valid ID number another cell of the row gives: a 残疾证号 (``cert``) of exactly 20
    characters whose first 18 are a valid ID (check digit, real birth date); a 户主身份证号 (``head``)
    read like any ID cell (a 15-digit number upgraded; a corrupted or invalid one gives none)."""
    if raw is None:
        return None
    if kind == "head":
        return idcard.parse_id(raw).number
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()  # full-width digits, spaces
    if kind == "cert" and _CERT.fullmatch(text) and idcard.is_valid(text[:18]):
        return text[:18]
    return None


def _shape_pairs() -> pa.Table:
    """The characters alike in shape (``names.shape_alike_pairs``), columns a, b, each pair both ways."""
    pairs = shape_alike_pairs()
    return pa.table({"a": pa.array([a for a, _ in pairs], pa.string()),
                     "b": pa.array([b for _, b in pairs], pa.string())})


def _alt_table(cells: list[tuple[str, str]]) -> pa.Table:
    rows = [(kind, raw, alt_number(kind, raw)) for kind, raw in cells]
    rows = [r for r in rows if r[2]]
    return pa.table({c: pa.array([r[i] for r in rows], pa.string())
                     for i, c in enumerate(("kind", "raw", "number"))})


def _per_source(attr: str) -> str:
    """SQL ``CASE`` giving ``model.ELIGIBILITY``'s ``attr`` for the record's source type."""
    default = getattr(DEFAULT_ELIGIBILITY, attr)
    whens = " ".join(f"WHEN '{source}' THEN {getattr(rule, attr)}" for source, rule in ELIGIBILITY.items()
                     if getattr(rule, attr) is not None)
    return f"CASE l.source_type {whens} ELSE {'NULL' if default is None else default} END::INTEGER"


def birth_to_sql() -> str:
    """SQL over ``l`` (a lineage row): ``birth_to`` of ``_birth_window``, the only use of the batch's as-of."""
    return f"""CASE WHEN l.id_number IS NULL
            THEN strftime(coalesce(CASE WHEN {_per_source("min_age")} > 0 THEN l.event_date END, l.as_of)
                          - to_years({_per_source("min_age")}), '%Y-%m-%d')
            END"""


def _birth_window() -> str:
    """Columns of ``rec``: ``id_birth``, the birth date an ID gives; for a record without ID the birth
    dates its registry allows (registry eligibility, ``ELIGIBILITY``), as ISO text like birth_date —
    ``birth_to``: born at the latest ``min_age`` years before its own date (the as-of date when it
    gives none, or when the rule is only "born"); ``birth_from``: at the earliest ``below_age`` years
    before its own date."""
    return f"""
       CASE WHEN l.id_number IS NOT NULL
            THEN strftime(try_strptime(substr(l.id_number, 7, 8), '%Y%m%d'), '%Y-%m-%d') END AS id_birth,
       {birth_to_sql()} AS birth_to,
       CASE WHEN l.id_number IS NULL
            THEN strftime(l.event_date - to_years({_per_source("below_age")}), '%Y-%m-%d')
            END AS birth_from,"""


def _agrees(number: str, birth: str, sex: str) -> str:
    """SQL: the row's birth date (ISO text) and sex, when given, are those of ID ``number``."""
    return f"""(nullif(trim({birth}), '') IS NULL
                  OR trim({birth}) = strftime(strptime(substr({number}, 7, 8), '%Y%m%d'), '%Y-%m-%d'))
             AND (nullif(trim({sex}), '') IS NULL
                  OR trim({sex}) = CASE WHEN substr({number}, 17, 1)::INTEGER % 2 = 1
                                        THEN '男' ELSE '女' END)"""


def _alt_id() -> str:
    """Columns of ``rec``: ``alt_id``, the ID number another cell of the row gives (alt_number), kept
    only when nothing on the row contradicts it: its birth date and sex agree with the row's when
    given, and for a 户主身份证号 the member is the head — 与户主关系 户主 and a 户主姓名 compatible
    with the member's (same characters, variant, pinyin or one character apart: a typo on one of the
    two cells); with no 与户主关系 (防止返贫监测 has none) the two names must be identical, and the
    row's name not masked either way. ``alt_head``: the 户主身份证号 of a row without ID."""
    return f"""
       CASE WHEN l.id_number IS NULL AND x.number IS NOT NULL
             AND {_agrees("x.number", "l.birth_date", "l.sex")}
             AND (l.alt_kind = 'cert'
                  OR (NOT coalesce(l.name_masked, false) AND NOT coalesce(k.masked, true)
                      AND NOT coalesce(h.masked, true)
                      AND CASE WHEN nullif(trim(l.alt_relation), '') IS NULL THEN h.norm = k.norm
                               ELSE trim(l.alt_relation) = '{HEAD_RELATION}'
                                    AND (h.norm = k.norm OR h.fold = k.fold OR h.pinyin = k.pinyin
                                         OR (h.length = k.length AND levenshtein(h.fold, k.fold) = 1)) END))
            THEN x.number END AS alt_id,
       CASE WHEN l.id_number IS NULL AND l.alt_kind = 'head' THEN x.number END AS alt_head,
       l.household_no,"""


def records_sql() -> str:
    """Table ``rec``: one row per record of ``compared`` with the values linkage compares, blanks as
    NULL — the valid ID, name keys (``names``), birth window, alt_id, place, phone, case numbers."""
    return f"""
CREATE TEMP TABLE rec AS
SELECT l.record_id, l.id_number,{_birth_window()}{_alt_id()}
       k.norm, k.fold, k.pinyin, k.surname, k.length,
       coalesce(l.name_masked, false) OR coalesce(k.masked, false) AS masked,
       nullif(trim(l.birth_date), '') AS birth, nullif(trim(l.sex), '') AS sex,
       nullif(trim(l.phone), '') AS phone, nullif(trim(l.township), '') AS township,
       nullif(trim(l.village), '') AS village,
       nullif(trim(l.judgment_no), '') AS judgment_no, nullif(trim(l.basis_no), '') AS basis_no
FROM compared l LEFT JOIN names k ON k.name = l.name
LEFT JOIN names h ON h.name = l.alt_head_name
LEFT JOIN alts x ON x.kind = l.alt_kind AND x.raw = l.alt_raw
"""


# A person's 户: the 户号 of each ID number (户籍 rows).
_ID_HOUSEHOLDS = ("(SELECT DISTINCT id_number, household_no FROM rec "
                  "WHERE household_no IS NOT NULL AND id_number IS NOT NULL)")


def _household_ids() -> str:
    """Table ``hh`` (record_id, hh_id), the household version of alt_id: a 低保/低保边缘/监测 member
    without ID who is not the head (no alt_id) but whose row names a valid 户主身份证号 — among the
    ID-bearing persons of the head's 户 (户籍 户号 of a record with that number), the one with a
    compatible name (same characters, variant or pinyin) whose birth date and sex agree with the
    row's when given. Exactly one, else no row."""
    return f"""
CREATE TEMP TABLE hh AS
SELECT w.record_id, min(m.id_number) AS hh_id
FROM rec w
JOIN {_ID_HOUSEHOLDS} hd
  ON hd.id_number = w.alt_head
JOIN rec m ON m.household_no = hd.household_no AND m.id_number IS NOT NULL AND m.id_number <> w.alt_head
     AND NOT m.masked AND (m.norm = w.norm OR m.fold = w.fold OR m.pinyin = w.pinyin)
     AND {_agrees("m.id_number", "w.birth", "w.sex")}
WHERE w.alt_id IS NULL AND w.alt_head IS NOT NULL AND NOT w.masked AND w.norm IS NOT NULL
GROUP BY w.record_id HAVING count(DISTINCT m.id_number) = 1
"""


# Who bears each name is counted in persons (a person in five registries counts once), and only for
# the names some record without a valid ID bears: every count (and name frequency) is read for such
# a record, or for a record compared with one on an equal name; a county's other ~10⁵ names need none.
def _residue_names() -> str:
    """Table ``residue_names``: the distinct unmasked names of records without a valid ID."""
    return """
CREATE TEMP TABLE residue_names AS
SELECT DISTINCT norm FROM rec WHERE id_number IS NULL AND norm IS NOT NULL AND NOT masked;"""


def _by_name() -> str:
    """Table ``by_name`` (norm, id_persons, residue): per residue name, the ID-bearing persons who bear
    it and the records without ID that bear it."""
    return """
CREATE TEMP TABLE by_name AS
SELECT norm, count(DISTINCT id_number) AS id_persons, count(*) FILTER (WHERE id_number IS NULL) AS residue
FROM rec WHERE norm IN (SELECT norm FROM residue_names) AND NOT masked GROUP BY norm;"""


def _by_place(table: str, place: str) -> str:
    """Table ``table`` (norm, ``place``, n): per residue name and township or village of a record whose
    features are built (``cand``), the ID-bearing persons there who bear it. Only those pairs: at province
    scale the residue bears nearly every name, and every (name, place) of the region would be tens of
    millions of rows."""
    return f"""
CREATE TEMP TABLE {table} AS
SELECT norm, {place}, count(DISTINCT id_number) AS n FROM rec
WHERE id_number IS NOT NULL AND NOT masked AND {place} IS NOT NULL
  AND norm IN (SELECT norm FROM residue_names)
  AND EXISTS (SELECT 1 FROM cand c WHERE c.norm = rec.norm AND c.{place} = rec.{place})
GROUP BY ALL;"""


# For a record without ID, only the namesakes its registry could list count (a 失业登记 row named
# 陈秀英 where one 陈秀英 is of working age and the other 80 has one candidate): per record, since
# the window depends on its dates. Joining each such record with every namesake grows with the
# square of the region (a province's residue 王伟 × its thousands of 王伟), so per place level the
# namesakes' birth dates get a running count of persons and each window reads two of them (ASOF):
# persons born up to its latest date minus those born before its earliest.
def _windowed() -> str:
    """Table ``windowed``: the records without ID whose registry bounds the birth date, with name,
    place and window."""
    return """
CREATE TEMP TABLE windowed AS
SELECT record_id, norm, township, village, birth_from, birth_to FROM rec
WHERE id_number IS NULL AND NOT masked AND norm IS NOT NULL
  AND (birth_from IS NOT NULL OR birth_to IS NOT NULL);"""


def _level_keys(key: str) -> tuple[str, ...]:
    return ("norm", *([key] if key else []))


def _cumulative_holders(key: str, level: str) -> str:
    """Table ``cum_<level>`` (norm[, key], id_birth, cum): per name of ``windowed`` (and place ``key`` of
    the level), the ID-bearing persons bearing it born on or before each birth date — only at the places
    some record of ``windowed`` bearing the name is in (a province's residue bears nearly every name),
    filtered before the persons are told apart."""
    keys = ", ".join(_level_keys(key))
    read = " AND ".join(f"w.{k} = h.{k}" for k in _level_keys(key))
    return f"""
CREATE TEMP TABLE cum_{level} AS
SELECT {keys}, id_birth, sum(n) OVER (PARTITION BY {keys} ORDER BY id_birth ROWS UNBOUNDED PRECEDING) AS cum
FROM (SELECT {keys}, id_birth, count(*) AS n
      FROM (SELECT DISTINCT {keys}, id_number, id_birth FROM rec h
            WHERE id_number IS NOT NULL AND NOT masked AND id_birth IS NOT NULL
              AND EXISTS (SELECT 1 FROM windowed w WHERE {read}))
      GROUP BY ALL);"""


def _eligible_at_level(key: str, level: str) -> str:
    """Table ``n_<level>`` (record_id, n): per record of ``windowed``, the namesakes (in its place at the
    level) born within its window."""
    on = " AND ".join(f"w.{k} = {{a}}.{k}" for k in _level_keys(key))
    return f"""
CREATE TEMP TABLE n_{level} AS
SELECT w.record_id, coalesce(a.cum, 0) - coalesce(b.cum, 0) AS n
FROM windowed w
ASOF LEFT JOIN cum_{level} a ON {on.format(a="a")} AND coalesce(w.birth_to, '9999-12-31') >= a.id_birth
ASOF LEFT JOIN cum_{level} b ON {on.format(a="b")} AND coalesce(w.birth_from, '0000-01-01') > b.id_birth;"""


# Place levels of the eligible counts: (column of the place, level name); the county has no column.
_LEVELS = (("", "county"), ("township", "town"), ("village", "village"))


def _by_eligible() -> str:
    """Table ``by_eligible`` (record_id, n, n_town, n_village): the eligible namesakes of each record of
    ``windowed`` in the county, its township and its village."""
    return """
CREATE TEMP TABLE by_eligible AS
SELECT record_id, c.n, t.n AS n_town, v.n AS n_village
FROM n_county c JOIN n_town t USING (record_id) JOIN n_village v USING (record_id);"""


# Keys of a name for a one-character typo: the name minus its last character, minus its middle one
# (first + last), minus its first (a changed surname: 林华兰 / 材华兰); and its pinyin as a southern ear
# confuses it (模糊音, as every pinyin input method offers): zh/z, ch/c, sh/s, n/l, r/l, h/f, -ng/-n.
NAME_HEAD = "CASE WHEN NOT r.masked AND length(r.fold) >= 2 THEN substr(r.fold, 1, length(r.fold) - 1) END"
NAME_TAIL = ("CASE WHEN NOT r.masked AND length(r.fold) >= 3 "
              "THEN substr(r.fold, 1, 1) || substr(r.fold, length(r.fold), 1) END")
NAME_REST = "CASE WHEN NOT r.masked AND length(r.fold) >= 2 THEN substr(r.fold, 2) END"
FUZZY_OF = r"""regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            {p}, '(^| )([zcs])h', '\1\2', 'g'), '(^| )[nr]', '\1l', 'g'), '(^| )h', '\1f', 'g'),
            'ng( |$)', 'n\1', 'g')"""
PINYIN_FUZZY = f"CASE WHEN NOT r.masked THEN {FUZZY_OF.format(p='r.pinyin')} END"


def _shape_variants() -> str:
    """Table ``shape_variants`` (fold, variants): per name of a record without ID, every name one
    character alike in shape away from it (``shape_pairs``: 王秀英 → 玉秀英, 主秀英 …) as ``|a|b|``: the
    pair's test is then ``instr`` on both engines (``model.SHAPE_PAIR``). A variant holds no ``|`` and
    has the name's length, so a name found in the text is one of them, never a piece of two."""
    return """
CREATE TEMP TABLE shape_variants AS
SELECT f.fold, '|' || string_agg(substr(f.fold, 1, p.i - 1) || s.b || substr(f.fold, p.i + 1), '|'
                                 ORDER BY p.i, s.b) || '|' AS variants
FROM (SELECT DISTINCT fold FROM rec WHERE id_number IS NULL AND NOT masked AND fold IS NOT NULL) f
CROSS JOIN LATERAL (SELECT unnest(range(1, length(f.fold) + 1)) AS i) p
JOIN shape_pairs s ON s.a = substr(f.fold, p.i, 1)
GROUP BY f.fold;"""


# Near names around a record without ID: the ID-bearing persons of its township whose name is one
# character apart (same length) or sounds alike (模糊音) — the candidates a clerk's slip could have
# come from. Counted in its township, and of those in its village; in the village also those of the
# same pinyin, and those alike in shape (形近). One equi-join per key (an OR in the join would pair
# every record of a township), then the exact test. Feature columns near_*; model comparison near_unique.
def _fuzzy_of() -> str:
    """Table ``fuzzy_of`` (pinyin, fuzzy): the 模糊音 key (``PINYIN_FUZZY``) of each pinyin of an unmasked
    record — computed once per pinyin, not per record (a province's 49 M records hold ~10⁵ names)."""
    return f"""
CREATE TEMP TABLE fuzzy_of AS
SELECT pinyin, {FUZZY_OF.format(p="pinyin")} AS fuzzy
FROM (SELECT DISTINCT pinyin FROM rec WHERE NOT masked AND pinyin IS NOT NULL);"""


def _keyed_from(who: str) -> str:
    """SELECT of the unmasked records with a township and a name (``who``: which, by ID) with the name's
    typo and sound keys."""
    return f"""
SELECT r.record_id, r.id_number, r.township, r.village, r.length, r.fold, r.pinyin,
       f.fuzzy, {NAME_HEAD} AS head, {NAME_TAIL} AS tail, {NAME_REST} AS rest
FROM rec r LEFT JOIN fuzzy_of f ON f.pinyin = r.pinyin
WHERE NOT r.masked AND r.norm IS NOT NULL AND r.township IS NOT NULL AND r.id_number {who}"""


def _near_sources() -> str:
    """Table ``near_src``: the unmasked records without ID with a township, whose near names are counted,
    with their keys (``_keyed_from``) and the names alike in shape (``shape_variants``)."""
    return f"""
CREATE TEMP TABLE near_src AS
SELECT k.*, v.variants AS shapes FROM ({_keyed_from("IS NULL")}) k LEFT JOIN shape_variants v ON v.fold = k.fold;"""


_NEAR_KEYS = ("fuzzy", "head", "tail", "rest")


def _keyed() -> str:
    """Table ``keyed``: the unmasked ID-bearing records that may hold a near name of a record without ID —
    one of its keys (``_NEAR_KEYS``) in its township —, with their keys. Only those: the near-name join
    reads nothing else of a province's records."""
    meets = " OR ".join(f"EXISTS (SELECT 1 FROM near_src s WHERE s.township = c.township AND s.{key} = c.{key})"
                        for key in _NEAR_KEYS)
    return f"""
CREATE TEMP TABLE keyed AS
SELECT * FROM ({_keyed_from("IS NOT NULL")}) c WHERE {meets};"""


def _near_pairs() -> str:
    """Table ``near_pairs`` (record_id, id_number, same_village, same_pinyin, same_fuzzy, same_shape): each
    record of ``near_src`` with each ID-bearing person of its township whose name is one character apart
    or sounds alike."""
    candidates = " UNION ALL ".join(f'''
    SELECT s.record_id, c.id_number, c.village, c.pinyin, c.fuzzy, c.fold, c.length
    FROM near_src s JOIN keyed c
      ON c.township = s.township AND c.{key} = s.{key} AND c.id_number IS NOT NULL'''
                                    for key in _NEAR_KEYS)
    return f"""
CREATE TEMP TABLE near_pairs AS
SELECT DISTINCT s.record_id, c.id_number, c.village = s.village AS same_village,
       c.pinyin = s.pinyin AS same_pinyin, c.fuzzy = s.fuzzy AS same_fuzzy,
       coalesce(instr(s.shapes, c.fold) > 0, false) AS same_shape
FROM near_src s JOIN (
    {candidates}
) c ON c.record_id = s.record_id
WHERE c.fuzzy = s.fuzzy OR (c.length = s.length AND levenshtein(c.fold, s.fold) <= 1);"""


def _near() -> str:
    """Table ``near`` (record_id, n_town, n_village, n_village_pinyin, n_village_shape, n_village_fuzzy):
    per record of ``near_pairs``, the near-named persons in its township, in its village, and in its
    village with the same pinyin, a name alike in shape, or the same 模糊音 key."""
    return """
CREATE TEMP TABLE near AS
SELECT record_id, count(DISTINCT id_number) AS n_town,
       count(DISTINCT id_number) FILTER (WHERE same_village) AS n_village,
       count(DISTINCT id_number) FILTER (WHERE same_village AND same_pinyin) AS n_village_pinyin,
       count(DISTINCT id_number) FILTER (WHERE same_village AND same_shape) AS n_village_shape,
       count(DISTINCT id_number) FILTER (WHERE same_village AND same_fuzzy) AS n_village_fuzzy
FROM near_pairs GROUP BY record_id;"""


# Each feature column as SQL over a record ``r`` of ``rec`` and the tables joined for it (by alias).
_FEATURE_SQL = {
    "unique_id": "r.record_id", "id_number": "r.id_number", "name_norm": "r.norm",
    "name_fold": "CASE WHEN NOT r.masked THEN r.fold END",
    "pinyin": "CASE WHEN NOT r.masked THEN r.pinyin END",
    "surname": "r.surname", "name_masked": "r.masked", "name_len": "r.length::INTEGER",
    "name_head": NAME_HEAD, "name_tail": NAME_TAIL,
    "birth_date": "r.birth", "birth_ym": "substr(r.birth, 1, 7)", "birth_year": "substr(r.birth, 1, 4)",
    "sex": "r.sex", "phone": "r.phone", "township": "r.township", "village": "r.village",
    "judgment_no": "r.judgment_no", "basis_no": "r.basis_no",
    # how many ID-bearing persons this name could be: in the county, the township, the village (for a
    # record without ID, only those its registry could list); NULL for a name no record without ID bears
    # (by_name)
    "name_id_persons": "CASE WHEN NOT r.masked AND n.norm IS NOT NULL THEN coalesce(e.n, n.id_persons, 0) END::INTEGER",
    "name_town_id_persons": ("CASE WHEN NOT r.masked AND n.norm IS NOT NULL AND r.township IS NOT NULL "
                             "THEN coalesce(e.n_town, t.n, 0) END::INTEGER"),
    "name_village_id_persons": ("CASE WHEN NOT r.masked AND n.norm IS NOT NULL AND r.village IS NOT NULL "
                                "THEN coalesce(e.n_village, v.n, 0) END::INTEGER"),
    "id_birth": "r.id_birth", "birth_from": "r.birth_from", "birth_to": "r.birth_to", "alt_id": "r.alt_id",
    "hh_id": "hh.hh_id", "house": "ho.house", "house_group": "ho.house_group",
    "name_rest": NAME_REST, "pinyin_fuzzy": "CASE WHEN NOT r.masked THEN fz.fuzzy END",
    "near_town": "nr.n_town", "near_village": "nr.n_village", "near_village_pinyin": "nr.n_village_pinyin",
    "name_shapes": "CASE WHEN NOT r.masked THEN sv.variants END", "near_village_shape": "nr.n_village_shape",
    "near_village_fuzzy": "nr.n_village_fuzzy",
}
_FEATURE_JOINS = {
    "fz": "LEFT JOIN fuzzy_of fz ON fz.pinyin = r.pinyin",
    "hh": "LEFT JOIN hh ON hh.record_id = r.record_id",
    "ho": "LEFT JOIN house_of ho ON ho.record_id = r.record_id",
    "nr": "LEFT JOIN near nr ON nr.record_id = r.record_id",
    "sv": "LEFT JOIN shape_variants sv ON sv.fold = r.fold AND r.id_number IS NULL",
    "n": "LEFT JOIN by_name n ON n.norm = r.norm",
    "t": "LEFT JOIN by_town t ON t.norm = r.norm AND t.township = r.township",
    "v": "LEFT JOIN by_village v ON v.norm = r.norm AND v.village = r.village",
    "e": "LEFT JOIN by_eligible e ON e.record_id = r.record_id",
}
# What a blocking rule reads of a record (l.x / r.x), with its ID: enough to tell which records some rule
# pairs with the residue before building their other features.
BLOCKING_COLUMNS = tuple(c for c in FEATURE_COLUMNS if c in {"unique_id", "id_number"} | {
    col for rule in BLOCKING_RULES for col in re.findall(r"\b[lr]\.(\w+)", rule)})


def _features(source: str = "rec", columns: tuple[str, ...] = FEATURE_COLUMNS) -> str:
    """SELECT of ``columns`` (of ``_FEATURE_SQL``) for every record of ``source`` (a table of ``rec``'s
    columns), joined with only the tables those columns read."""
    exprs = [_FEATURE_SQL[c] for c in columns]
    joins = [join for alias, join in _FEATURE_JOINS.items()
             if any(re.search(rf"\b{alias}\.", e) for e in exprs)]
    select = ", ".join(f"{e} AS {c}" for e, c in zip(exprs, columns, strict=True))
    return f"SELECT {select}\nFROM {source} r\n" + "\n".join(joins)


def _residue_keys() -> str:
    """Table ``residue_keys``: the blocking columns of the records without ID."""
    return f"CREATE TEMP TABLE residue_keys AS {_features('rec', BLOCKING_COLUMNS)} WHERE r.id_number IS NULL;"


def _candidates() -> str:
    """Table ``cand``: the records whose features are built, with ``rec``'s columns — the residue and the
    ID-bearing records some blocking rule pairs with it (``scoring.paired_with``; only their blocking
    columns are read for that). The namesake counts and every other feature are then joined to these
    alone, not to a province's 49 M records."""
    return f"""
CREATE TEMP TABLE cand AS
SELECT * FROM rec WHERE record_id IN (
    SELECT r.unique_id FROM ({_features('rec', BLOCKING_COLUMNS)}) r
    WHERE r.id_number IS NULL OR {paired_with("residue_keys")});"""


def _term_frequencies(population: int) -> str:
    """SELECT of (name_norm, tf_name_norm) per residue name, the share of the population bearing it: a
    name held by ID-bearing persons counts those persons; a name seen only on records without an ID
    counts those records (they may be one person or several)."""
    return f"""
SELECT norm AS name_norm,
       (CASE WHEN id_persons > 0 THEN id_persons ELSE residue END) / {population}::DOUBLE AS tf_name_norm
FROM by_name ORDER BY norm
"""


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


# Python's str.isspace() set, so that SQL picks every row _blank() would call empty.
_SPACE_ONLY = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]*"


def address_index(work: duckdb.DuckDBPyConnection) -> AddressIndex:
    """The places addresses are read against: the region's townships and those seen in relation
    ``lineage``, each with the villages seen with it."""
    known: dict[str, set[str]] = {}
    for town, village in work.sql("SELECT DISTINCT township, village FROM lineage").fetchall():
        if not _blank(town):
            known.setdefault(town.strip(), set())
            if not _blank(village):
                known[town.strip()].add(village.strip())
    region = current_region()
    region_names = (region.province, region.city, region.county)
    return AddressIndex(set(region.townships) | set(known), known, region_names)


# What AddressReader keeps of each address it read: AddressIndex.locate's place and .house's house (NULLs: none).
ADDRESS_FIELDS = ("address", "township", "village", "house_township", "house_village", "house_group",
                  "house_number")


class AddressReader:
    """``AddressIndex.locate`` and ``.house`` of the addresses ``places`` and ``_houses`` read in relation
    ``lineage`` of ``work`` — each address read once, the index (``address_index``) built on first need.
    ``known``: the answers (``answers()``) of a linkage whose index was this one — the same (township, village)
    pairs, region and code, which ``delta.known_addresses`` checks —: only the addresses it lacks are read
    (a county's 15,655 addresses ≈ 0.35 CPU s of Python, docs/performance.md)."""

    def __init__(self, work: duckdb.DuckDBPyConnection, index: AddressIndex | None = None,
                 known: pa.Table | None = None) -> None:
        self._work, self._index = work, index
        self._known = ({} if known is None else
                       {row[0]: row[1:] for row in zip(*(known.column(c).to_pylist() for c in ADDRESS_FIELDS),
                                                        strict=True)})
        self._read: dict[str, tuple[Place | None, House | None]] = {}

    def _answer(self, address: str | None) -> tuple[Place | None, House | None]:
        if address is None:
            return None, None
        found = self._read.get(address)
        if found is None:
            stored = self._known.get(address)
            if stored is not None:
                town, village, h_town, h_village, group, number = stored
                found = (None if town is None else Place(town, village),
                         None if h_town is None else House(h_town, h_village, group, number))
            else:
                self._index = self._index or address_index(self._work)
                found = self._index.read(address)
            self._read[address] = found
        return found

    def locate(self, address: str | None) -> Place | None:
        return self._answer(address)[0]

    def house(self, address: str | None) -> House | None:
        return self._answer(address)[1]

    def answers(self) -> pa.Table:
        """Every address read (from ``known`` or the index) with its answers, columns ``ADDRESS_FIELDS``."""
        rows = [(a, *(p or (None, None)), *(h or (None, None, None, None)))
                for a, (p, h) in sorted(self._read.items())]
        return pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(ADDRESS_FIELDS)})


# The house number an address ends with, for a first cut in SQL (full-width digits folded).
NUMBER_SQL = ("ltrim(regexp_extract(translate({a}, '０１２３４５６７８９', '0123456789'), "
               "'([0-9]{{1,5}})(?:-[0-9]{{1,4}})?(?:号|栋|幢)', 1), '0')")


def _houses(work: duckdb.DuckDBPyConnection, reader: AddressReader | None = None) -> None:
    """Table ``houses`` (record_id, house, house_group): the village and house number (and 组) an
    address names, ``identity.addresses.AddressIndex.house``, as keys ``township|village|number`` and
    ``township|village|number|group``.

    Read for the records without a valid ID, and for the ID-bearing records whose address may name
    the same house — same township (given or read), same number at the end, the village's name in it
    (a cut in SQL; a province holds millions of addresses, and a house only matters when a record
    without ID names it)."""
    columns = [c for c, *_ in work.sql("DESCRIBE lineage").fetchall()]
    empty = pa.table({c: pa.array([], pa.string()) for c in ("record_id", "house", "house_group")})
    if "address" not in columns:
        work.register("houses", empty)
        return
    reader = reader or AddressReader(work)
    rows: dict[str, list] = {"record_id": [], "house": [], "house_group": []}

    def read(found: list[tuple]) -> list[tuple[str, str]]:
        out = []
        for record_id, address in found:
            h = reader.house(address)
            if h is None or h.number is None:
                continue  # a 组 alone is too wide a place to be a house
            key = f"{h.township}|{h.village}|{h.number}"
            rows["record_id"].append(record_id)
            rows["house"].append(key)
            rows["house_group"].append(f"{key}|{h.group}" if h.group else None)
            out.append((h.township, h.village, h.number))
        return out

    residue = work.sql("""SELECT record_id, address FROM compared
                          WHERE id_number IS NULL AND address IS NOT NULL
                          ORDER BY record_id""").fetchall()
    wanted = sorted(set(read(residue)))
    if wanted:
        work.register("wanted_houses", pa.table({c: pa.array([w[i] for w in wanted], pa.string())
                                                 for i, c in enumerate(("township", "village", "number"))}))
        others = work.sql(f"""
            SELECT DISTINCT c.record_id, c.address FROM compared c JOIN wanted_houses w
              ON w.township = trim(c.township) AND w.number = {NUMBER_SQL.format(a="c.address")}
             AND contains(c.address, w.village)
            WHERE c.id_number IS NOT NULL AND c.address IS NOT NULL ORDER BY c.record_id""").fetchall()
        work.unregister("wanted_houses")
        read(others)
    work.register("houses", pa.table({c: pa.array(v, pa.string()) for c, v in rows.items()})
                  if rows["record_id"]
                  else empty)


# The house of a record: its own address's; for an ID-bearing record without one, the house another
# record of the same person names, else one a member of the same 户 (户籍 户号) names — the other
# records of the household. One value per record (a person with two addresses keeps one): the least
# house, and the 组 of that house (``_least_house``) — not min(house) beside min(house_group), which can pair
# one house with another's 组 ("t|v|1" < "t|v|12" but "t|v|12|1" < "t|v|1|3", and a NULL 组 is skipped).
def _least_house(prefix: str = "") -> str:
    """SELECT items ``house, house_group`` of the least house among a group's rows and that house's least 组
    (a struct's min: by house, then 组, a NULL 组 last)."""
    least = f"min({{'house': {prefix}house, 'house_group': {prefix}house_group}})"
    return f"{least}.house AS house, {least}.house_group AS house_group"


def _own_house() -> str:
    """Table ``own_house``: the records whose own address names a house (``houses``), with ID and 户号."""
    return """
CREATE TEMP TABLE own_house AS
SELECT r.record_id, r.id_number, r.household_no, h.house, h.house_group
FROM rec r JOIN houses h USING (record_id);"""


def _person_house() -> str:
    """Table ``person_house``: per ID number, a house some record of the person names."""
    return f"""
CREATE TEMP TABLE person_house AS
SELECT id_number, {_least_house()} FROM own_house
WHERE id_number IS NOT NULL GROUP BY id_number;"""


def _household_house() -> str:
    """Table ``household_house``: per 户号, a house some member of the 户 names."""
    return f"""
CREATE TEMP TABLE household_house AS
SELECT m.household_no, {_least_house("p.")}
FROM rec m JOIN person_house p ON p.id_number = m.id_number
WHERE m.household_no IS NOT NULL GROUP BY m.household_no;"""


def _id_house() -> str:
    """Table ``id_house``: per ID number, the house of a 户 it is registered in — one, when a register holds the
    ID under two 户号 (a duplicate registration): a record's features are one row."""
    return f"""
CREATE TEMP TABLE id_house AS
SELECT m.id_number, {_least_house("hh.")}
FROM {_ID_HOUSEHOLDS} m JOIN household_house hh ON hh.household_no = m.household_no
GROUP BY m.id_number;"""


def _house_of() -> str:
    """Table ``house_of`` (record_id, house, house_group): the house of each record that has one — its
    own address's, else its person's, else its household's."""
    return """
CREATE TEMP TABLE house_of AS
SELECT r.record_id,
       coalesce(o.house, p.house, hh.house) AS house,
       CASE WHEN o.house IS NOT NULL THEN o.house_group WHEN p.house IS NOT NULL THEN p.house_group
            ELSE hh.house_group END AS house_group
FROM rec r
LEFT JOIN own_house o ON o.record_id = r.record_id
LEFT JOIN person_house p ON p.id_number = r.id_number
LEFT JOIN id_house hh ON hh.id_number = r.id_number
WHERE o.house IS NOT NULL OR (r.id_number IS NOT NULL AND coalesce(p.house, hh.house) IS NOT NULL);"""


def _per_record_tables() -> list[tuple[str, str]]:
    """(temporary table or view, CREATE statement) of every per-record step, in the order to run them."""
    return [
        ("rec", records_sql()),
        ("hh", _household_ids()),
        ("own_house", _own_house()),
        ("person_house", _person_house()),
        ("household_house", _household_house()),
        ("id_house", _id_house()),
        ("house_of", _house_of()),
        ("shape_variants", _shape_variants()),
        ("fuzzy_of", _fuzzy_of()),
        ("near_src", _near_sources()),
        ("keyed", _keyed()),
        ("near_pairs", _near_pairs()),
        ("near", _near()),
        ("residue_names", _residue_names()),
        ("by_name", _by_name()),
        ("windowed", _windowed()),
        *((f"{t}_{level}", build(key, level)) for key, level in _LEVELS
          for t, build in (("cum", _cumulative_holders), ("n", _eligible_at_level))),
        ("by_eligible", _by_eligible()),
        ("residue_keys", _residue_keys()),
        ("cand", _candidates()),
        ("by_town", _by_place("by_town", "township")),
        ("by_village", _by_place("by_village", "village")),
    ]


def _after_steps(guard: bool) -> list[str]:
    """What derive_in runs on the steps' tables after the last step (population, features, frequencies, guard)."""
    return ["FROM rec", _features("cand"), _term_frequencies(MIN_POPULATION), *([_GUARD] if guard else [])]


def _last_readers(steps: list[tuple[str, str]], after: list[str]) -> dict[str, list[str]]:
    """Per step, the tables of earlier steps (or its own) that no later statement reads (``after``: those run
    once the steps are done): dropped as soon as that step is done. At a cap below ``rec``'s size every table
    kept in the pool pushes ``rec`` out to the spill, to be read back by the next step that scans it, and a
    province's ``keyed`` and ``near_pairs`` are 10⁷ rows each (docs/performance.md, "Sixth session of
    2026-12-08"). A name in a statement counts as a read (an alias of the same name too: kept longer, never
    dropped too soon)."""
    statements = [statement for _, statement in steps] + after
    gone: dict[str, list[str]] = {}
    for i, (name, statement) in enumerate(steps):
        if "TEMP VIEW" in statement:
            continue
        read = re.compile(rf"\b{re.escape(name)}\b")
        last = max((j for j, later in enumerate(statements) if j > i and read.search(later)), default=None)
        if last is not None and last < len(steps):
            gone.setdefault(steps[last][0], []).append(name)
    return gone


def places(work: duckdb.DuckDBPyConnection, index: AddressIndex | None = None,
           reader: AddressReader | None = None) -> None:
    """View ``compared``: relation ``lineage`` with empty township / village filled from the address
    text where it names them.

    退役军人 and 服刑 files, and court parties, carry an address but no 乡镇/村 columns. The known
    townships are the region's plus those seen in the data; the known villages of a township are
    those seen with it. A given township is never overwritten: a village is filled only when the
    address names the same township the row gives (or the row gives none). Only the rows with an
    address and an empty place are read into Python. ``index``: the places of another relation
    (delta.py fills a few changed rows against the whole lineage's places); ``reader``: the one ``_houses``
    reads with too (an address read once).
    """
    columns = [c for c, *_ in work.sql("DESCRIBE lineage").fetchall()]
    if "address" not in columns:
        work.execute("CREATE OR REPLACE TEMP VIEW compared AS SELECT * FROM lineage")
        return
    def blank(col: str) -> str:
        return f"({col} IS NULL OR regexp_full_match({col}, '{_SPACE_ONLY}'))"

    todo = work.sql(f"""
        SELECT record_id, township, village, address FROM lineage
        WHERE address IS NOT NULL AND ({blank("township")} OR {blank("village")})
        ORDER BY record_id""").fetchall()
    todo = [r for r in todo if not _blank(r[3]) and (_blank(r[1]) or _blank(r[2]))]
    filled: dict[str, list] = {"record_id": [], "township": [], "village": []}
    if todo:
        reader = reader or AddressReader(work, index)
        for record_id, town, village, address in todo:
            place = reader.locate(address)
            if place is None:
                continue
            if _blank(town):
                town = place.township
            if _blank(village) and place.village and town.strip() == place.township:
                village = place.village
            for col, value in (("record_id", record_id), ("township", town), ("village", village)):
                filled[col].append(value)
    work.register("places", pa.table({c: pa.array(v, pa.string()) for c, v in filled.items()}))
    work.execute("""
        CREATE OR REPLACE TEMP VIEW compared AS
        SELECT l.* REPLACE (CASE WHEN p.record_id IS NULL THEN l.township ELSE p.township END AS township,
                            CASE WHEN p.record_id IS NULL THEN l.village ELSE p.village END AS village)
        FROM lineage l LEFT JOIN places p USING (record_id)""")


def derive(lineage: pa.Table) -> Subjects:
    work = duckdb.connect()
    try:
        work.register("lineage", lineage)
        features, name_tf, population = derive_in(work)
    finally:
        work.close()
    return Subjects(lineage, features, name_tf, population)


# What the features of the residue and its candidates read of the ID-bearing records beyond their own
# row, names and places (delta.py): ``head``, the IDs of the heads a row without ID names (``hh``); ``hh``,
# their 户号 and those of every 户 given a house; ``house``, every ID given a house with the house
# (``house_of``); ``name``, the ID-bearing persons of each residue name (``by_name``: what
# ``name_id_persons`` of an ID-bearing record is).
_GUARD = f"""
CREATE OR REPLACE TEMP TABLE link_guard AS
WITH heads AS (SELECT DISTINCT alt_head AS id FROM rec WHERE alt_head IS NOT NULL)
SELECT 'head' AS kind, id AS value, NULL::BIGINT AS n, NULL::VARCHAR AS house FROM heads
UNION SELECT 'house', r.id_number, NULL, h.house FROM house_of h JOIN rec r USING (record_id)
      WHERE r.id_number IS NOT NULL
UNION SELECT 'hh', d.household_no, NULL, NULL FROM {_ID_HOUSEHOLDS} d WHERE d.id_number IN (SELECT id FROM heads)
UNION SELECT 'hh', household_no, NULL, NULL FROM household_house WHERE household_no IS NOT NULL
UNION SELECT 'name', norm, id_persons, NULL FROM by_name"""


def _register_names(work: duckdb.DuckDBPyConnection, known_names: pa.Table | None) -> None:
    """Relations ``names`` (the name keys of every name and 户主 name in ``lineage``) and ``alts`` in ``work``.
    ``known_names``: a name_table computed meanwhile (run.py reads the warehouse's names while the records
    stream in); only the names it lacks are read here."""
    known = known_names if known_names is not None else name_table([])
    work.register("known_names", known)
    names = [n for (n,) in work.sql("""
        SELECT DISTINCT name FROM (SELECT name FROM lineage UNION ALL SELECT alt_head_name FROM lineage)
        WHERE name <> '' AND name NOT IN (SELECT name FROM known_names)""").fetchall()]
    work.register("names", pa.concat_tables([known, name_table(names)]))
    work.unregister("known_names")
    # Only the rows without a valid ID carry an alt cell (lineage_query): few, read once in Python.
    cells = work.sql("SELECT DISTINCT alt_kind, alt_raw FROM lineage WHERE alt_raw IS NOT NULL "
                     "ORDER BY ALL").fetchall()
    work.register("alts", _alt_table(cells))


def derive_in(work: duckdb.DuckDBPyConnection, known_names: pa.Table | None = None,
              guard: bool = False, step: Callable[[str], None] | None = None,
              known_addresses: pa.Table | None = None) -> tuple[pa.Table, pa.Table, int]:
    """Features, name frequencies and population of the records in relation ``lineage`` of ``work``.

    Every per-record step is SQL in ``work`` (a province's 49 M records never become Python
    objects); the features returned are only the records Splink may compare: the residue (no valid
    ID) and the ID-bearing records some blocking rule pairs with it (``scoring.paired_with``).
    ``guard``: also leave table ``link_guard`` (kind ``id``/``hh``, value) and relation ``read_addresses``
    (``AddressReader.answers``) in ``work`` for delta.py. ``known_addresses``: answers read under this lineage's
    address index by an earlier linkage (``AddressReader``).
    ``step``: called with each step's name once it is done (run.StageLog's ``step=`` lines).
    """
    done = step or (lambda _name: None)
    reader = AddressReader(work, known=known_addresses)
    places(work, reader=reader)  # compared values only: the lineage kept for the outputs stays as stored
    _register_names(work, known_names)
    done("names")
    _houses(work, reader)
    done("houses")
    work.register("shape_pairs", _shape_pairs())
    steps = _per_record_tables()
    gone = _last_readers(steps, _after_steps(guard))
    for name, statement in steps:
        work.execute(statement)
        done(name)
        for table in gone.get(name, ()):
            work.execute(f"DROP TABLE {table}")
    population = work.sql(
        "SELECT count(DISTINCT id_number) + count(*) FILTER (WHERE id_number IS NULL) FROM rec"
    ).fetchall()[0][0]
    population = max(int(population), MIN_POPULATION)
    # Only the records in ``cand``: every record's features would be a province's 49 M rows of 37 columns.
    # They are a province's 10⁷ rows still (≈ 5 GiB of Arrow, outside DuckDB's cap): DuckDB gets half its cap
    # from their export to the end of the derivation — the guard's joins over every record at the full cap beside
    # them set the province's peak (12.4 GB at a 6 GB cap, docs/performance.md "Fourth session").
    with settings(work, memory_limit=f"{max(256, memory_mb(work) // 2)}MB"):
        features = work.sql(f"SELECT * FROM ({_features('cand')}) ORDER BY unique_id").to_arrow_table()
        done("features")
        name_tf = work.sql(_term_frequencies(population)).to_arrow_table()
        if guard:
            work.execute(_GUARD)
            work.register("read_addresses", reader.answers())
    # Memory for the outputs: every intermediate table goes, newest first (views before their tables).
    work.unregister("houses")
    work.unregister("shape_pairs")
    dropped = {table for tables in gone.values() for table in tables}
    for name, statement in reversed(steps):
        if name not in dropped:
            work.execute(f"DROP {'VIEW' if 'TEMP VIEW' in statement else 'TABLE'} {name}")
    return features, name_tf, population
