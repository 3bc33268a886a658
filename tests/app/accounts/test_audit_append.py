"""How an entry is appended on PostgreSQL (audit._append_postgresql: the lock and the chain head in one round
trip, the insert and the commit in the other): committed on its own outside a transaction, with the caller's
transaction inside one, no transaction left open when it fails, one chain under concurrent writers of both
kinds (test_audit_chain.py). The same checks of the returned entry run on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from jiuzhu.app.accounts import audit, chain
from jiuzhu.app.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
ON_PG = connection.vendor == "postgresql"
needs_pg = pytest.mark.skipif(not ON_PG, reason="the PostgreSQL path")


def _stored(event: AuditEvent) -> dict:
    return AuditEvent.objects.filter(pk=event.pk).values(*chain.CHAINED, "prev_hash", "hash").get()


def test_returned_entry_is_the_stored_one(alice):
    event = audit.record(alice, "view", object_type="casework.case", object_id="7",
                         detail={"ids": ["1", "2"], "name": "张三"})
    stored = _stored(event)
    assert {k: getattr(event, k) for k in stored} == stored
    assert event.hash == chain.entry_hash(event.prev_hash, stored)
    assert not event._state.adding
    assert audit.verify()[1] is None


def _idle() -> bool:
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.IDLE


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_entry_commits_and_leaves_none_open(alice):
    event = audit.record(alice, "view", object_type="t", object_id="1")
    assert _idle() and connection.get_autocommit()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_entry_goes_with_it(alice):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(alice, "view", object_type="t", object_id="rolled back")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    with transaction.atomic():
        kept = audit.record(alice, "view", object_type="t", object_id="kept")
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert audit.verify() == (before + 1, None)


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_lock_leaves_no_transaction_open(alice, monkeypatch):
    def broken(prev, entry):
        raise ValueError("broken")

    monkeypatch.setattr(chain, "entry_hash", broken)
    with pytest.raises(ValueError):
        audit.record(alice, "view", object_type="t", object_id="1")
    assert _idle()
    monkeypatch.undo()
    audit.record(alice, "view", object_type="t", object_id="2")
    n = AuditEvent.objects.count()
    assert audit.verify() == (n, None)
