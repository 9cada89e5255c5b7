"""Start the live rule run at the newest outbox event, so deploying rules never fires on history."""

from django.db import migrations
from django.db.models import Max


def cursor_at_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    OutboxEvent = apps.get_model("rtcc", "OutboxEvent")
    RuleCursor = apps.get_model("rules", "RuleCursor")
    head = OutboxEvent.objects.aggregate(m=Max("seq"))["m"] or 0
    RuleCursor.objects.update_or_create(pk=1, defaults={"last_seq": head})


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial"), ("rtcc", "0001_initial")]

    operations = [migrations.RunPython(cursor_at_head, migrations.RunPython.noop)]
