"""The chain trigger takes the outbox's advisory lock before its own: one global lock order.

A transaction that wrote an event (outbox lock) and then an audit row (chain lock) could deadlock
with one that did it the other way round (found by the API fuzzing: two concurrent case opens).
Taking the outbox lock first inside the trigger gives every transaction the order
outbox → audit chain. Advisory locks are re-entrant, so a transaction already holding the
outbox lock does not wait for itself.
"""

from django.db import migrations

OUTBOX_LOCK_KEY = 7_201_001  # rtcc.outbox.OUTBOX_LOCK_KEY
CHAIN_LOCK_KEY = 80_0008  # audit/migrations/0003_hash_chain.LOCK_KEY


def chain_function(*, outbox_first: bool) -> str:
    first = f"PERFORM pg_advisory_xact_lock({OUTBOX_LOCK_KEY});" if outbox_first else ""
    return f"""
CREATE OR REPLACE FUNCTION audit_auditevent_chain() RETURNS trigger AS $$
DECLARE
    last_seq bigint;
    last_hash varchar(64);
BEGIN
    {first}
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK_KEY});
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
"""  # noqa: S608 (constant SQL, no user input)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_flags")]

    operations = [
        migrations.RunSQL(chain_function(outbox_first=True), chain_function(outbox_first=False)),
    ]
