from django.db import migrations


class Migration(migrations.Migration):
    """GiST index on location::geography: "cameras near this spot" filters with ST_DWithin in metres."""

    dependencies = [("cameras", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX camera_location_geog_idx ON cameras_camera USING gist ((location::geography))",
            "DROP INDEX camera_location_geog_idx",
        )
    ]
