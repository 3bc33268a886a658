"""Person profiles at the as-of date, and the subjects rules look at, as portable SQL.

Everything here runs unchanged on DuckDB and Spark SQL: `CASE`, `COALESCE`, `year()/month()/day()`,
`DATE '…'` literals, equi-joins and `GROUP BY` only. Stages are materialised in order by a backend.

Inputs (docs/architecture.md): the views ``cur_<type>``, ``person_index`` and ``persons``.
A record that linkage has not indexed gets the person key ``r:<record_id>`` (a person of one record).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from jiuzhu.engine.screening.conditions import Related, Schema, literal
from jiuzhu.engine.screening.coverage import Coverage
from jiuzhu.engine.screening.profile import PROFILE

# The source types screening reads, with the columns it uses beyond the common ones (and their kinds).
SOURCE_COLUMNS: dict[str, dict[str, str]] = {
    "victim": {"crime": "text", "injury": "text", "judgment_no": "text", "defendant_name": "text",
               "compensation_judged": "int", "compensation_paid": "int", "incident_date": "date",
               "judgment_date": "date"},
    "enforcement": {"enforcement_no": "text", "basis_no": "text", "cause": "text", "respondent_name": "text",
                    "amount_applied": "int", "amount_unpaid": "int", "filed_date": "date",
                    "terminated_date": "date"},
    "prisoner": {"crime": "text", "sentence_start": "date", "sentence_end": "date", "prison": "text"},
    "household": {"household_no": "text", "relation": "text", "status": "text"},
    "dibao": {"relation": "text", "monthly_amount": "int", "enrolled_date": "date", "category": "text"},
    "tekun": {"support_mode": "text", "self_care": "text", "enrolled_date": "date"},
    "dibao_edge": {"relation": "text", "enrolled_date": "date", "category": "text"},
    "temp_relief": {"relief_date": "date", "relief_amount": "int", "relief_reason": "text"},
    "disability": {"disability_cert_no": "text", "disability_kind": "text", "disability_grade": "text"},
    "poverty_watch": {"monitor_category": "text", "main_risk": "text", "risk_eliminated": "bool",
                      "identified_date": "date"},
    "child_care": {"care_category": "text", "guardian_name": "text", "monthly_amount": "int",
                   "enrolled_date": "date"},
    "veteran": {"discharge_date": "date", "veteran_category": "text", "periodic_benefit": "bool"},
    "unemployment": {"registered_date": "date", "hard_to_employ": "bool"},
}
COMMON_COLUMNS: dict[str, str] = {
    "record_id": "text", "batch_id": "text", "source_type": "text", "file_name": "text", "sheet": "text",
    "row": "int", "id_status": "text", "name": "text", "id_number": "text", "sex": "text",
    "birth_date": "date", "township": "text", "village": "text",
}
SQL_TYPES = {"text": "STRING", "int": "BIGINT", "bool": "BOOLEAN", "date": "DATE"}
# Stages a backend keeps as views, not tables: read once, for a few people (writing them out is a
# copy of the whole profile, resp. of every registry row).
VIEWS = frozenset(("person_subject", "membership"))

# Which profile column each hardship registry name of terms.toml stands for.
HARDSHIP_COLUMNS = {
    "dibao": "in_dibao", "tekun": "in_tekun", "dibao_edge": "in_dibao_edge", "temp_relief": "in_temp_relief",
    "child_care": "in_child_care", "disability": "in_disability", "poverty_watch_open": "poverty_watch_open",
    "unemployment_hard": "unemployment_hard",
}

_VICTIM_FIELDS = ("crime", "injury", "judgment_no", "compensation_judged", "incident_date", "judgment_date")
_ENF_FIELDS = ("enforcement_no", "basis_no", "cause", "respondent_name", "amount_applied", "amount_unpaid",
               "filed_date", "terminated_date")

_OWN: dict[str, dict[str, str]] = {
    "person": {"trigger_key": "text"},
    "victim_case": {
        "trigger_key": "text", "victim_record": "text", "enforcement_record": "text", "link_by": "text",
        **{f: SOURCE_COLUMNS["victim"][f] for f in _VICTIM_FIELDS}, "compensation_paid": "int",
        **{f: SOURCE_COLUMNS["enforcement"][f] for f in _ENF_FIELDS},
    },
    "victim": {
        "trigger_key": "text", "victim_record": "text",
        **{f: SOURCE_COLUMNS["victim"][f] for f in _VICTIM_FIELDS}, "compensation_paid": "int",
        "uncompensated": "bool", "age_at_incident": "int", "linked_unpaid_count": "int",
        "linked_unpaid_total": "int", "linked_unpaid_max": "int", "linked_terminated_date": "date",
        "outstanding": "int",
    },
    "enforcement": {"trigger_key": "text", "enforcement_record": "text",
                    **{f: SOURCE_COLUMNS["enforcement"][f] for f in _ENF_FIELDS}},
    "child": {
        "trigger_key": "text", "child_record": "text", "household_no": "text", "relation": "text",
        "known_parents": "int",
        **{f"{p}_{c}": k for p in ("pa", "pb") for c, k in (
            ("key", "text"), ("record", "text"), ("relation", "text"), ("sex", "text"), ("dead", "bool"),
            ("missing", "bool"), ("imprisoned", "bool"), ("absent", "bool"), ("severe", "bool"),
            ("is_victim", "bool"))},
    },
}
SUBJECTS = tuple(_OWN)

_RELATED = {
    "victim": Related("s_victim", {c: k for c, k in SOURCE_COLUMNS["victim"].items()}),
    "enforcement": Related("s_enforcement", {c: k for c, k in SOURCE_COLUMNS["enforcement"].items()}),
}


@cache
def subject_schema(subject: str) -> Schema:
    return Schema({**PROFILE, **_OWN[subject]}, _RELATED)


def _age(birth: str, at: str) -> str:
    """Whole years from ``birth`` to ``at`` (both SQL date expressions)."""
    return (f"(year({at}) - year({birth}) - CASE WHEN month({at}) < month({birth}) OR "
            f"(month({at}) = month({birth}) AND day({at}) < day({birth})) THEN 1 ELSE 0 END)")


def _minus_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _list(values: list[str]) -> str:
    return ", ".join(literal(v, "text") for v in values)


# A record linkage has not indexed is a person of its own (``r`` the record, ``pi`` its person_index row).
PERSON_KEY = "COALESCE(pi.person_key, concat('r:', r.record_id)) AS person_key"


def _projection(st: str) -> str:
    # Only the columns screening reads: at province scale the household projection alone is 41 M rows.
    return ", ".join(f"r.{c}" for c in (*COMMON_COLUMNS, *SOURCE_COLUMNS[st]))


def stages(as_of: date, terms: Mapping[str, Any], coverage: Coverage | None = None, *,
           scoped: bool = False) -> list[tuple[str, str]]:
    """(table name, SELECT) in the order to materialise them.

    ``coverage`` (coverage.py): build the profile only for the people the rules can concern;
    None: everyone. ``scoped`` (scope.py, no coverage): only the records of ``scope_records`` and the
    people of ``scope_profile``."""
    day = literal(as_of, "date")
    relief_from = literal(_minus_months(as_of, int(terms["temp_relief_months"])), "date")
    if scoped:
        out = [(f"s_{st}", _scoped_rows(st)) for st in SOURCE_COLUMNS]
    else:
        # With a coverage, s_household is built later from the rows the covered people need.
        out = [(f"s_{st}", _source_rows(st)) for st in SOURCE_COLUMNS if coverage is None or st != "household"]
    if coverage is not None:
        out.extend(_coverage_stages(terms, coverage))
    out += [
        ("people", _people("scope_profile" if scoped else "coverage_people" if coverage is not None else None)),
        ("profile", _profile(day, relief_from, terms)),
        ("person_subject", _person_subject()),
        ("victim_links", _victim_links()),
        ("victim_case_subject", _victim_case_subject()),
        ("victim_subject", _victim_subject()),
        ("enforcement_subject", _enforcement_subject()),
        ("child_subject", _child_subject(terms, coverage)),
        ("membership", _membership(day, relief_from, terms)),
    ]
    return out


def _source_rows(st: str) -> str:
    """``s_<type>``: every current record of the type, the columns screening reads and its person key."""
    return (f"SELECT {_projection(st)}, {PERSON_KEY} "
            f"FROM cur_{st} r LEFT JOIN person_index pi ON pi.record_id = r.record_id")


def _scoped_rows(st: str) -> str:
    """``s_<type>`` of a scoped run: the records of the type in ``scope_records``, with their person key."""
    return (f"SELECT {_projection(st)}, k.person_key FROM cur_{st} r JOIN scope_records k "
            f"ON k.record_id = r.record_id AND k.source_type = {literal(st, 'text')}")


def _people(within_table: str | None) -> str:
    """``people``: one row per person (of ``within_table`` — the coverage or the scope —, else everyone) with
    the best name, ID number, sex and birth date: those of ``persons``, else the least of the person's
    records."""
    union = " UNION ALL ".join(
        f"SELECT person_key, name, id_number, sex, birth_date FROM s_{st}" for st in SOURCE_COLUMNS)
    within = "" if within_table is None else f"JOIN {within_table} sp ON sp.person_key = u.person_key"
    return f"""
        SELECT k.person_key, COALESCE(p.name, k.name) AS name,
               COALESCE(p.id_number, k.id_number) AS id_number,
               COALESCE(p.sex, k.sex) AS sex, COALESCE(p.birth_date, k.birth_date) AS birth_date
        FROM (SELECT u.person_key, MIN(name) AS name, MIN(id_number) AS id_number, MIN(sex) AS sex,
                     MIN(birth_date) AS birth_date FROM ({union}) u {within} GROUP BY u.person_key) k
        LEFT JOIN persons p ON p.person_key = k.person_key"""


_GRADE = ("CASE disability_grade WHEN '一级' THEN 1 WHEN '二级' THEN 2 WHEN '三级' THEN 3 "
          "WHEN '四级' THEN 4 END")


def _registry_facts(day: str, relief_from: str, terms: Mapping[str, Any]) -> dict[str, str]:
    """Alias → SELECT of one row per person with a fact of one registry at ``day`` (joined to ``people``
    by ``_profile``): a flag ``f``, or the figures the profile reads (best disability grade ``r``/``rk``,
    open monitoring ``o``, hard to employ ``h``, dead ``d``/missing ``m``, uncompensated ``u``, unpaid
    enforcement count ``n``, total ``t`` and largest ``mx``)."""
    dead, missing = literal(terms["dead_status"], "text"), literal(terms["missing_status"], "text")
    return {
        "dib": "SELECT person_key, 1 AS f FROM s_dibao GROUP BY person_key",
        "tek": "SELECT person_key, 1 AS f FROM s_tekun GROUP BY person_key",
        "edg": "SELECT person_key, 1 AS f FROM s_dibao_edge GROUP BY person_key",
        "trl": f"SELECT person_key, 1 AS f FROM s_temp_relief WHERE relief_date > {relief_from} "
               f"AND relief_date <= {day} GROUP BY person_key",
        "ccr": "SELECT person_key, 1 AS f FROM s_child_care GROUP BY person_key",
        "dis": f"SELECT person_key, MIN({_GRADE}) AS r, MIN(CASE WHEN disability_kind IN "
               f"({_list(terms['severe_kinds'])}) THEN {_GRADE} END) AS rk "
               f"FROM s_disability GROUP BY person_key",
        "pvw": "SELECT person_key, MAX(CASE WHEN risk_eliminated = FALSE THEN 1 ELSE 0 END) AS o "
               "FROM s_poverty_watch GROUP BY person_key",
        "une": "SELECT person_key, MAX(CASE WHEN hard_to_employ = TRUE THEN 1 ELSE 0 END) AS h "
               "FROM s_unemployment GROUP BY person_key",
        "vet": "SELECT person_key, 1 AS f FROM s_veteran GROUP BY person_key",
        "pri": f"SELECT person_key, 1 AS f FROM s_prisoner "
               f"WHERE (sentence_start IS NULL OR sentence_start <= {day}) "
               f"AND sentence_end >= {day} GROUP BY person_key",
        "hhs": f"SELECT person_key, MAX(CASE WHEN status = {dead} THEN 1 ELSE 0 END)"
               f" AS d, MAX(CASE WHEN status = {missing} THEN 1 ELSE 0 END) AS m "
               f"FROM s_household GROUP BY person_key",
        "vic": "SELECT person_key, MAX(CASE WHEN compensation_judged > compensation_paid "
               "THEN 1 ELSE 0 END) AS u FROM s_victim GROUP BY person_key",
        "unp": "SELECT person_key, COUNT(*) AS n, CAST(SUM(amount_unpaid) AS BIGINT) AS t, "
               "MAX(amount_unpaid) AS mx FROM s_enforcement WHERE amount_unpaid > 0 GROUP BY person_key",
    }


# Boolean profile columns, each an expression over the aliases of ``_registry_facts``.
_FLAGS = {
    "in_dibao": "dib.f IS NOT NULL", "in_tekun": "tek.f IS NOT NULL", "in_dibao_edge": "edg.f IS NOT NULL",
    "in_temp_relief": "trl.f IS NOT NULL", "in_child_care": "ccr.f IS NOT NULL",
    "in_disability": "dis.person_key IS NOT NULL", "in_poverty_watch": "pvw.person_key IS NOT NULL",
    "poverty_watch_open": "COALESCE(pvw.o, 0) = 1", "in_unemployment": "une.person_key IS NOT NULL",
    "unemployment_hard": "COALESCE(une.h, 0) = 1", "in_veteran": "vet.f IS NOT NULL",
    "imprisoned": "pri.f IS NOT NULL", "dead": "COALESCE(hhs.d, 0) = 1", "missing": "COALESCE(hhs.m, 0) = 1",
    "is_victim": "vic.person_key IS NOT NULL", "victim_uncompensated": "COALESCE(vic.u, 0) = 1",
}


def _profile(day: str, relief_from: str, terms: Mapping[str, Any]) -> str:
    """``profile``: one row per person of ``people`` with every column of ``PROFILE`` at ``day``
    (docs/screening.md "Person profile")."""
    facts = _registry_facts(day, relief_from, terms)
    joins = " ".join(f"LEFT JOIN ({sql}) {a} ON {a}.person_key = p.person_key" for a, sql in facts.items())
    severe = (f"(COALESCE(dis.r, 99) <= {int(terms['severe_max_grade'])} OR "
              f"COALESCE(dis.rk, 99) <= {int(terms['severe_kinds_max_grade'])})")
    cols = ",\n".join(f"({expr}) AS {name}" for name, expr in _FLAGS.items())
    hardship = " + ".join(f"CASE WHEN ({_FLAGS[HARDSHIP_COLUMNS[h]]}) THEN 1 ELSE 0 END"
                          for h in terms["hardship"])
    return f"""
        SELECT p.person_key, p.name, p.id_number, p.sex, p.birth_date, {_age('p.birth_date', day)} AS age,
               {cols},
               dis.r AS dis_rank, dis.rk AS dis_rank_kinds, {severe} AS severe_disability,
               (COALESCE(hhs.d, 0) = 1 OR COALESCE(hhs.m, 0) = 1 OR pri.f IS NOT NULL) AS absent,
               ({hardship or '0'}) AS hardship_count,
               COALESCE(unp.n, 0) AS unpaid_count, unp.t AS unpaid_total, unp.mx AS unpaid_max
        FROM people p {joins}"""


# The profile columns every subject starts with (``pf`` the profile row of the subject's person).
_PROFILE_COLUMNS = ", ".join(f"pf.{c}" for c in PROFILE if c != "person_key")
_VICTIM_COLUMNS = ", ".join(f"v.{f}" for f in _VICTIM_FIELDS)
_ENF_COLUMNS = ", ".join(f"e.{f}" for f in _ENF_FIELDS)


def _person_subject() -> str:
    """``person_subject``: one row per profiled person, trigger key ``person``."""
    return f"SELECT pf.person_key, {_PROFILE_COLUMNS}, 'person' AS trigger_key FROM profile pf"


def _victim_links() -> str:
    """``victim_links``: (victim record, enforcement record, how linked) — the enforcement case whose
    执行依据文书号 is the victim's 判决案号 (``basis_no``), or one the victim applied for (``person``)."""
    return """
        SELECT v.record_id AS victim_record, e.record_id AS enforcement_record, 'basis_no' AS link_by
        FROM s_victim v JOIN s_enforcement e ON e.basis_no = v.judgment_no
        UNION
        SELECT v.record_id, e.record_id, 'person'
        FROM s_victim v JOIN s_enforcement e ON e.person_key = v.person_key
          AND NOT (e.basis_no IS NOT NULL AND e.basis_no = v.judgment_no)"""


