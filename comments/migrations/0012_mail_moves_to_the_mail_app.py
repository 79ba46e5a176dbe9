# Delivery and Suppression moved to the mail app (mail/0001): only the state changes; the tables
# comments_delivery and comments_suppression stay, and the mail app's models use them.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_mention_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="delivery", name="delivery_once"),
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="Suppression"),
            ],
            database_operations=[],
        ),
    ]
