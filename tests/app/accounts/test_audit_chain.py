"""The audit trail, attacked: rows changed, removed or inserted straight in the database are found by
`jiuzhu audit verify`; PostgreSQL refuses UPDATE and DELETE outright (a superuser must disable the trigger)."""

from __future__ import annotations

import hashlib
import threading
from contextlib import nullcontext

import pytest
from django.db import DatabaseError, connection, transaction

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.cli.main import main

pytestmark = pytest.mark.django_db
ON_PG = connection.vendor == "postgresql"
TABLE = "accounts_auditevent"


def _trail(alice, n: int = 5) -> list[AuditEvent]:
    return [audit.record(alice, "view", object_type="casework.case", object_id=str(i), detail={"i": i})
            for i in range(1, n + 1)]


def _raw(sql: str, params=()) -> None:
    """As an attacker with database access: on PostgreSQL first switch the trigger off, as a superuser can."""
    with connection.cursor() as cur:
        if ON_PG:
            cur.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER accounts_auditevent_append_only")
        cur.execute(sql, params)
        if ON_PG:
            cur.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER accounts_auditevent_append_only")


def _verify(capsys) -> tuple[int, str, str]:
    code = main(["audit", "verify"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_intact_trail_verifies_with_its_count(alice, capsys):
    before = AuditEvent.objects.count()  # the personas' own creation is in the change log
    events = _trail(alice)
    assert [e.seq for e in events] == [before + i for i in range(1, 6)]
    assert AuditEvent.objects.get(seq=1).prev_hash == "0" * 64 and events[1].prev_hash == events[0].hash
    code, out, _ = _verify(capsys)
    assert code == 0
    assert f"审计记录完好：{before + 5} 条" in out and f"#{before + 5} {events[-1].hash}" in out


def test_empty_trail_verifies(db, capsys):
    code, out, _ = _verify(capsys)
    assert code == 0 and "0 条" in out


def test_changed_entry_is_named(alice, capsys):
    events = _trail(alice)
    _raw(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["999", events[2].pk])
    code, _, err = _verify(capsys)
    assert code == 1
    n = events[2].seq
    assert f"第 {n} 条记录的内容与校验值不符" in err and f"entry {n} was changed" in err


def test_changed_entry_with_rehashed_plain_sha256_is_still_found(alice, capsys):
    # Without the key (kept outside the database) a forger cannot recompute the entry's hash.
    events = _trail(alice)
    forged = hashlib.sha256(b"anything").hexdigest()
    _raw(f"UPDATE {TABLE} SET username = %s, hash = %s WHERE id = %s", ["bob", forged, events[1].pk])
    code, _, err = _verify(capsys)
    assert code == 1 and f"第 {events[1].seq} 条" in err


def test_removed_entry_is_named(alice, capsys):
    events = _trail(alice)
    _raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    code, _, err = _verify(capsys)
    assert code == 1 and f"第 {events[1].seq} 条记录不见了（被删除）" in err


def test_inserted_entry_is_found(alice, capsys):
    events = _trail(alice, 3)
    last = events[-1]
    _raw(
        f"INSERT INTO {TABLE} (seq, at, username, action, object_type, object_id, detail, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            last.seq + 1,
            last.at,
            "alice",
            "view",
            "casework.case",
            "77",
            "{}",
            last.hash,
            hashlib.sha256(b"x").hexdigest(),
        ],
    )
    code, _, err = _verify(capsys)
    assert code == 1 and f"第 {last.seq + 1} 条记录的内容与校验值不符" in err


def test_entry_inserted_out_of_order_is_found(alice, capsys):
    events = _trail(alice, 3)
    # Renumbering the tail to make room for a forged entry breaks the chain at the first renumbered one.
    _raw(f"UPDATE {TABLE} SET seq = seq + 10 WHERE id = %s", [events[2].pk])
    code, _, err = _verify(capsys)
    assert code == 1 and f"第 {events[2].seq} 条记录不见了" in err


@pytest.mark.skipif(not ON_PG, reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET object_id = '1' WHERE seq = %s", f"DELETE FROM {TABLE} WHERE seq = %s"]
)
def test_postgres_refuses_update_and_delete(alice, sql, capsys):
    events = _trail(alice, 2)
    n = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [events[0].seq])
    assert AuditEvent.objects.count() == n and main(["audit", "verify"]) == 0


def test_orm_refuses_change_and_delete_on_every_database(alice):
    event = _trail(alice, 1)[0]
    event.object_id = "2"
    with pytest.raises(ValueError, match="只能追加"):
        event.save()
    with pytest.raises(ValueError, match="不能删除"):
        event.delete()


def test_deleting_a_user_leaves_the_trail_intact(alice, capsys):
    _trail(alice, 2)
    alice.profile.delete()
    alice.delete()
    assert AuditEvent.objects.filter(username="alice", action="view").count() == 2
    assert main(["audit", "verify"]) == 0


def test_personal_values_are_keyed_hashes(alice):
    event = audit.record(alice, "update", object_type="casework.reviewreport", object_id="1",
                         detail={"note": "x", "file": "a.csv"},
                         before={"facts": "张三被打伤", "amount_fen": 100, "state": "draft"},
                         after={"facts": "张三被打伤，住院", "amount_fen": 200, "who": "110105199001010012"})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.before["amount_fen"] == 100 and stored.before["state"] == "draft"
    assert stored.before["facts"].startswith("hmac:") and stored.after["facts"].startswith("hmac:")
    assert stored.before["facts"] != stored.after["facts"]
    assert stored.after["who"].startswith("hmac:")
    text = str(stored.before) + str(stored.after) + str(stored.detail)
    assert "张三" not in text and "110105199001010012" not in text


def test_cli_entries_name_the_operator(db):
    import getpass

    event = audit.record(None, "export", object_type="clues.clue")
    assert event.username == f"cli:{getpass.getuser()}"


@pytest.mark.skipif(not ON_PG, reason="concurrent writers need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(alice, capsys):
    from django.db import connections

    def write(k: int) -> None:
        try:
            for i in range(10):
                # half inside a caller's transaction, half on their own (audit._append_postgresql's two ways)
                with transaction.atomic() if (k + i) % 2 else nullcontext():
                    audit.record(None, "view", object_type="t", object_id=f"{k}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    n = AuditEvent.objects.count()
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, n + 1))
    assert AuditEvent.objects.filter(object_type="t").count() == 40
    code, out, _ = _verify(capsys)
    assert code == 0 and f"{n} 条" in out
