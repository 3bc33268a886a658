from __future__ import annotations

from django.conf import settings
from django.db import models

from jiuzhu.app.accounts.roles import APPROVERS, FULL_ID_ROLES, PROCURATORATE_ROLES, Role

# The roles and role sets live in accounts/roles.py (one definition); imported here for the model.
__all__ = ["APPROVERS", "FULL_ID_ROLES", "PROCURATORATE_ROLES", "Profile", "Role"]


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
    def role_fits_unit(self) -> bool:
        """A procuratorate role in the procuratorate, a partner role in a partner unit; any other
        combination (a mistake in the user pages) is refused everywhere by accounts.policy."""
        return (self.role in PROCURATORATE_ROLES) == self.unit.is_procuratorate

    @property
    def sees_full_id(self) -> bool:
        return self.role in FULL_ID_ROLES

    @property
    def is_approver(self) -> bool:
        return self.role in APPROVERS