def _victim_case_subject() -> str:
    """``victim_case_subject``: one row per victim link, the victim's profile with the fields of both
    records, trigger key the 执行案号."""
    return f"""
        SELECT v.person_key, {_PROFILE_COLUMNS}, COALESCE(e.enforcement_no, e.record_id) AS trigger_key,
               l.victim_record, l.enforcement_record, l.link_by, {_VICTIM_COLUMNS},
               v.compensation_paid, {_ENF_COLUMNS}
        FROM victim_links l JOIN s_victim v ON v.record_id = l.victim_record
        JOIN s_enforcement e ON e.record_id = l.enforcement_record
        JOIN profile pf ON pf.person_key = v.person_key"""


def _victim_subject() -> str:
    """``victim_subject``: one row per victim record with the victim's profile, the age at the incident,
    the unpaid enforcement linked to it and what is outstanding (the larger of the unpaid total and the
    uncompensated part); trigger key the 判决案号, else 罪名@案发日期@被告人."""
    return f"""
        SELECT v.person_key, {_PROFILE_COLUMNS},
               COALESCE(v.judgment_no, concat(v.crime, '@', COALESCE(CAST(v.incident_date AS STRING), ''),
                        '@', COALESCE(v.defendant_name, '')))
                 AS trigger_key,
               v.record_id AS victim_record, {_VICTIM_COLUMNS}, v.compensation_paid,
               COALESCE(v.compensation_judged > v.compensation_paid, FALSE) AS uncompensated,
               {_age('pf.birth_date', 'v.incident_date')} AS age_at_incident,
               COALESCE(lu.n, 0) AS linked_unpaid_count, lu.t AS linked_unpaid_total,
               lu.mx AS linked_unpaid_max,
               lu.td AS linked_terminated_date,
               CASE WHEN COALESCE(lu.t, 0)
                         > COALESCE(v.compensation_judged, 0) - COALESCE(v.compensation_paid, 0)
                    THEN COALESCE(lu.t, 0)
                    ELSE COALESCE(v.compensation_judged, 0) - COALESCE(v.compensation_paid, 0)
               END AS outstanding
        FROM s_victim v JOIN profile pf ON pf.person_key = v.person_key
        LEFT JOIN (SELECT l.victim_record, COUNT(*) AS n, CAST(SUM(e.amount_unpaid) AS BIGINT) AS t,
                          MAX(e.amount_unpaid) AS mx, MIN(e.terminated_date) AS td
                   FROM victim_links l JOIN s_enforcement e ON e.record_id = l.enforcement_record
                   WHERE e.amount_unpaid > 0 GROUP BY l.victim_record) lu ON lu.victim_record = v.record_id"""


