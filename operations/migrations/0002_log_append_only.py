"""The operation log is a record: the database itself refuses to change or remove its rows."""

from django.db import migrations

CREATE = """
CREATE FUNCTION operations_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the operation log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER operations_log_append_only
    BEFORE UPDATE OR DELETE ON operations_operationlogentry
    FOR EACH ROW EXECUTE FUNCTION operations_log_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS operations_log_append_only ON operations_operationlogentry;
DROP FUNCTION IF EXISTS operations_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
