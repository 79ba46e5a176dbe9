# The Mention model moved to the comments app (comments/0011): only the state changes; the table
# accounts_mention stays, and comments.Mention uses it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_names_refuse_invisible_characters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Mention")],
            database_operations=[],
        ),
    ]