def _enforcement_subject() -> str:
    """``enforcement_subject``: one row per enforcement record with the profile of its 申请执行人,
    trigger key the 执行案号."""
    return f"""
        SELECT e.person_key, {_PROFILE_COLUMNS}, COALESCE(e.enforcement_no, e.record_id) AS trigger_key,
               e.record_id AS enforcement_record, {_ENF_COLUMNS}
        FROM s_enforcement e JOIN profile pf ON pf.person_key = e.person_key"""


def _parent_columns(a: str) -> str:
    """The ``child_subject`` columns of one parent role (``pa`` 户主, ``pb`` 配偶)."""
    return (f"{a}.pk AS {a}_key, {a}.rid AS {a}_record, {a}.rel AS {a}_relation, {a}p.sex AS {a}_sex, "
            f"{a}p.dead AS {a}_dead, {a}p.missing AS {a}_missing, {a}p.imprisoned AS {a}_imprisoned, "
            f"{a}p.absent AS {a}_absent, {a}p.severe_disability AS {a}_severe, "
            f"{a}p.is_victim AS {a}_is_victim")


def _child_subject(terms: Mapping[str, Any], coverage: Coverage | None) -> str:
    """``child_subject``: one row per household row of a child (与户主关系 子/女; with a coverage only
    the rows of ``child_coverage``), the child's profile with the 户主 (``pa_*``) and 配偶 (``pb_*``)
    of the 户 and their profile facts, trigger key the 户号."""
    # With a coverage, a needed child's whole 户 is in coverage_rows (fewer rows than s_household).
    parents = "s_household" if coverage is None else "coverage_rows"
    return f"""
        SELECT c.person_key, {_PROFILE_COLUMNS}, c.household_no AS trigger_key, c.record_id AS child_record,
               c.household_no, c.relation,
               (CASE WHEN pa.pk IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN pb.pk IS NOT NULL THEN 1 ELSE 0 END)
                 AS known_parents,
               {_parent_columns('pa')}, {_parent_columns('pb')}
        FROM s_household c JOIN profile pf ON pf.person_key = c.person_key
        LEFT JOIN ({_parent(parents, terms['head_relation'])}) pa ON pa.household_no = c.household_no
        LEFT JOIN profile pap ON pap.person_key = pa.pk
        LEFT JOIN ({_parent(parents, terms['spouse_relation'])}) pb ON pb.household_no = c.household_no
        LEFT JOIN profile pbp ON pbp.person_key = pb.pk
        {"" if coverage is None else "JOIN child_coverage cs ON cs.record_id = c.record_id"}
        WHERE c.relation IN ({_list(terms['child_relations'])})"""


