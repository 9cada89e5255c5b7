"""The chain of custody is a record: the database itself refuses to change or remove its rows.

A row trigger does not fire on TRUNCATE, so the test runner can still empty the table between tests.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION evidence_custody_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the chain of custody is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER evidence_custody_append_only
    BEFORE UPDATE OR DELETE ON evidence_custodyentry
    FOR EACH ROW EXECUTE FUNCTION evidence_custody_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS evidence_custody_append_only ON evidence_custodyentry;
DROP FUNCTION IF EXISTS evidence_custody_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
