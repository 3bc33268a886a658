"""Migrate the case database only when it is behind: `migrate` at every `jiuzhu screen` cost ≈ 0.2 CPU s
(it loads every migration module and the project state to find nothing to do)."""

from __future__ import annotations

import importlib.util
import pkgutil


def migrate_if_behind() -> None:
    """Run `migrate` unless the migrations applied are exactly those on disk (a fresh database has none,
    an older one fewer, one a newer release wrote more: each gets `migrate`, as before). Django is set up."""
    # here, not at the top: Django is set up first, and only by commands that need it
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if recorder.has_table():
        on_disk = _on_disk()
        labels = {label for label, _ in on_disk}
        if {key for key in recorder.applied_migrations() if key[0] in labels} == on_disk:
            return
    call_command("migrate", interactive=False, verbosity=0)


def _on_disk() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file, as Django's MigrationLoader finds them, without
    importing them."""
    # here, not at the top: Django is set up first, and only by commands that need it
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    found: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(config.label)
        spec = importlib.util.find_spec(module) if module else None
        if spec is None or spec.origin is None or spec.submodule_search_locations is None:
            continue  # no migrations package (a namespace folder is none either)
        found |= {(config.label, name) for _, name, is_pkg in pkgutil.iter_modules(spec.submodule_search_locations)
                  if not is_pkg and name[0] not in "_~"}
    return found