def _parent(table: str, relation: str) -> str:
    """The parent of each 户 in one role (户主 or 配偶): the least person key when a 户 has several."""
    return (f"SELECT household_no, MIN(person_key) AS pk, MIN(record_id) AS rid, MIN(relation) AS rel "
            f"FROM {table} WHERE relation = {literal(relation, 'text')} GROUP BY household_no")


def _coverage_stages(terms: Mapping[str, Any], coverage: Coverage) -> list[tuple[str, str]]:
    """The people the rules can concern (coverage.py), then the household rows their profiles need.

    Nothing here joins all 41 M household rows of a province to the person index: only the rows of
    people with facts, and of the 户 where a child rule may need a child."""
    household = literal("household", "text")
    return [
        ("gone_rows", _gone_rows(terms)),
        ("fact_people", _fact_people()),
        ("fact_records", _fact_records(household)),
        ("child_households", _child_households(terms, coverage)),
        ("coverage_rows", _coverage_rows()),
        ("child_coverage", _child_coverage(terms, coverage)),
        ("coverage_people", _coverage_people()),
        ("coverage_records", _coverage_records(household)),
        ("s_household", _covered_household_rows()),
    ]


def _gone_rows(terms: Mapping[str, Any]) -> str:
    """``gone_rows``: the household rows that say 死亡 or 失踪, with their person key and whether the
    person index holds them."""
    gone = f"{literal(terms['dead_status'], 'text')}, {literal(terms['missing_status'], 'text')}"
    return (f"SELECT r.record_id, {PERSON_KEY}, pi.record_id IS NOT NULL AS indexed FROM cur_household r "
            f"LEFT JOIN person_index pi ON pi.record_id = r.record_id WHERE r.status IN ({gone})")


