from __future__ import annotations

from django.conf import settings
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


# Roles that work inside the procuratorate; the others belong to partner units.
PROCURATORATE_ROLES = {Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF, Role.FINANCE, Role.DATA_ADMIN}
# Roles whose work needs the full ID number (verifying identity, paying money).
FULL_ID_ROLES = {Role.HANDLER, Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF, Role.FINANCE}
APPROVER_ROLES = {Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF}


class Profile(models.Model):
    """What the platform knows of a user beyond login: unit, role, name as shown."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="members", verbose_name="单位")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    display_name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户资料"
        verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return f"{self.display_name}（{self.unit.name}·{self.get_role_display()}）"

    @property
    def in_procuratorate(self) -> bool:
        return self.unit.is_procuratorate

    @property
    def sees_full_id(self) -> bool:
        return self.role in FULL_ID_ROLES

    @property
    def is_approver(self) -> bool:
        return self.role in APPROVER_ROLES
