"""The case log is a record: the database itself refuses to change or remove its rows.

TRUNCATE is not refused (like operations): Django's test flush truncates tables between
transactional tests, and TRUNCATE needs the table owner's privilege anyway.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION cases_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the case log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER cases_log_append_only
    BEFORE UPDATE OR DELETE ON cases_caselogentry
    FOR EACH ROW EXECUTE FUNCTION cases_log_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_log_append_only ON cases_caselogentry;
DROP FUNCTION IF EXISTS cases_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_casenumbercounter_caselink_caselogentry")]

    operations = [migrations.RunSQL(CREATE, DROP)]