def _fact_people() -> str:
    """``fact_people``: every person with a fact — a record of another registry, or a 死亡/失踪 row."""
    facts = " UNION ALL ".join(f"SELECT person_key FROM s_{st}" for st in SOURCE_COLUMNS if st != "household")
    return (f"SELECT person_key FROM ({facts} UNION ALL SELECT person_key FROM gone_rows) u "
            f"GROUP BY person_key")


def _fact_records(household: str) -> str:
    """``fact_records``: every household row of a person with a fact (an unindexed one is a 死亡/失踪
    row itself), with its person key."""
    return (f"SELECT pi.record_id, pi.person_key FROM person_index pi JOIN fact_people f "
            f"ON f.person_key = pi.person_key WHERE pi.source_type = {household} "
            f"UNION ALL SELECT record_id, person_key FROM gone_rows WHERE NOT indexed")


def _either(parts: Mapping[str, str], roles: frozenset[str]) -> str:
    """All of ``roles``' conditions in ``parts``; any one of them when ``roles`` is empty."""
    joined = " AND ".join(parts[r] for r in sorted(roles)) if roles else " OR ".join(parts.values())
    return f"({joined})"


def _child_households(terms: Mapping[str, Any], coverage: Coverage) -> str:
    """``child_households``: the 户 that can hold a child row a child rule needs: people with facts
    hold there the roles (child, 户主, 配偶) the rule needs to have a fact."""
    relations = {"self": _list(terms["child_relations"]), "pa": literal(terms["head_relation"], "text"),
                 "pb": literal(terms["spouse_relation"], "text")}
    holds = {r: f"MAX(CASE WHEN r.relation IN ({rel}) THEN 1 ELSE 0 END) = 1" for r, rel in relations.items()}
    candidate = " OR ".join(_either(holds, roles) for roles in coverage.child) or "FALSE"
    return (f"SELECT r.household_no FROM cur_household r JOIN fact_records fr "
            f"ON fr.record_id = r.record_id GROUP BY r.household_no HAVING {candidate}")


