# Mention moved here from accounts (accounts/0010): the same table, accounts_mention, and the same
# content type row, renamed, so permissions and admin log entries follow it.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from core.model_moves import content_type_move


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_mention_moves_to_comments"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("comments", "0010_reports_count_readers_not_sessions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Mention",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("keywords", models.JSONField(blank=True, default=list, verbose_name="keywords found")),
                        (
                            "detected_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="detected"),
                        ),
                        (
                            "notified_at",
                            models.DateTimeField(
                                blank=True,
                                help_text=(
                                    "Set once the verified representatives were told; "
                                    "later members are not told of old mentions."
                                ),
                                null=True,
                                verbose_name="representatives notified",
                            ),
                        ),
                        (
                            "comment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="comments.comment",
                                verbose_name="comment",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="accounts.organization",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "mention",
                        "verbose_name_plural": "mentions",
                        "db_table": "accounts_mention",
                        "ordering": ["-detected_at", "-id"],
                        "indexes": [models.Index(fields=["notified_at"], name="mention_to_notify_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("comment", "organization"), name="mention_once_per_comment")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_type_move("accounts", "comments", "mention"),
    ]
