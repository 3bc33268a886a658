"""The clue queue's filters, sort orders, pages and Excel export — all in the database, so a queue of
100,000 clues pages as fast as one of 100 (bench/clues_queue.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from openpyxl import Workbook

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.clues import access
from jiuzhu.app.clues.models import OPEN_STATES, Clue, ClueSource, ClueState, RuleSetting
from jiuzhu.app.config.dates import today
from jiuzhu.app.config.due import soon_until
from jiuzhu.engine.api import rule_definitions, source_title, unit_name
from jiuzhu.engine.cells import safe_cell

PAGE_SIZES = (50, 100, 200)
TAGS = ("未成年人", "残疾人", "退役军人", "老年人", "妇女")
# sort key → (label, order_by)
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "priority": ("优先级从高到低", ("-priority", "id")),
    "newest": ("最新发现在前", ("-first_seen", "-id")),
    "oldest": ("最早发现在前", ("first_seen", "id")),
    "name": ("按姓名", ("person_name", "id")),
    "rule": ("按规则", ("rule", "-priority", "id")),
    "answer_due": ("答复期限最近在前", ("answer_due", "-priority", "id")),
}
FILTER_KEYS = ("q", "rule", "source", "record", "unit", "tag", "priority", "township", "state", "due", "handler")


@lru_cache(maxsize=1)
def _builtin_rule_names() -> dict[str, str]:
    return {code: d.get("name", code) for code, d in rule_definitions().items()}


def rule_names() -> dict[str, str]:
    """Rule code → Chinese name: the built-in rules (read once) and those an administrator added."""
    names = dict(_builtin_rule_names())
    for s in RuleSetting.objects.exclude(definition=None):
        names.setdefault(s.rule, (s.definition or {}).get("name", s.rule))
    return names


def filtered(user, f: Mapping[str, str], *, team: bool = False) -> QuerySet[Clue]:
    """The user's clues (or team queue) narrowed by the queue's filters. No state filter means the to-do:
    for a partner, what its unit still owes an answer; for the procuratorate, the open clues."""
    profile = profile_of(user)
    state = f.get("state") or ""
    partner = profile is not None and not profile.in_procuratorate
    if team:
        clues = access.team_queue(user)
    elif not state and not partner:  # the procuratorate's to-do, written for the indexes
        clues = access.open_clues_for(user)
    else:
        clues = access.clues_for(user)
    text = (f.get("q") or "").strip()
    if text:
        clues = clues.filter(Q(person_name__contains=text) | Q(person_id_number=text.upper()))
    if f.get("rule"):
        clues = clues.filter(rule=f["rule"])
    if f.get("source") in ClueSource.values:
        clues = clues.filter(source=f["source"])
    if f.get("record"):
        clues = clues.filter(record_types__contains=f"|{f['record']}|")
    if f.get("unit"):
        clues = clues.filter(target_unit=f["unit"])
    if f.get("tag"):
        clues = clues.filter(access.with_any_tag([f["tag"]]))
    if (f.get("priority") or "").isdigit():
        clues = clues.filter(priority__gte=int(f["priority"]))
    if f.get("township"):
        clues = clues.filter(township=f["township"])
    if state in ClueState.values:
        clues = clues.filter(state=state)
    elif state == "answered_by_unit":
        clues = clues.exclude(unit_outcome="")
    elif not state and partner:
        clues = clues.filter(target_unit=profile.unit.code, unit_outcome="", state__in=OPEN_STATES)
    elif not state and team:
        clues = clues.filter(state__in=OPEN_STATES)
    handler = f.get("handler") or ""
    if handler == "none":
        clues = clues.filter(verification__isnull=True)
    elif handler.isdigit():
        clues = clues.filter(verification__handler__profile__pk=int(handler))
    on = today()
    soon = soon_until(on)
    if f.get("due") == "overdue":
        clues = clues.filter(Q(verification__due_on__lt=on, verification__outcome="")
                             | Q(answer_due__lt=on, unit_outcome="", state__in=OPEN_STATES))
    elif f.get("due") == "soon":
        clues = clues.filter(Q(verification__due_on__gte=on, verification__due_on__lte=soon, verification__outcome="")
                             | Q(answer_due__gte=on, answer_due__lte=soon, unit_outcome="", state__in=OPEN_STATES))
    return clues


def ordered(clues: QuerySet[Clue], sort: str) -> QuerySet[Clue]:
    return clues.order_by(*SORTS.get(sort, SORTS["priority"])[1])


def page_of(clues: QuerySet[Clue], page: int, per: int) -> tuple[list[Clue], int, int]:
    """One page (1-based; past the end gives the last page), the total and the page number used."""
    # The page's ids first (read from the ordering index, no wide rows skipped over), then its rows. On the
    # first page with fewer ids than a page they are all the clues: no COUNT query.
    ids = list(clues.values_list("pk", flat=True)[:per]) if page <= 1 else None
    total = len(ids) if ids is not None and len(ids) < per else clues.count()
    pages = max(1, -(-total // per))
    page = min(max(1, page), pages)
    start = (page - 1) * per
    if ids is None or start:
        ids = list(clues.values_list("pk", flat=True)[start:start + per])
    # Not the evidence, facts or suggested help: the queue shows none of them (decoding them cost the page more).
    rows = (Clue.objects.filter(pk__in=ids).select_related("verification__handler__profile")
            .defer("records", "facts", "suggested_help").in_bulk())
    return [rows[pk] for pk in ids if pk in rows], total, page


def int_param(value: str | None, default: int, allowed: tuple[int, ...] | None = None) -> int:
    try:
        n = int(value or default)
    except ValueError:
        return default
    return n if allowed is None or n in allowed else default


EXPORT_HEADER = ("线索编号", "线索", "来源", "姓名", "身份证号", "优先级", "标签", "承办单位", "状态", "单位答复",
                 "答复期限", "核查人", "核查期限", "乡镇", "发现日期", "线索理由", "证据记录")


def verification_of(clue: Clue):
    """The clue's 核查 (casework's, by its related name), or None: getattr's default also covers the
    missing one-to-one row (RelatedObjectDoesNotExist is an AttributeError)."""
    return getattr(clue, "verification", None)


def export_rows(user, clues: QuerySet[Clue], id_for) -> Iterator[list[Any]]:
    """Rows for people to read: Chinese names, no codes; `id_for(clue)` gives the ID as the user may see it."""
    names = rule_names()
    for c in clues.select_related("verification__handler__profile").iterator(chunk_size=2000):
        v = verification_of(c)
        records = "；".join(f"{source_title(r.get('source_type', ''))} {r.get('file', '')} 第{r.get('row', '')}行"
                           for r in c.records or [])
        yield [c.pk, c.rule_name or names.get(c.rule, c.rule) if c.source == "screening" else c.get_source_display(),
               c.get_source_display(), c.person_name, id_for(c), c.priority, "、".join(c.tags or []),
               unit_name(c.target_unit), c.get_state_display(), c.get_unit_outcome_display() or "",
               _day(c.answer_due), v.handler.profile.display_name if v else "", _day(v.due_on) if v else "",
               (c.facts or {}).get("township", ""), _day(c.first_seen.date() if c.first_seen else None), c.reason,
               records]


def _day(d: date | None) -> str:
    return f"{d:%Y-%m-%d}" if d else ""


def write_xlsx(path: Path | Any, rows: Iterator[list[Any]]) -> int:
    """A write-only workbook (constant memory for 100,000 rows); ID numbers as text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("线索")
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (8, 16, 8, 10, 20, 6, 12, 10, 10, 10, 11, 10, 11, 10, 11, 60, 50),
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.append(EXPORT_HEADER)
    n = 0
    for row in rows:
        ws.append([safe_cell(str(v)) if i == 4 else safe_cell(v) for i, v in enumerate(row)])
        n += 1
    wb.save(path)
    return n
