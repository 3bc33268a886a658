"""Run the enabled rules over the current snapshots and turn the rows they select into clues."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from jiuzhu.engine.screening.conditions import Compiler
from jiuzhu.engine.screening.coverage import Coverage, coverage_of, rule_need
from jiuzhu.engine.screening.findings import ClueFinding, ScreenResult
from jiuzhu.engine.screening.priority import PriorityInputs, priority
from jiuzhu.engine.screening.profile import PROFILE
from jiuzhu.engine.screening.ruleset import Rule, RuleSetting, load_rules, shared_file
from jiuzhu.engine.screening.subjects import HARDSHIP_COLUMNS, PERSON_KEY, stages, subject_schema
from jiuzhu.engine.screening.texts import join_labels, masked_name, render

# Default local average wage (三明市 城镇非私营单位, about 96,000 元 a year); callers pass the configured one.
DEFAULT_MONTHLY_WAGE_FEN = 800_000
_SEVERE_INJURIES = ("死亡", "重伤")
Progress = Callable[[str, int, int], None]
_ORDER = ("person_key", "trigger_key", "victim_record", "enforcement_record", "child_record")


def no_progress(step: str, done: int, total: int) -> None:
    """A ``Progress`` that reports nowhere (the default of ``run`` and ``screen``)."""


def run(backend: Any, as_of: date, *, settings: Iterable[RuleSetting] = (),
        rules: Iterable[str] | None = None, monthly_wage_fen: int = DEFAULT_MONTHLY_WAGE_FEN,
        progress: Progress = no_progress, scoped: bool = False, ruleset: list[Rule] | None = None) -> ScreenResult:
    """``scoped``: only the persons of ``scope_people`` (scope.py; its tables already built)."""
    started = time.perf_counter()
    ruleset = load_rules(settings, rules) if ruleset is None else ruleset
    terms = shared_file("terms")["parameters"]
    plan = stages(as_of, terms, scoped=True) if scoped else stages(as_of, terms, _coverage(ruleset))
    within = "JOIN scope_people sp ON sp.person_key = s.person_key " if scoped else ""
    total = len(plan) + len(ruleset) + 1
    for i, (name, select) in enumerate(plan):
        progress(f"画像 {name}", i, total)
        backend.materialise(name, select)

    selected: dict[str, list[dict[str, Any]]] = {}
    for j, rule in enumerate(ruleset):
        progress(f"规则 {rule.code}", len(plan) + j, total)
        compiler = Compiler(subject_schema(rule.subject), rule.parameters, rule.get("conditions", {}))
        helps = [f", CASE WHEN {compiler.compile(h['when'])} THEN TRUE ELSE FALSE END AS help_{k}"
                 for k, h in enumerate(rule.get("help", [])) if "when" in h]
        sql = (f"SELECT s.*{''.join(helps)} FROM {rule.subject}_subject s {within}"
               f"WHERE {compiler.compile(rule.definition['when'])}")
        # A fixed order, whatever order the engine returns rows in: the first row of a key wins.
        selected[rule.code] = sorted(backend.fetch(sql), key=lambda r: tuple(str(r.get(c)) for c in _ORDER))

    progress("证据与标签", len(plan) + len(ruleset), total)
    context = _Context.gather(backend, selected)
    findings: dict[str, ClueFinding] = {}
    # (rule, person) → findings: exclusions look up one person, not every finding of a rule (province: 10⁵).
    by_person: dict[tuple[str, str], list[ClueFinding]] = defaultdict(list)
    counts: dict[str, int] = dict.fromkeys((r.code for r in ruleset), 0)
    priority_weights = shared_file("priority")["parameters"]
    for rule in ruleset:
        for row in selected[rule.code]:
            key = _key(rule, row)
            if key in findings or _excluded(rule, row, by_person):
                continue
            finding = _finding(rule, row, context, as_of, monthly_wage_fen, priority_weights)
            findings[key] = finding
            by_person[(rule.code, finding.person_key)].append(finding)
            counts[rule.code] += 1
    progress("完成", total, total)
    clues = sorted(findings.values(), key=lambda f: f.key)
    return ScreenResult(
        as_of=as_of, engine=backend.engine, clues=clues,
        rule_versions={r.code: r.version for r in ruleset},
        counts=counts,
        seconds=time.perf_counter() - started,
    )


def _coverage(ruleset: list[Rule]) -> Coverage | None:
    """The people the enabled rules can concern (coverage.py); None when one of them may concern anyone."""
    return coverage_of({r.code: (r.subject, rule_need(r.subject, r.definition["when"], r.parameters,
                                                   r.get("conditions", {}))) for r in ruleset})


def _key(rule: Rule, row: dict[str, Any]) -> str:
    return f"{rule.code}|{row['person_key']}|{row['trigger_key']}"


def _excluded(rule: Rule, row: dict[str, Any], by_person: dict[tuple[str, str], list[ClueFinding]]) -> bool:
    excl = rule.get("exclude")
    if not excl:
        return False
    others = [f for code in excl["rules"] for f in by_person.get((code, row["person_key"]), [])]
    if excl["same"] == "person":
        return bool(others)
    record = row[excl["record"]]
    return any(record in {r["record_id"] for r in f.records} for f in others)


class _Context:
    """What findings need beyond their row: lineage of records, registry facts of the people involved
    (the person, a child's parents, a dead victim's relatives), enforcement linked to victims, tags."""

    def __init__(self) -> None:
        self.lineage: dict[str, dict[str, Any]] = {}
        self.facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.linked_unpaid: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.relatives: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.tags: dict[str, list[str]] = {}

    @classmethod
    def gather(cls, backend: Any, selected: dict[str, list[dict[str, Any]]]) -> _Context:
        ctx = cls()
        people: set[str] = set()
        victims: set[str] = set()
        for rows in selected.values():
            for row in rows:
                people.add(row["person_key"])
                for col in ("pa_key", "pb_key"):
                    if row.get(col):
                        people.add(row[col])
                if row.get("victim_record"):
                    victims.add(row["victim_record"])
        backend.register_keys("screen_people", sorted(people))
        backend.register_keys("screen_victims", sorted(victims))
        for r in backend.fetch("SELECT m.* FROM membership m JOIN screen_people k ON k.k = m.person_key "
                               "ORDER BY m.person_key, m.facet, m.record_id"):
            ctx.facts[r["person_key"]].append(r)
        for r in backend.fetch(
                "SELECT l.victim_record, e.record_id, e.source_type, e.file_name, e.sheet, e.row,"
                " e.enforcement_no, e.amount_unpaid FROM victim_links l "
                "JOIN screen_victims k ON k.k = l.victim_record "
                "JOIN s_enforcement e ON e.record_id = l.enforcement_record WHERE e.amount_unpaid > 0 "
                "ORDER BY l.victim_record, e.record_id"):
            ctx.linked_unpaid[r["victim_record"]].append(r)
        # The whole 户 from the registry itself: s_household holds only the rows screening needs.
        for r in backend.fetch(f"""
                WITH h1 AS (SELECT s.person_key, s.household_no FROM s_household s
                            JOIN screen_people k ON k.k = s.person_key),
                     h2 AS (SELECT r.record_id, r.household_no, r.source_type, r.file_name, r.sheet, r.row,
                                   r.name, r.relation FROM cur_household r
                            WHERE r.household_no IN (SELECT household_no FROM h1)),
                     keyed AS (SELECT r.*, {PERSON_KEY} FROM h2 r
                               LEFT JOIN person_index pi ON pi.record_id = r.record_id)
                SELECT h1.person_key AS of_person, h2.person_key, h2.record_id, h2.source_type, h2.file_name,
                       h2.sheet, h2.row, h2.name, h2.relation
                FROM h1 JOIN keyed h2 ON h2.household_no = h1.household_no AND h2.person_key <> h1.person_key
                ORDER BY h1.person_key, h2.record_id"""):
            ctx.relatives[r["of_person"]].append(r)
        record_ids = sorted({row[c] for rows in selected.values() for row in rows
                             for c in ("victim_record", "enforcement_record", "child_record", "pa_record",
                                       "pb_record") if row.get(c)})
        backend.register_keys("screen_records", record_ids)
        union = " UNION ALL ".join(
            f"SELECT record_id, source_type, file_name, sheet, row FROM s_{st}"
            for st in ("victim", "enforcement", "household"))
        for r in backend.fetch(f"SELECT u.* FROM ({union}) u JOIN screen_records k ON k.k = u.record_id"):
            ctx.lineage[r["record_id"]] = r
        tag_file = shared_file("tags")
        compiler = Compiler(subject_schema("person"), tag_file["parameters"])
        tag_cols = ", ".join(f"CASE WHEN {compiler.compile(t['when'])} THEN TRUE ELSE FALSE END AS t{i}"
                             for i, t in enumerate(tag_file["tag"]))
        for r in backend.fetch(f"SELECT s.person_key, {tag_cols} FROM person_subject s "
                               f"JOIN screen_people k ON k.k = s.person_key"):
            ctx.tags[r["person_key"]] = [t["name"] for i, t in enumerate(tag_file["tag"]) if r[f"t{i}"]]
        return ctx


def _ref(r: dict[str, Any]) -> dict[str, Any]:
    return {"record_id": r["record_id"], "source_type": r["source_type"], "file": r["file_name"],
            "sheet": r["sheet"], "row": r["row"]}


_FACET_ORDER = {name: i for i, name in enumerate(HARDSHIP_COLUMNS)}


def _hardship(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [f for f in facts if f["facet"] in _FACET_ORDER]
    return sorted(rows, key=lambda f: (_FACET_ORDER[f["facet"]], f["record_id"]))


def _parent_text(row: dict[str, Any], prefix: str, facts: list[dict[str, Any]]) -> str:
    by_relation = row.get(f"{prefix}_relation") or "父母一方"
    who = {"男": "父亲", "女": "母亲"}.get(row.get(f"{prefix}_sex") or "", by_relation)
    states = []
    for f in facts:
        if f["facet"] in ("dead", "missing"):
            states.append(f["label"])
        elif f["facet"] == "prisoner":
            states.append(f"{f['label']}至{f['day'].isoformat()}" if f["day"] else f["label"])
        elif f["facet"] == "disability":
            states.append(f["label"].replace("持证残疾人", "残疾"))
    return who + "（" + "、".join(dict.fromkeys(states)) + "）" if states else who


class _Cited:
    """The records a finding cites, each once, in the order first cited."""

    def __init__(self) -> None:
        self.refs: list[dict[str, Any]] = []
        self._seen: set[str] = set()

    def add(self, ref: dict[str, Any]) -> None:
        if ref["record_id"] not in self._seen:
            self._seen.add(ref["record_id"])
            self.refs.append(ref)


def _evidence(rule: Rule, row: dict[str, Any], ctx: _Context, hardship: list[dict[str, Any]],
              values: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records a finding cites (the row's own records, then each evidence kind of the rule in
    order) and the facts the evidence adds; fills the reason's ``relatives`` and ``parents``."""
    person = row["person_key"]
    facts = ctx.facts.get(person, [])
    cited = _Cited()
    extra: dict[str, Any] = {}
    for col in rule.get("records", []):
        if row.get(col) and row[col] in ctx.lineage:
            cited.add(_ref(ctx.lineage[row[col]]))
    for kind in rule.get("evidence", []):
        if kind == "hardship":
            for f in hardship:
                cited.add(_ref(f))
        elif kind in ("poverty_watch", "unpaid", "uncompensated"):
            wanted = ("poverty_watch", "poverty_watch_open") if kind == "poverty_watch" else (kind,)
            for f in facts:
                if f["facet"] in wanted:
                    cited.add(_ref(f))
        elif kind == "linked_unpaid":
            for e in ctx.linked_unpaid.get(row.get("victim_record", ""), []):
                cited.add(_ref(e))
                extra.setdefault("linked_enforcement", []).append(e["enforcement_no"])
        elif kind == "relatives_if_dead" and row.get("injury") == "死亡":
            rel = ctx.relatives.get(person, [])
            for r in rel:
                cited.add(_ref(r))
            values["relatives"] = "、".join(f"{r['relation']}{masked_name(r['name'])}" for r in rel) or None
            extra["relatives"] = [{"person_key": r["person_key"], "relation": r["relation"]} for r in rel]
        elif kind == "parents":
            texts = []
            for prefix in ("pa", "pb"):
                pfacts = ctx.facts.get(row.get(f"{prefix}_key") or "", [])
                for f in pfacts:
                    if f["facet"] in ("dead", "missing", "prisoner", "disability"):
                        cited.add(_ref(f))
                texts.append(_parent_text(row, prefix, pfacts))
            values["parents"] = "，".join(texts)
    return cited.refs, extra


