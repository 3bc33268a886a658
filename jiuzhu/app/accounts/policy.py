"""Who may see and do what, in one table: unit kind × role × action (docs/security.md, "Who can do what").

- `POLICY`: action → `Rule`: which roles of the procuratorate and of a partner unit may take it, which
  objects (`scope`: the queryset of what the user may see) and which further check on the object.
- `URLS`: every named URL of the platform → its action. The permission test
  (tests/app/accounts/test_permissions.py) walks the URLconf and fails on a URL missing here, then
  asks every persona for every URL and compares the answer with this table.
- `allow(action)`: the view decorator (login, role by the table, `request.profile`).
- `get_visible_or_404(request, Model, pk, action)`: the object, or 404 when missing, or 403 (audited)
  when the user may not see it or not take the action on it.
- `may(user, action, obj)`: the same decision as a bool, for templates, menus and services.

A role given to the wrong kind of unit (a 承办检察官 in 民政局) is refused everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from jiuzhu.app.accounts.access import deny, profile_of
from jiuzhu.app.accounts.roles import (
    ALL_ROLES,
    APPROVERS,
    DATA_ADMIN,
    FINANCE,
    FULL_ID_ROLES,
    LEADERS,
    PARTNER_ROLES,
    PROCURATORATE_ROLES,
    PROCURATORS,
    Role,
)

__all__ = ["ALL_ROLES", "APPROVERS", "DATA_ADMIN", "FINANCE", "FULL_ID_ROLES", "LEADERS", "PARTNER_ROLES",
           "POLICY", "PROCURATORATE_ROLES", "PROCURATORS", "Role", "Rule", "URLS", "allow", "get_visible_or_404",
           "may", "require", "visible"]

NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """One action. `procuratorate` / `partner`: the roles that may take it in that kind of unit.
    `scope`: a key of SCOPES — the action is on one object the user must be able to see.
    `check`: dotted path of a further `(user, obj) -> bool` (the handler of this case, the pending level…).
    `public`: also without login. `text`: what it is, in the users' words."""

    text: str
    procuratorate: frozenset[str] = NONE
    partner: frozenset[str] = NONE
    scope: str = ""
    check: str = ""
    public: bool = False


# What each scope means: the objects a user may see (one queryset function per model).
SCOPES: dict[str, str] = {
    "case": "jiuzhu.app.casework.access.cases_for",
    "clue": "jiuzhu.app.clues.access.clues_for",
    "referral": "jiuzhu.app.referrals.access.referrals_for",
    "plan_item": "jiuzhu.app.referrals.access.plan_items_for",
    "upload": "jiuzhu.app.referrals.access.uploads_for",
    "meeting": "jiuzhu.app.referrals.services.meetings.meetings_for",
}

CASE_READERS = PROCURATORS | FINANCE

