"""The Django admin without a back door (docs/security.md).

- Only the data administrator (by the policy table, action "settings") enters the admin; a Django
  superuser without that role does not, and nobody gets rights from Django's permission flags.
- Personal-data models (cases and everything under them, clues, referrals, plan items, notices,
  uploads, user profiles, Django's users and groups) are not in the admin at all: they are worked on
  the platform's own pages, which scope, mask and audit every view. Users are managed on
  /accounts/users/ (accounts.views), never by editing `is_superuser`.
- Nothing is deleted through the admin (`has_delete_permission` is False everywhere): units and
  lists are switched off, configuration rows are edited.

`lock_down(admin.site)` runs once from the URLconf, after every app has registered its admin.
ADMIN_MODELS lists what may stay: a model registered by an app and in neither list fails
tests/app/accounts/test_admin_policy.py, so a new admin page is a decision, not an accident."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jiuzhu.app.accounts import policy

# configuration a data administrator keeps (no personal data)
ADMIN_MODELS = frozenset({
    "accounts.unit", "accounts.team", "accounts.auditevent",
    "config.timelimit", "config.wagerate", "config.responsibilitylist", "casework.approvallevel",
    "clues.rulesetting", "clues.screeningrun",
    "jobs.job",  # ids and counts only, read-only
    "registries.sourceagreement",  # which source types a unit may send
})

# personal data, or the keys to it: never in the admin
PERSONAL_MODELS = frozenset({
    "auth.user", "auth.group", "accounts.profile",
    "casework.case", "casework.caseunit", "casework.reviewreport", "casework.jointmeeting", "casework.approval",
    "casework.decision", "casework.payment", "casework.followup", "casework.task", "casework.timelineevent",
    "casework.verification",
    "clues.clue",
    "accounts.notification", "referrals.referral", "referrals.planitem", "referrals.registryupload",
})


def is_data_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and policy.role_allows(user, "settings"))


def _allow(self, request, obj=None) -> bool:  # noqa: ARG001 — the admin's signature
    return is_data_admin(request)


def _never(self, request, obj=None) -> bool:  # noqa: ARG001
    return False


def lock_down(site: admin.AdminSite) -> None:
    for model in list(site._registry):
        if model._meta.label_lower in PERSONAL_MODELS:
            site.unregister(model)
    for model_admin in site._registry.values():
        cls = type(model_admin)
        keeps_add = cls.has_add_permission is not admin.ModelAdmin.has_add_permission
        keeps_change = cls.has_change_permission is not admin.ModelAdmin.has_change_permission
        model_admin.has_view_permission = _allow.__get__(model_admin)
        model_admin.has_module_permission = (lambda request: is_data_admin(request))
        if not keeps_add:  # an admin that already refuses adding (the audit trail) keeps refusing
            model_admin.has_add_permission = (lambda request, obj=None: is_data_admin(request))
        if not keeps_change:
            model_admin.has_change_permission = _allow.__get__(model_admin)
        model_admin.has_delete_permission = _never.__get__(model_admin)
    site.has_permission = is_data_admin
