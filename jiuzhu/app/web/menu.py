"""The navigation each role sees. Apps add entries by URL name; missing URLs are left out."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from jiuzhu.app.accounts import policy

# (label, url name): shown when the policy table lets the user's role take the URL's action.
ENTRIES: tuple[tuple[str, str], ...] = (
    ("线索", "clues:queue"),
    ("查找人员", "persons:search"),
    ("案件", "casework:case_list"),
    ("待我审批", "casework:approvals"),
    ("我的期限", "casework:deadlines"),
    ("发放", "casework:payments"),
    ("移送收件箱", "referrals:inbox"),
    ("救助方案事项", "referrals:plan_items"),
    ("通知", "referrals:notifications"),
    ("职责清单", "referrals:duties"),
    ("定期会商", "referrals:meetings"),
    ("上传名单", "referrals:upload"),
    ("名单批次", "registries:batches"),
    ("季度通报", "reports:dashboard"),
    ("工作日历", "casework:calendar"),
    ("接口令牌", "api_tokens:list"),
    ("用户与单位", "accounts:users"),
    ("系统设置", "accounts:settings"),
    ("数据管理", "admin:index"),
)


def menu_for(user) -> list[tuple[str, str]]:
    """The entries the user's role may open, with their addresses. Worked out once per process for each
    ``policy.role_key`` (the role rules read nothing else) and URL prefix and configuration (what
    ``reverse`` reads): it was ≈ 19 rule checks and 9 reverses on every page."""
    key = policy.role_key(user)
    if key is None:
        return []
    where = (key, *_urls_key())
    items = _MENUS.get(where)
    if items is None:
        items = _MENUS[where] = tuple(_entries(user))
    return list(items)


_MENUS: dict[tuple, tuple[tuple[str, str], ...]] = {}
_URLS: dict[tuple, str | None] = {}


def _urls_key() -> tuple[str, str]:
    """What ``reverse`` reads besides the name: the URL prefix and configuration of this request."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def url_of(name: str) -> str | None:
    """``reverse(name)`` (None when no such URL), once per process for each prefix and configuration: the
    landing page's tiles reverse ≈ 9 names a page."""
    key = (name, *_urls_key())
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


def _entries(user) -> list[tuple[str, str]]:
    return [(label, url) for label, name in ENTRIES
            if policy.role_allows(user, policy.URLS.get(name, "settings")) and (url := url_of(name)) is not None]