POLICY: dict[str, Rule] = {
    # everyone
    "public": Rule("登录、退出", PROCURATORATE_ROLES, PARTNER_ROLES, public=True),
    "home": Rule("首页、我的期限、通知、职责清单", PROCURATORATE_ROLES, PARTNER_ROLES),
    # clues (workflow §1 线索 → 核查)
    "clue.list": Rule("线索队列（协作单位：本单位的线索）", PROCURATORS, PARTNER_ROLES),
    "clue.view": Rule("线索页（人员、依据记录、关联说明）", PROCURATORS, PARTNER_ROLES, scope="clue"),
    "clue.answer": Rule(
        "答复本单位的线索（纳入帮扶、不符合条件、已在册、转检察院）", partner=PARTNER_ROLES, scope="clue"
    ),
    "clue.enter": Rule("录入线索（申请、移送、信访等）", PROCURATORS),
    "clue.assign": Rule("批量分派线索", LEADERS),
    "clue.work": Rule("分派、领取、核查结论", PROCURATORS, scope="clue", check="jiuzhu.app.clues.access.can_work_clue"),
    # persons (the person page: every record, clue, case of one person, as far as the user's lists go)
    "person.search": Rule("查找人员", PROCURATORS, PARTNER_ROLES),
    "person.view": Rule(
        "人员页（协作单位：本单位已有往来的人员）",
        PROCURATORS,
        PARTNER_ROLES,
        check="jiuzhu.app.persons.access.may_open",
    ),
    # cases (workflow §1 受理 → 结案)
    "case.list": Rule("案件列表", CASE_READERS, PARTNER_ROLES),
    "case.view": Rule("案件页（协作单位只读：事实、单位、共享进展）", CASE_READERS, PARTNER_ROLES, scope="case"),
    "case.accept": Rule("受理", PROCURATORS),
    "case.handle": Rule(
        "审查报告、联合研判、提交、先行救助、决定、通知、回访、结案",
        frozenset({Role.HANDLER}),
        scope="case",
        check="jiuzhu.app.casework.access.can_handle",
    ),
    "case.approve": Rule(
        "审批（本级待审、非本案承办人）",
        APPROVERS,
        scope="case",
        check="jiuzhu.app.casework.services.approval.may_approve",
    ),
    "case.pay": Rule("申请资金、到账、发放", FINANCE, scope="case", check="jiuzhu.app.casework.access.can_pay"),
    "case.document": Rule("下载文书", CASE_READERS, scope="case"),
    "case.approvals": Rule("待我审批", APPROVERS),
    "case.payments": Rule("发放列表", FINANCE),
    # cooperation (workflow §3–§4)
    "referral.list": Rule("移送收件箱", PROCURATORS, PARTNER_ROLES),
    "referral.view": Rule("移送页、移送函", PROCURATORS, PARTNER_ROLES, scope="referral"),
    "referral.send": Rule("发起移送（协作单位只向检察院，且不使他单位加入案件）", PROCURATORS, PARTNER_ROLES),
    "referral.act": Rule(
        "签收、办理、反馈、退回（接收单位）",
        PROCURATORS,
        PARTNER_ROLES,
        scope="referral",
        check="jiuzhu.app.referrals.services.flow.may_act",
    ),
    "plan_item.list": Rule("救助方案事项", PROCURATORS, PARTNER_ROLES),
    "plan_item.close": Rule(
        "办结事项（承办单位；承办检察官写明原因代办）",
        PROCURATORS,
        PARTNER_ROLES,
        scope="plan_item",
        check="jiuzhu.app.referrals.services.plans.may_close",
    ),
    "case.cooperation": Rule("案件协作页（方案、移送、共享进展）", CASE_READERS, PARTNER_ROLES, scope="case"),
    "plan_item.add": Rule("制定救助方案", PROCURATORS, scope="case"),
    "meeting.list": Rule("定期会商列表", PROCURATORATE_ROLES, PARTNER_ROLES),
    "meeting.record": Rule("记录定期会商", PROCURATORS),
    "meeting.view": Rule(
        "定期会商（参加单位；办结本单位的会商事项）", PROCURATORATE_ROLES, PARTNER_ROLES, scope="meeting"
    ),
    "case.partner_visit": Rule("协作单位回访（需求提交检察院）", partner=PARTNER_ROLES, scope="case"),
    "upload": Rule("上传名单、导入结果、问题数据报告（本单位）", DATA_ADMIN, PARTNER_ROLES),
    "registry.manage": Rule("名单批次：确认留存的快照、撤回、数据共享协议", DATA_ADMIN),
    "upload.view": Rule("本单位上传的导入结果、问题数据报告", DATA_ADMIN, PARTNER_ROLES, scope="upload"),
    # the token API /api/v1/ (api.md): a token acts as its unit's liaison (api.tokens.service_user)
    "api.upload": Rule("接口：推送名单文件", partner=PARTNER_ROLES),
    "api.batch": Rule(
        "接口：本单位批次的状态、问题行（他单位的批次答 404）",
        partner=PARTNER_ROLES,
        check="jiuzhu.app.api.v1.unit_has_batch",
    ),
    # reports (workflow §6)
    "report.view": Rule("季度通报", LEADERS | DATA_ADMIN),
    # administration: configuration, no personal data
    "settings": Rule("工作日历、期限、审批层级、工资、职责清单、规则", DATA_ADMIN),
    "tokens": Rule("接口令牌（新建、吊销）", DATA_ADMIN),
    "users": Rule("用户、单位管理（新建、停用、重置密码、角色、单位）", DATA_ADMIN),
}