def _coverage_rows() -> str:
    """``coverage_rows``: every household row of the ``child_households``, with its person key."""
    return (f"SELECT r.record_id, r.household_no, r.relation, {PERSON_KEY} FROM cur_household r "
            f"JOIN child_households ch ON ch.household_no = r.household_no "
            f"LEFT JOIN person_index pi ON pi.record_id = r.record_id")


def _child_coverage(terms: Mapping[str, Any], coverage: Coverage) -> str:
    """``child_coverage``: the child rows a child rule needs (the roles it needs have a fact), with the
    person keys of the child, the 户主 (``pa_key``) and the 配偶 (``pb_key``)."""
    flag = {"self": "fc.person_key IS NOT NULL", "pa": "fa.person_key IS NOT NULL",
            "pb": "fb.person_key IS NOT NULL"}
    wanted = " OR ".join(_either(flag, roles) for roles in coverage.child) or "FALSE"
    return f"""
            SELECT c.record_id, c.person_key, pa.pk AS pa_key, pb.pk AS pb_key
            FROM coverage_rows c
            LEFT JOIN ({_parent('coverage_rows', terms['head_relation'])}) pa
                   ON pa.household_no = c.household_no
            LEFT JOIN ({_parent('coverage_rows', terms['spouse_relation'])}) pb
                   ON pb.household_no = c.household_no
            LEFT JOIN fact_people fc ON fc.person_key = c.person_key
            LEFT JOIN fact_people fa ON fa.person_key = pa.pk
            LEFT JOIN fact_people fb ON fb.person_key = pb.pk
            WHERE c.relation IN ({_list(terms['child_relations'])}) AND ({wanted})"""


