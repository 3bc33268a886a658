"""Person search and the person page (everything about one person, as far as the user may see it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.access import shown_id
from jiuzhu.app.accounts.policy import allow, require
from jiuzhu.app.casework.access import cases_for
from jiuzhu.app.casework.models import Case
from jiuzhu.app.clues.access import clues_for
from jiuzhu.app.clues.evidence import record_filter, sees_whole_warehouse
from jiuzhu.app.persons import access
from jiuzhu.app.referrals.access import plan_items_for, referrals_for
from jiuzhu.engine.api import PersonFile, WarehouseUnavailable, parse_query, person_file, search_persons

PARTNER_SCAN = 1000  # a partner's hits are filtered to the persons its unit deals with


@dataclass
class Hit:
    person_key: str
    name: str
    id_shown: str
    sex: str
    birth: str
    where: str  # what found it, in words


def _app_hits(request: HttpRequest, text: str, kind: str) -> list[Hit]:
    """Persons only the app knows (hand-entered clues, cases) and 案号 look-ups, within the user's lists."""
    hits: list[Hit] = []
    cases = cases_for(request.user)
    by_number = cases.filter(number__icontains=text) | cases.filter(underlying_case_no__icontains=text)
    for case in by_number.order_by("-accepted_on")[:20]:
        hits.append(Hit(case.person_key or f"case-{case.pk}", case.person_name,
                        shown_id(request.user, case.person_id_number), "", "", f"案件 {case.number}"))
    clues = clues_for(request.user).exclude(source="screening")
    if kind == "id":
        clues = clues.filter(person_id_number=text.upper())
    elif kind == "name":
        clues = clues.filter(person_name__contains=text)
    elif kind == "name_digits":
        q = parse_query(text)
        clues = clues.filter(person_name__startswith=q.text, person_id_number__endswith=q.digits)
    else:
        clues = clues.none()
    for clue in clues.order_by("person_name")[:20]:
        hits.append(Hit(clue.person_key, clue.person_name, shown_id(request.user, clue.person_id_number), "", "",
                        f"{clue.get_source_display()}线索"))
    return hits


# A search shows at most this many persons and says so when there may be more (no paging: narrow it down).
SHOWN = 50


@allow("person.search")
def search(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("q") or "").strip()[:60]
    q = parse_query(text)
    hits: list[Hit] = []
    note, more = "", False
    if q.kind != "empty":
        whole = sees_whole_warehouse(request.user)
        try:
            found = search_persons(text, limit=SHOWN if whole else PARTNER_SCAN)
        except WarehouseUnavailable as err:
            found, note = [], str(err)
        if not whole:
            known = access.known_person_keys(request.user, [h.person_key for h in found])
            found = [h for h in found if h.person_key in known][:SHOWN]
        hits = [Hit(h.person_key, h.name or "", shown_id(request.user, h.id_number), h.sex or "",
                    f"{h.birth_date:%Y-%m-%d}" if h.birth_date else "", f"{h.records}条名册记录") for h in found]
        more = len(found) >= SHOWN
        seen = {h.person_key for h in hits}
        hits += [h for h in _app_hits(request, text, q.kind) if h.person_key not in seen]
        # Personal data stays out of the trail's detail: the kind of search and the count only.
        audit.record(request, "view", object_type="persons.search", detail={"kind": q.kind, "count": len(hits)})
        if len(hits) == 1 and not hits[0].person_key.startswith("case-") and q.kind == "id":
            return redirect("persons:person", person_key=hits[0].person_key)
    return render(request, "persons/search.html",
                  {"q": text, "hits": hits, "note": note, "kind": q.kind, "more": more, "shown": SHOWN})


@allow("person.view")
def person(request: HttpRequest, person_key: str) -> HttpResponse:
    if person_key.startswith("case-") and person_key[5:].isdigit():  # a case whose person has no key
        return redirect("casework:case_detail", pk=int(person_key[5:]))
    require(request, "person.view", person_key)
    clue_list = list(clues_for(request.user).filter(person_key=person_key).order_by("-first_seen"))
    clue_records = {r.get("record_id", "") for c in clue_list for r in c.records or []}
    note = ""
    try:
        pf = person_file(person_key, extra_record_ids=sorted(clue_records))
    except WarehouseUnavailable as err:
        pf, note = PersonFile(None, [], []), str(err)
    visible = record_filter(request.user, clue_records)
    records = [r for r in pf.records if visible(r)]
    shown_ids = {r.record_id for r in records}
    links = [link for link in pf.links if link.left.record_id in shown_ids and link.right.record_id in shown_ids]
    base = pf.person
    known_case = Case.objects.filter(person_key=person_key).first()
    name = base.name if base else (clue_list[0].person_name if clue_list else (known_case.person_name
                                                                              if known_case else ""))
    id_number = base.id_number if base else (clue_list[0].person_id_number if clue_list else
                                             (known_case.person_id_number if known_case else ""))
    who = access.person_q(person_key, id_number)
    if not clue_list and id_number:
        clue_list = list(clues_for(request.user).filter(who).order_by("-first_seen"))
    cases = list(cases_for(request.user).filter(who).select_related("handler__profile", "payment"))
    case_ids = [c.pk for c in cases]
    referrals = list(referrals_for(request.user).filter(_referral_q(person_key, id_number, case_ids))
                     .select_related("from_unit", "to_unit").order_by("-sent_at"))
    plan_items = list(plan_items_for(request.user).filter(case__in=case_ids).select_related("unit", "case"))
    payments = [c.payment for c in cases if hasattr(c, "payment")]
    audit.record(request, "view", object_type="persons.person", object_id=person_key,
                 detail={"records": len(records), "clues": len(clue_list), "cases": len(cases)})
    for link in links:  # ID numbers side by side as this user may see them
        for side in (link.left, link.right):
            side.values["id_number"] = shown_id(request.user, side.values.get("id_number"))
    for r in records:
        r.values["id_number"] = shown_id(request.user, r.values.get("id_number"))
    return render(request, "persons/person.html", {
        "person_key": person_key, "name": name, "id_shown": shown_id(request.user, id_number), "base": base,
        "records": records, "links": links, "clues": clue_list, "cases": cases, "referrals": referrals,
        "plan_items": plan_items, "payments": payments, "note": note,
        "hidden_records": len(pf.records) - len(records)})


def _referral_q(person_key: str, id_number: str | None, case_ids: list[int]) -> Q:
    q = Q(clue__person_key=person_key) | Q(case__in=case_ids)
    if id_number:
        q |= Q(person_id_number=id_number)
    return q