# Every named URL → its action ("namespace:name"). The admin site (admin:*) answers for itself: only
# the data administrator enters it (accounts/admin_policy.py).
URLS: dict[str, str | dict[str, str]] = {
    "healthz": "public",  # the health check (ops): states only, no data
    "web:home": "home",
    "web:login": "public",
    "web:logout": "public",
    "clues:queue": "clue.list",
    "clues:detail": "clue.view",
    "clues:answer": "clue.answer",
    "clues:export": "clue.list",
    "clues:new": "clue.enter",
    "verification:assign_batch": "clue.assign",
    "verification:assign": "clue.work",
    "verification:conclude": "clue.work",
    "casework:partner_visit": "case.partner_visit",
    "casework:route_need": "case.handle",
    "casework:decline_need": "case.handle",
    "referrals:ledger": "referral.list",
    "referrals:meetings": "meeting.list",
    "referrals:meeting_new": "meeting.record",
    "referrals:meeting": "meeting.view",
    "casework:case_list": "case.list",
    "casework:correct_case": "case.handle",
    "persons:search": "person.search",
    "persons:person": "person.view",
    "casework:new_case": "case.accept",
    "casework:case_detail": "case.view",
    "casework:document": "case.document",
    "casework:save_report": "case.handle",
    "casework:add_meeting": "case.handle",
    "casework:submit": "case.handle",
    "casework:mark_urgent": "case.handle",
    "casework:complete_paperwork": "case.handle",
    "casework:approve": "case.approve",
    "casework:decide": "case.handle",
    "casework:request_funds": "case.pay",
    "casework:funds_received": "case.pay",
    "casework:notified": "case.handle",
    "casework:paid": "case.pay",
    "casework:schedule_visit": "case.handle",
    "casework:record_visit": "case.handle",
    "casework:close": "case.handle",
    "casework:approvals": "case.approvals",
    "casework:payments": "case.payments",
    "casework:deadlines": "home",
    "casework:calendar": "settings",
    "casework:calendar_add": "settings",
    "casework:calendar_remove": "settings",
    "casework:calendar_upload": "settings",
    "referrals:inbox": "referral.list",
    "referrals:new": "referral.send",
    "referrals:detail": "referral.view",
    "referrals:letter": "referral.view",
    "referrals:sign": "referral.act",
    "referrals:start": "referral.act",
    "referrals:answer": "referral.act",
    "referrals:return": "referral.act",
    "referrals:plan_items": "plan_item.list",
    "referrals:close_item": "plan_item.close",
    "referrals:case": "case.cooperation",
    "referrals:duties": "home",
    "referrals:notifications": "home",
    "referrals:upload": "upload",
    "referrals:upload_status": "upload.view",
    "referrals:rejections": "upload.view",
    "registries:batches": "registry.manage",
    "registries:confirm": "registry.manage",
    "registries:withdraw": "registry.manage",
    "registries:agreements": "registry.manage",
    "reports:dashboard": "report.view",
    "reports:download": "report.view",
    "accounts:users": "users",
    "accounts:user_new": "users",
    "accounts:user_edit": "users",
    "accounts:units": "users",
    "accounts:unit_new": "users",
    "accounts:unit_edit": "users",
    "accounts:settings": "settings",
    "api_tokens:list": "tokens",
    "api_tokens:revoke": "tokens",
    # the session API (/api/, django-ninja; a URL name is its operation's function). A path with
    # several methods maps each: {"GET": action, "POST": action}.
    "api:api-root": "public",
    "api:openapi-json": "public",
    "api:openapi-view": "public",
    "api:list_referrals": "referral.list",
    "api:get_referral": "referral.view",
    "api:list_plan_items": "plan_item.list",
    "api:list_notifications": "home",
    "api:case_timeline": "case.cooperation",
    "api:sign_referral": "referral.act",
    "api:start_referral": "referral.act",
    "api:answer_referral": "referral.act",
    "api:return_referral": "referral.act",
    # the token API (api.md): same actions as the pages, the token's unit as a liaison
    "api_v1:api-root": "public",
    "api_v1:openapi-json": "public",
    "api_v1:openapi-view": "public",
    "api_v1:push_batch": "api.upload",
    "api_v1:get_batch": "api.batch",
    "api_v1:batch_rejections": "api.batch",
    "api_v1:list_clues": "clue.list",
    "api_v1:conclude": "clue.answer",
    "api_v1:list_referrals": "referral.list",
    "api_v1:sign": "referral.act",
    "api_v1:answer": "referral.act",
    "api_v1:give_back": "referral.act",
}