def _coverage_people() -> str:
    """``coverage_people``: everyone with a fact, and the child, 户主 and 配偶 of every needed child row."""
    return ("SELECT person_key FROM fact_people UNION SELECT person_key FROM child_coverage "
            "UNION SELECT pa_key FROM child_coverage WHERE pa_key IS NOT NULL "
            "UNION SELECT pb_key FROM child_coverage WHERE pb_key IS NOT NULL")


def _coverage_records(household: str) -> str:
    """``coverage_records``: (record, person key) of every household row ``s_household`` keeps — the rows
    of the needed 户, of people with facts, and of the covered people without facts. The first two carry
    their person keys already; only the few children and parents without facts are looked up in the
    person index again."""
    return (f"SELECT record_id, person_key FROM coverage_rows "
            f"UNION SELECT record_id, person_key FROM fact_records "
            f"UNION SELECT pi.record_id, pi.person_key FROM person_index pi "
            f"JOIN (SELECT sp.person_key FROM coverage_people sp LEFT JOIN fact_people f "
            f"ON f.person_key = sp.person_key WHERE f.person_key IS NULL) x ON x.person_key = pi.person_key "
            f"WHERE pi.source_type = {household}")


def _covered_household_rows() -> str:
    """``s_household`` under a coverage: the household rows of ``coverage_records``, the columns screening
    reads and the person key already found."""
    return (f"SELECT {_projection('household')}, k.person_key FROM cur_household r "
            f"JOIN coverage_records k ON k.record_id = r.record_id")


