"""Handover notes are a record: the database itself refuses to change or remove their rows.

Like operations/0002: a BEFORE UPDATE OR DELETE row trigger. TRUNCATE (the test runner's flush
between transactional tests) fires no row trigger, so it still empties the table.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION shifts_handover_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'handover notes are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER shifts_handover_append_only
    BEFORE UPDATE OR DELETE ON shifts_handovernote
    FOR EACH ROW EXECUTE FUNCTION shifts_handover_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS shifts_handover_append_only ON shifts_handovernote;
DROP FUNCTION IF EXISTS shifts_handover_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("shifts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