def _priority_inputs(rule: Rule, row: dict[str, Any]) -> PriorityInputs:
    """What the rule's ``priority`` table says to weigh, read from the row."""
    prio = rule.get("priority", {})
    severe = (bool(row.get("pa_severe")) or bool(row.get("pb_severe"))) if prio.get("severe") == "parents" \
        else bool(row.get("severe_disability"))
    amount_field = prio.get("amount")
    return PriorityInputs(
        base=int(prio.get("base", 30)),
        unpaid_fen=int(row.get(amount_field) or 0) if amount_field else 0,
        death_or_severe_injury=row.get(prio.get("injury", "")) in _SEVERE_INJURIES,
        severe_disability=severe,
        age=row.get("age"),
        hardship_count=int(row.get("hardship_count") or 0),
        terminated_date=row.get(prio["terminated"]) if prio.get("terminated") else None,
    )


def _fact_values(rule: Rule, row: dict[str, Any], hardship: list[dict[str, Any]],
                 extra: dict[str, Any]) -> dict[str, Any]:
    """A finding's ``facts``: the subject's own columns (not the profile's, dates as ISO text), the
    hardship facets and the profile figures a reader needs, the rule's action and the evidence's extras."""
    fact_values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()
                   if v is not None and k not in PROFILE and not k.startswith("help_")}
    fact_values.update({
        "hardship": [f["facet"] for f in hardship],
        "hardship_count": row.get("hardship_count"),
        "age": row.get("age"),
        "severe_disability": row.get("severe_disability"),
        "also_units": list(rule.get("also_units", [])),
        "action": rule.get("action", ""),
        **extra,
    })
    return fact_values


def _finding(rule: Rule, row: dict[str, Any], ctx: _Context, as_of: date, wage: int,
             weights: dict[str, int]) -> ClueFinding:
    person = row["person_key"]
    columns = subject_schema(rule.subject).columns
    values = {k: v for k, v in row.items() if k in columns}
    values["name"] = masked_name(row.get("name"))
    hardship = _hardship(ctx.facts.get(person, []))
    values["hardship"] = join_labels([f["label"] for f in hardship]) or None
    refs, extra = _evidence(rule, row, ctx, hardship, values)
    helps = [h["text"] for k, h in enumerate(rule.get("help", [])) if "when" not in h or row.get(f"help_{k}")]
    return ClueFinding(
        key=_key(rule, row),
        rule=rule.code,
        rule_name=rule.name,
        rule_version=rule.version,
        person_key=person,
        person_name=row.get("name") or "",
        person_id_number=row.get("id_number"),
        priority=priority(_priority_inputs(rule, row), as_of, wage, weights),
        tags=ctx.tags.get(person, []),
        target_unit=rule.get("target_unit"),
        suggested_help="；".join(helps),
        reason=render(rule.get("reason"), values),
        records=refs,
        facts=_fact_values(rule, row, hardship, extra),
    )
