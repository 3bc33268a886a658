"""The navigation each role sees. Apps add entries by URL name; missing URLs are left out."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.models.profile import PROCURATORATE_ROLES, Role

# (label, url name, roles that see it; empty = everyone)
ENTRIES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("线索", "clues:queue", frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF, Role.LIAISON,
                                     Role.UNIT_LEADER})),
    ("查找人员", "persons:search", frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF,
                                            Role.LIAISON, Role.UNIT_LEADER})),
    ("案件", "casework:case_list", frozenset(PROCURATORATE_ROLES)),
    ("待我审批", "casework:approvals", frozenset({Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF})),
    ("我的期限", "casework:deadlines", frozenset()),
    ("发放", "casework:payments", frozenset({Role.FINANCE})),
    ("移送收件箱", "referrals:inbox", frozenset()),
    ("救助方案事项", "referrals:plan_items", frozenset()),
    ("通知", "referrals:notifications", frozenset()),
    ("职责清单", "referrals:duties", frozenset()),
    ("定期会商", "referrals:meetings", frozenset()),
    ("上传名单", "referrals:upload", frozenset({Role.LIAISON, Role.UNIT_LEADER, Role.DATA_ADMIN})),
    ("名单批次", "registries:batches", frozenset({Role.DATA_ADMIN})),
    ("季度通报", "reports:dashboard", frozenset({Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF, Role.DATA_ADMIN})),
    ("工作日历", "casework:calendar", frozenset({Role.DATA_ADMIN})),
    ("接口令牌", "api_tokens:list", frozenset({Role.DATA_ADMIN})),
    ("数据管理", "admin:index", frozenset({Role.DATA_ADMIN})),
)


def menu_for(user) -> list[tuple[str, str]]:
    profile = profile_of(user)
    if profile is None:
        return []
    items = []
    for label, name, roles in ENTRIES:
        if roles and profile.role not in roles:
            continue
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return items
