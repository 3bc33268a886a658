"""The roles and the role sets, defined once. Every "who may" of the platform names these sets
(through `accounts.policy`), never lists roles of its own."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    HANDLER = "handler", "承办检察官"
    DEPT_HEAD = "dept_head", "部门负责人"
    DEPUTY_CHIEF = "deputy_chief", "分管副检察长"
    CHIEF = "chief", "检察长"
    FINANCE = "finance", "计财人员"
    LIAISON = "liaison", "协作单位联络员"
    UNIT_LEADER = "unit_leader", "协作单位负责人"
    DATA_ADMIN = "data_admin", "数据管理员"


# 部门负责人, 分管副检察长, 检察长: lead the unit, approve, see all its clues and cases.
LEADERS = frozenset({Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF})
APPROVERS = LEADERS
# Those who work clues and cases: the handlers and the leaders.
PROCURATORS = LEADERS | {Role.HANDLER}
FINANCE = frozenset({Role.FINANCE})
DATA_ADMIN = frozenset({Role.DATA_ADMIN})
# Roles that work inside the procuratorate; a partner unit's people have PARTNER_ROLES.
PROCURATORATE_ROLES = PROCURATORS | FINANCE | DATA_ADMIN
PARTNER_ROLES = frozenset({Role.LIAISON, Role.UNIT_LEADER})
ALL_ROLES = PROCURATORATE_ROLES | PARTNER_ROLES
# Roles whose work needs the full ID number (verifying identity, paying money).
FULL_ID_ROLES = PROCURATORS | FINANCE
