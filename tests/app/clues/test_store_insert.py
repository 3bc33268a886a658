"""New clues are inserted by one executemany (findings.insert_new), not Django's bulk_create: every stored
column must be what bulk_create stores for the same clues (JSON text, dates, defaults, the derived columns),
on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from django.db import connection

from jiuzhu.app.clues.findings import insert_new, store_result
from jiuzhu.app.clues.models import Clue
from tests.app.clues.test_findings import county, screen

# updated_at is auto_now (the time of the insert); id the database's
_NOT_COMPARED = ("id", "updated_at")


def _stored() -> list[tuple]:
    """Every row of the clue table as the database holds it (no model conversion), by key."""
    columns = [f.column for f in Clue._meta.concrete_fields if f.column not in _NOT_COMPARED]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(Clue._meta.db_table)} "
                       f"ORDER BY {quote('key')}")
        return cursor.fetchall()


def _again(clues: list[Clue]) -> list[Clue]:
    for clue in clues:
        clue.pk = None
        clue._state.adding = True
    return clues


def test_new_clues_are_stored_as_bulk_create_stores_them(db):
    store_result(screen(county()))  # the new clues through insert_new
    ours = _stored()
    assert len(ours) == 3
    clues = list(Clue.objects.order_by("key"))
    Clue.objects.all().delete()
    Clue.objects.bulk_create(_again(clues))
    assert _stored() == ours
    Clue.objects.all().delete()
    insert_new(_again(clues))
    assert _stored() == ours
    assert all(c.updated_at is not None for c in Clue.objects.all())  # auto_now filled as bulk_create does
