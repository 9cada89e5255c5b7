"""The dissemination log and the version history are records: the database refuses to change or remove rows."""

from django.db import migrations

CREATE = """
CREATE FUNCTION bulletins_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER bulletins_dissemination_append_only
    BEFORE UPDATE OR DELETE ON bulletins_dissemination
    FOR EACH ROW EXECUTE FUNCTION bulletins_append_only();
CREATE TRIGGER bulletins_version_append_only
    BEFORE UPDATE OR DELETE ON bulletins_bulletinversion
    FOR EACH ROW EXECUTE FUNCTION bulletins_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS bulletins_dissemination_append_only ON bulletins_dissemination;
DROP TRIGGER IF EXISTS bulletins_version_append_only ON bulletins_bulletinversion;
DROP FUNCTION IF EXISTS bulletins_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
