"""The audit trail becomes a hash chain, built by the database so nothing can insert without it.

A BEFORE INSERT trigger takes a transaction-level advisory lock (one writer at a time, until its
commit), reads the last row, and sets seq = last + 1, prev_hash = last hash (64 zeros for the
first row) and hash = sha256(prev_hash || canonical content). Values given by the INSERT for these
three columns are overwritten, so raw SQL is chained too.

Snapshots: under READ COMMITTED each statement of a VOLATILE plpgsql function takes a new
snapshot, and the lock is released only after the holder's commit is visible, so the SELECT of
the last row after pg_advisory_xact_lock sees the previous writer's row. (A REPEATABLE READ
transaction would see a stale head; its INSERT then fails on the unique seq instead of forking the
chain.)

Canonical content: jsonb_build_array(id, seq, at as UTC epoch microseconds, actor id, action,
object_ref, purpose, case_number, details)::text. jsonb text output is canonical (sorted keys,
fixed spacing), and the epoch does not depend on the session time zone. `audit_verify`
recomputes the same expression (audit/chain.py).

Existing rows are chained in (at, id) order.
"""

from django.db import migrations, models

LOCK_KEY = 80_0008  # any constant; names the audit chain among the advisory locks

CHAIN = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_chain() RETURNS trigger AS $$
DECLARE
    last_seq bigint;
    last_hash varchar(64);
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.at := coalesce(NEW.at, now());
    NEW.object_ref := coalesce(NEW.object_ref, '');
    NEW.purpose := coalesce(NEW.purpose, '');
    NEW.case_number := coalesce(NEW.case_number, '');
    NEW.details := coalesce(NEW.details, '{{}}'::jsonb);
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
    NEW.hash := encode(sha256(convert_to(NEW.prev_hash || jsonb_build_array(
        NEW.id, NEW.seq, (extract(epoch FROM NEW.at) * 1000000)::bigint, NEW.actor_id, NEW.action,
        NEW.object_ref, NEW.purpose, NEW.case_number, NEW.details
    )::text, 'UTF8')), 'hex');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql VOLATILE;

CREATE TRIGGER audit_auditevent_chain
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_chain();
"""  # noqa: S608 (constant SQL, no user input)

UNCHAIN = """
DROP TRIGGER IF EXISTS audit_auditevent_chain ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_chain();
"""

BACKFILL = """
ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete;
DO $$
DECLARE
    row record;
    n bigint := 0;
    previous varchar(64) := repeat('0', 64);
    digest varchar(64);
BEGIN
    FOR row IN SELECT * FROM audit_auditevent ORDER BY at, id LOOP
        n := n + 1;
        digest := encode(sha256(convert_to(previous || jsonb_build_array(
            row.id, n, (extract(epoch FROM row.at) * 1000000)::bigint, row.actor_id, row.action,
            row.object_ref, row.purpose, row.case_number, row.details
        )::text, 'UTF8')), 'hex');
        UPDATE audit_auditevent SET seq = n, prev_hash = previous, hash = digest WHERE id = row.id;
        previous := digest;
    END LOOP;
END;
$$;
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_update_delete;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(db_default="", editable=False, max_length=64),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(db_default=0, editable=False, unique=True),
        ),
        migrations.RunSQL(CHAIN, UNCHAIN),
    ]
