"""Redirect now lives in the wordpress app (its 0001), with the same table: only blog's state forgets it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0003_post_co_authors"),
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Redirect")],
            database_operations=[],
        ),
    ]