def role_allows(user, action: str) -> bool:
    """The table's answer for the user's unit kind and role, before any object (a function of ``role_key``)."""
    rule = POLICY[action]
    profile = profile_of(user)
    if profile is None:
        return rule.public
    if not profile.role_fits_unit or not profile.unit.active or not user.is_active:
        return False
    return profile.role in (rule.procuratorate if profile.unit.is_procuratorate else rule.partner)


def role_key(user) -> tuple | None:
    """Everything ``role_allows`` reads of the user (None: no profile), so that what depends on the role alone
    (the menu) can be kept per key: two users with equal keys are allowed the same actions. Change it with
    ``role_allows``."""
    profile = profile_of(user)
    if profile is None:
        return None
    return profile.role, profile.unit.is_procuratorate, profile.unit.active, user.is_active


@cache
def _function(path: str) -> Callable:
    return import_string(path)


def visible(user, scope: str) -> QuerySet:
    """The objects of `scope` ("case", "clue", …) the user may see."""
    return _function(SCOPES[scope])(user)


def may(user, action: str, obj: Model | str | None = None, *, in_scope: QuerySet | None = None) -> bool:
    """The whole decision: the role by the table, then the object in the user's scope and its check.
    `in_scope`: ``visible(user, rule.scope)`` when the caller has built it to use again (the clue page lists
    the person's other clues from it), so that what the scope reads (a handler's team tags) is read once."""
    if not role_allows(user, action):
        return False
    rule = POLICY[action]
    if obj is None:
        return not rule.scope and not rule.check
    if rule.scope and not (visible(user, rule.scope) if in_scope is None else in_scope).filter(
            pk=getattr(obj, "pk", obj)).exists():
        return False
    return not rule.check or bool(_function(rule.check)(user, obj))


def require(request: HttpRequest, action: str, obj: Model | str | None = None, *,
            in_scope: QuerySet | None = None) -> None:
    """Refuse (403, audited) unless the user may take `action` (on `obj`: a model instance, or for
    an action without a scope any key its check takes, e.g. a person key); `in_scope` as `may`'s."""
    if not may(request.user, action, obj, in_scope=in_scope):
        if isinstance(obj, Model):
            raise deny(request, obj._meta.label_lower, str(obj.pk))
        raise deny(request, action, "" if obj is None else str(obj))


def get_visible_or_404(request: HttpRequest, model: type[Model] | QuerySet, pk, action: str, *,
                       in_scope: QuerySet | None = None) -> Model:
    """The object `pk` for `action`: 404 when there is none, 403 (audited) when the user may not;
    `in_scope` as `may`'s."""
    qs = model if isinstance(model, QuerySet) else model._default_manager.all()
    try:
        obj = qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("没有该记录 / not found") from None
    require(request, action, obj, in_scope=in_scope)
    return obj


def allow(action: str) -> Callable:
    """View decorator: login required, the role allowed by POLICY[action]; sets request.profile.
    The object check is the view's, through get_visible_or_404 with the same action."""
    if action not in POLICY:
        raise KeyError(f"no policy for action {action!r}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not role_allows(request.user, action):
                raise deny(request, "view", view.__name__)
            request.profile = profile_of(request.user)
            return view(request, *args, **kwargs)

        wrapped.policy_action = action
        return wrapped

    return decorator