def _membership(day: str, relief_from: str, terms: Mapping[str, Any]) -> str:
    """``membership``: one row per (person, current registry fact) with the record that proves it, a
    Chinese label, an amount and a day where the fact has them."""
    lineage = "person_key, source_type, record_id, file_name, sheet, row"
    parts = [
        f"SELECT {lineage}, 'dibao' AS facet, concat('低保对象', CASE WHEN category IS NULL THEN '' "
        f"ELSE concat('(', category, ')') END) AS label, CAST(NULL AS BIGINT) AS amount, "
        f"CAST(NULL AS DATE) AS day FROM s_dibao",
        f"SELECT {lineage}, 'tekun', '特困供养人员', NULL, NULL FROM s_tekun",
        f"SELECT {lineage}, 'dibao_edge', '低保边缘家庭成员', NULL, NULL FROM s_dibao_edge",
        f"SELECT {lineage}, 'temp_relief', '临时救助对象', relief_amount, relief_date FROM s_temp_relief "
        f"WHERE relief_date > {relief_from} AND relief_date <= {day}",
        f"SELECT {lineage}, 'child_care', COALESCE(care_category, '孤儿或事实无人抚养儿童'), NULL, NULL "
        f"FROM s_child_care",
        f"SELECT {lineage}, 'disability', concat('持证残疾人(', COALESCE(disability_kind, ''), "
        f"COALESCE(disability_grade, ''), ')'), NULL, NULL FROM s_disability",
        f"SELECT {lineage}, "
        f"CASE WHEN risk_eliminated = FALSE THEN 'poverty_watch_open' ELSE 'poverty_watch' END, "
        f"concat('防止返贫监测对象', "
        f"CASE WHEN risk_eliminated = FALSE THEN '(风险未消除)' ELSE '(风险已消除)' END),"
        f" NULL, identified_date FROM s_poverty_watch",
        f"SELECT {lineage}, "
        f"CASE WHEN hard_to_employ = TRUE THEN 'unemployment_hard' ELSE 'unemployment' END, "
        f"CASE WHEN hard_to_employ = TRUE THEN '就业困难人员' ELSE '失业登记人员' END, NULL, registered_date "
        f"FROM s_unemployment",
        f"SELECT {lineage}, 'veteran', COALESCE(veteran_category, '退役军人'), NULL, discharge_date "
        f"FROM s_veteran",
        f"SELECT {lineage}, 'prisoner', concat('服刑', CASE WHEN crime IS NULL THEN '' "
        f"ELSE concat('(', crime, ')') END), NULL, sentence_end FROM s_prisoner "
        f"WHERE (sentence_start IS NULL OR sentence_start <= {day}) AND sentence_end >= {day}",
        f"SELECT {lineage}, "
        f"CASE WHEN status = {literal(terms['dead_status'], 'text')} THEN 'dead' ELSE 'missing' END,"
        f" status, NULL, NULL FROM s_household WHERE status IN "
        f"({literal(terms['dead_status'], 'text')}, {literal(terms['missing_status'], 'text')})",
        f"SELECT {lineage}, 'unpaid', concat(COALESCE(enforcement_no, ''), ' ', COALESCE(cause, '')), "
        f"amount_unpaid,"
        f" terminated_date FROM s_enforcement WHERE amount_unpaid > 0",
        f"SELECT {lineage}, 'uncompensated', concat(COALESCE(judgment_no, ''), ' ', COALESCE(crime, '')), "
        f"compensation_judged - compensation_paid, judgment_date FROM s_victim "
        f"WHERE compensation_judged > compensation_paid",
    ]
    return " UNION ALL ".join(parts)
