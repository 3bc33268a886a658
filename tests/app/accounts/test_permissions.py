"""The permission test generated from the URLconf (issue 13): every named URL and API operation ×
every persona (each procuratorate role, liaisons of two units, the data administrator, anonymous) ×
an object of the persona's own unit and of another, against the policy table (accounts/policy.py).

- A URL without an entry in `policy.URLS` fails `test_every_url_has_a_policy_entry`.
- A URL whose arguments this test cannot fill fails too: add a sample to SAMPLES below (a kwarg name
  → how to pick it for the objects of the URL's scope). See /work/wt/NOTES.md.
- The answer is compared with `policy.may(user, action, obj)` computed just before each request:
  refused means 403 (401 for the API, the login page for anonymous); anything else but a 500 is
  "let through" (a 404 for a document not yet ready, a 302 back to the page after an invalid form)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jiuzhu.app.accounts import policy
from jiuzhu.app.accounts.models import Profile

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "ivan", None)  # None: anonymous


def named_urls() -> list[tuple[str, URLPattern]]:
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif p.name:
                yield ns + p.name, p
    return [(name, p) for name, p in walk(get_resolver().url_patterns) if not name.startswith("admin:")]


def test_every_url_has_a_policy_entry():
    names = {name for name, _ in named_urls()}
    missing = sorted(names - set(policy.URLS))
    assert not missing, f"add these URL names to accounts/policy.py URLS (see docs/security.md): {missing}"
    stale = sorted(set(policy.URLS) - names)
    assert not stale, f"accounts/policy.py URLS names URLs that no longer exist: {stale}"
    for name, action in policy.URLS.items():
        for a in (action.values() if isinstance(action, dict) else [action]):
            assert a in policy.POLICY, (name, a)


def test_every_view_takes_its_action_from_the_table():
    """Views decorated with `allow(action)` name the same action as the table (the API and Django's own
    login views have no decorator; the table alone speaks for them)."""
    for name, pattern in named_urls():
        declared = getattr(pattern.callback, "policy_action", None)
        if declared is not None:
            assert declared == policy.URLS[name], name


@pytest.fixture
def world(people, units, new_case, tmp_path):
    """Two of everything: `a` belongs to alice's side and 民政, `b` to another handler's side and 残联."""
    from jiuzhu.app.api import tokens
    from jiuzhu.app.casework.services import followup
    from jiuzhu.app.casework.services.acceptance import accept_case
    from jiuzhu.app.referrals.models import RegistryUpload, RegularMeeting
    from jiuzhu.app.referrals.services import flow, plans
    from tests.fixtures.cases import make_clue, walk

    User = get_user_model()
    zed = User.objects.create_user("zed")
    Profile.objects.create(user=zed, unit=units["procuratorate"], role="handler", display_name="郑检察官")
    ivan = User.objects.create_user("ivan", is_staff=True)
    Profile.objects.create(user=ivan, unit=units["procuratorate"], role="data_admin", display_name="伊管理员")
    people = {**people, "zed": zed, "ivan": ivan}

    case_a = new_case  # alice's, in review
    clue_b = make_clue(person_name="钱某", person_id_number="350425199002022345", tags=[])
    case_b = accept_case(by=people["bob"], handler=zed, person_name="钱某", category="other", clue=clue_b,
                         on=date(2025, 9, 26))
    walk(case_b, "granted", {**people, "alice": zed})  # finance sees granted cases only
    for case in (case_a, case_b):
        followup.schedule(case, by=people["bob"], planned_on=date(2025, 12, 1))
    ref_a = flow.send(people["alice"], to_unit=units["civil_affairs"], kind="dibao", person_name="郑小梅",
                      facts="困难", case=case_a)
    ref_b = flow.send(zed, to_unit=units["disability_federation"], kind="disability_subsidy", person_name="钱某",
                      facts="残疾", case=case_b)
    item_a = plans.add_item(people["alice"], case_a, kind="temp_relief")  # 民政
    item_b = plans.add_item(zed, case_b, kind="rehabilitation")  # 残联
    clue_a = make_clue(person_name="孙某", tags=[])  # the procuratorate's, unassigned: alice's queue
    clue_mz = make_clue(person_name="李某", tags=[], target_unit="civil_affairs")
    meetings = []
    for code in ("civil_affairs", "disability_federation"):
        meeting = RegularMeeting.objects.create(held_on=date(2025, 10, 9), topics="衔接情况", recorded_by=zed)
        meeting.units.set([units["procuratorate"], units[code]])
        meetings.append(meeting)
    uploads = [RegistryUpload.objects.create(unit=units[code], file_name="名单.xlsx", path=str(tmp_path / "x"))
               for code in ("civil_affairs", "disability_federation")]
    return {
        "people": people,
        "scopes": {"case": (case_a, case_b), "referral": (ref_a, ref_b), "plan_item": (item_a, item_b),
                   "clue": (clue_a, clue_mz), "upload": tuple(uploads), "meeting": tuple(meetings),
                   # actions with a check and no scope take a key: a person known to alice and 民政, and one
                   # only the procuratorate reaches
                   "person.view": (case_a.person_key, "p-nobody-knows"),
                   "api.batch": ("b-no-such-batch",)},
        "samples": {"alice": people["alice"].profile, "court": units["court"],
                    "token": tokens.create("court", "权限测试样例")[0]},
    }


def _sample(world, kwarg: str, obj, action: str):
    """The value of a URL argument. A new kind of argument is added here (see NOTES.md)."""
    if obj is not None and kwarg in ("pk", "referral_id", "case_id", "clue_id", "item_id", "upload_id"):
        return obj.pk
    if kwarg == "person_key":
        return obj
    if kwarg == "batch_id":
        return obj or "b-no-such-batch"
    if kwarg == "visit_pk":
        return obj.follow_ups.first().pk
    if kwarg == "slug":
        return "review-report"
    if kwarg == "fmt":
        return "xlsx"
    if kwarg == "pk" and action == "users":
        return None  # filled per URL name below
    raise AssertionError(f"test_permissions: no sample for URL argument {kwarg!r}; add one to _sample()")


SAMPLE_PK = {"accounts:user_edit": "alice", "accounts:unit_edit": "court", "api_tokens:revoke": "token"}


def _kwargs(world, name: str, pattern: URLPattern, obj, action: str) -> dict:
    kwargs = {}
    for kwarg in pattern.pattern.converters or [k for k in ("batch_id", "clue_id", "referral_id")
                                                 if f"<{k}>" in str(pattern.pattern)]:
        if name in SAMPLE_PK and kwarg == "pk":
            kwargs[kwarg] = world["samples"][SAMPLE_PK[name]].pk
        else:
            kwargs[kwarg] = _sample(world, kwarg, obj, action)
    return kwargs


def _refused(response, api: bool, token_api: bool = False) -> bool:
    if response.status_code == 403 or (api and response.status_code == 401):
        return True
    if token_api and response.status_code == 404:  # api.md: another unit's is "not found"
        return True
    return response.status_code == 302 and response["Location"].startswith(("/login/", "/admin/login/"))


# a valid body for API operations that read one (the API checks the body before the operation runs)
API_BODIES = {"api:answer_referral": {"result": "other", "note": "权限测试"},
              "api:return_referral": {"reason": "权限测试"},
              "api_v1:answer": {"result": "other", "note": "权限测试"},
              "api_v1:give_back": {"reason": "权限测试"},
              "api_v1:conclude": {"outcome": "not_eligible", "note": "权限测试"}}


def _call(client: Client, name: str, url: str, action: str | dict, api: bool):
    """GET, or POST where the view takes POST only; for an API path the method of the operation."""
    body = API_BODIES.get(name, {})
    if isinstance(action, dict):
        return [(method, action[method], getattr(client, method.lower())(url, body, content_type="application/json"))
                for method in action]
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, body, content_type="application/json") if api else client.post(url)
    return [("", action, response)]


def test_every_url_for_every_persona_follows_the_table(world, units):
    from jiuzhu.app.api import tokens

    people = world["people"]
    clients = {}
    for who in PERSONAS:
        clients[who] = Client()
        if who is not None:
            clients[who].force_login(people[who])
    # /api/v1/ takes a unit's token, no session: 民政's and 残联's for their liaisons, none for the rest
    token_clients, token_users = {}, {}
    for who, code in (("frank", "civil_affairs"), ("grace", "disability_federation")):
        token, plain = tokens.create(code, f"权限测试-{code}")
        token_clients[who] = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
        token_users[who] = token.user
    checked = refused = 0
    for name, pattern in named_urls():
        if name == "web:logout":  # public, and would log the persona's client out for the URLs after it
            continue
        if name.endswith(":api-root"):  # django-ninja's bare prefix: no operation, a 404 for everyone
            continue
        action = policy.URLS[name]
        first = action if isinstance(action, str) else next(iter(action.values()))
        scope = policy.POLICY[first].scope or (first if policy.POLICY[first].check else "")
        objects = world["scopes"][scope] if scope else (None,)
        api = name.startswith(("api:", "api_v1:"))
        token_api = name.startswith("api_v1:")
        for obj in objects:
            url = reverse(name, kwargs=_kwargs(world, name, pattern, obj, first))
            for who in PERSONAS:
                user = people[who] if who else None
                client = clients[who]
                if token_api:
                    user, client = token_users.get(who), token_clients.get(who, clients[None])
                # decided before the request: an earlier POST may have moved the object on
                if isinstance(action, str):
                    expected = {"": policy.may(user, action, obj) if user else policy.POLICY[action].public}
                else:
                    expected = {m: (policy.may(user, a, obj) if user else policy.POLICY[a].public)
                                for m, a in action.items()}
                for method, _, response in _call(client, name, url, action, api):
                    # /healthz says 503 when the worker is not running (not a fault of this test)
                    assert response.status_code < 500 or name == "healthz", (name, who, url)
                    got = not _refused(response, api, token_api)
                    assert got == expected[method], (f"{name} {method} {url} as {who or 'anonymous'}: "
                                                     f"the table says {'allowed' if expected[method] else 'refused'}"
                                                     f", the site answered {response.status_code}")
                    checked += 1
                    refused += not got
    assert checked > 500 and 0 < refused < checked


def test_the_admin_lets_in_the_data_administrator_only(world):
    for who in PERSONAS:
        client = Client()
        if who is not None:
            client.force_login(world["people"][who])
        response = client.get("/admin/")
        assert (response.status_code == 200) == (who == "ivan"), who


def test_the_table_in_docs_names_every_action():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "security.md").read_text(encoding="utf-8")
    missing = [action for action in policy.POLICY if f"`{action}`" not in text]
    assert not missing, f"docs/security.md (Who can do what) does not list {missing}"
