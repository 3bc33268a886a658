"""The change log: every saved, deleted or re-linked row of every model, with before/after, in the audit trail
(one mechanism for all models, as NetBox's change log; admin pages and settings pages included).

Signals, not a mixin, so that Django's own models (users, groups) and every app's models are covered
without touching them. Values are stored as they are only when they cannot be personal (numbers, dates,
booleans, choices, codes, foreign keys as ids); every free-text value becomes its keyed hash. Bulk updates
(`QuerySet.update`, `bulk_create`) send no signals: the services that use them record their own entry.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from jiuzhu.app.accounts import audit, chain

# Models whose rows are bookkeeping rather than records (or the trail itself); each says why.
UNTRACKED = frozenset({
    "accounts.auditevent",  # the trail itself
    "sessions.session",  # logins and logouts are audited as such
    "contenttypes.contenttype", "auth.permission",  # written by migrate
    "admin.logentry",  # Django's own copy of admin changes, which this log already holds
    "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",  # failed logins are audited as such
    "jobs.job",  # the worker's queue; imports and screenings are audited by what they change
})
# Changes to these fields alone are not worth an entry (they move on every login or every save).
IGNORED_FIELDS = frozenset({"last_login", "updated_at", "modified_at"})
_PLAIN = (models.BooleanField, models.IntegerField, models.FloatField, models.DecimalField, models.DateField,
          models.DateTimeField, models.TimeField, models.DurationField, models.UUIDField, models.SlugField)


def tracked(model: type[models.Model]) -> bool:
    # Migrations save through models of their own registry (historical models, the migration recorder's),
    # before the trail's table may exist.
    return model._meta.apps is global_apps and model._meta.concrete_model._meta.label_lower not in UNTRACKED


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def value_of(field: models.Field, obj: models.Model) -> Any:
    """A field's value as the trail may hold it: as it is when it cannot be personal, else its keyed hash."""
    value = getattr(obj, field.attname)
    if field.is_relation or field.primary_key or field.choices or isinstance(field, _PLAIN):
        return _plain(value)
    return chain.personal(value) if value not in (None, "") else value


def snapshot(obj: models.Model) -> dict:
    return {f.attname: value_of(f, obj) for f in obj._meta.concrete_fields}


def _before_save(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    if raw or not tracked(sender) or instance._state.adding or instance.pk is None:
        instance._changelog_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._changelog_before = snapshot(old) if old is not None else None


def _after_save(sender, instance: models.Model, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not tracked(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_changelog_before", None)
    if created or before is None:
        audit.record(None, "create", instance, detail={"via": "changelog"}, after=after)
        return
    changed = sorted(k for k in after if after[k] != before.get(k) and k not in IGNORED_FIELDS)
    if not changed:
        return
    audit.record(None, "update", instance, detail={"via": "changelog", "changed": changed},
                 before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})


def _after_delete(sender, instance: models.Model, **kwargs) -> None:
    if tracked(sender):
        audit.record(None, "delete", instance, detail={"via": "changelog"}, before=snapshot(instance))


def _m2m(sender, instance: models.Model, action: str, model, pk_set, reverse: bool, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or not tracked(type(instance)):
        return
    field = next((f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), sender.__name__)
    audit.record(None, "update", instance,
                 detail={"via": "changelog", "changed": [field], "m2m": action.removeprefix("post_"),
                         "ids": sorted(pk_set or []), "model": model._meta.label_lower})


def connect() -> None:
    """Called once from AccountsConfig.ready()."""
    pre_save.connect(_before_save, dispatch_uid="jiuzhu.changelog.pre_save")
    post_save.connect(_after_save, dispatch_uid="jiuzhu.changelog.post_save")
    post_delete.connect(_after_delete, dispatch_uid="jiuzhu.changelog.post_delete")
    m2m_changed.connect(_m2m, dispatch_uid="jiuzhu.changelog.m2m")
