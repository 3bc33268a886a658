"""Chain the entries written before the chain existed (scrubbing personal values they held), then make
the table append-only on PostgreSQL."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION jiuzhu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除 / the audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION jiuzhu_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS jiuzhu_audit_append_only();
"""


def chain_existing(apps, schema_editor):
    from jiuzhu.app.accounts import chain

    AuditEvent = apps.get_model("accounts", "AuditEvent")
    prev, seq = chain.GENESIS, 0
    for row in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator():
        seq += 1
        row.seq = seq
        row.detail = chain.scrub(row.detail or {})
        row.before = chain.scrub(row.before) if row.before is not None else None
        row.after = chain.scrub(row.after) if row.after is not None else None
        row.ip = chain.normal_ip(row.ip)
        entry = {f: getattr(row, f) for f in chain.CHAINED}
        row.prev_hash, row.hash = prev, chain.entry_hash(prev, entry)
        prev = row.hash
        row.save()


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [("accounts", "0002_audit_chain_fields")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
