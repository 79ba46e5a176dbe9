# Delivery and Suppression moved here from the comments app (comments/0012): the same tables,
# comments_delivery and comments_suppression, and the same content type rows, renamed, so permissions
# and admin log entries follow them. E-mail tasks still waiting in the queue name the send task at
# its new place.

import django.utils.timezone
from django.db import migrations, models

from core.model_moves import content_type_move

EMAIL_SEND_BEFORE, EMAIL_SEND = "accounts.emails.email_send", "mail.tasks.email_send"


def waiting_emails_follow(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=EMAIL_SEND_BEFORE).update(task_path=EMAIL_SEND)


def waiting_emails_go_back(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=EMAIL_SEND).update(task_path=EMAIL_SEND_BEFORE)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("comments", "0012_mail_moves_to_the_mail_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Suppression",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, unique=True, verbose_name="e-mail address")),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("unsubscribed", "Unsubscribed"),
                                    ("bounced", "Bounced"),
                                    ("complained", "Marked as spam by the recipient"),
                                ],
                                max_length=12,
                                verbose_name="reason",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="since")),
                    ],
                    options={
                        "verbose_name": "suppressed address",
                        "verbose_name_plural": "suppressed addresses",
                        "db_table": "comments_suppression",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("queued", "Comment waiting for moderation"),
                                    ("digest", "Moderation digest"),
                                    ("published", "Comment published"),
                                    ("rejected", "Comment rejected"),
                                    ("reply", "New reply"),
                                    ("confirm", "Subscription confirmation"),
                                    ("mention", "Brand mention"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                        (
                            "key",
                            models.CharField(
                                help_text="What the e-mail is about, e.g. comment:42.",
                                max_length=100,
                                verbose_name="about",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("suppressed", "Not sent: address suppressed"),
                                ],
                                default="sending",
                                max_length=10,
                                verbose_name="state",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=1, verbose_name="attempts")),
                        ("error", models.CharField(blank=True, max_length=300, verbose_name="last error")),
                        (
                            "message",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="What the e-mail is made from: template, language and references. Its links are made when sent.",
                                verbose_name="e-mail",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="claimed")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                    ],
                    options={
                        "verbose_name": "notification e-mail",
                        "verbose_name_plural": "notification e-mails",
                        "db_table": "comments_delivery",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "recipient", "key"), name="delivery_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_type_move("comments", "mail", "delivery"),
        content_type_move("comments", "mail", "suppression"),
        migrations.RunPython(waiting_emails_follow, waiting_emails_go_back),
    ]
