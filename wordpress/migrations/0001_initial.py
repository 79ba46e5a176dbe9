"""Redirect moves from blog to wordpress, keeping its table (blog_redirect) and its rows.

Only the migration state changes here; blog's 0004 removes the model from
blog's state. The content type row is renamed in place (blog → wordpress,
same id), so the permissions and the admin log entries that point at it
follow the model.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD, NEW, MODEL = "blog", "wordpress", "redirect"


def merge_permission(apps, duplicate, kept):
    """Give the users and groups that hold `duplicate` the `kept` permission instead, then drop `duplicate`."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Group = apps.get_model("auth", "Group")
    for through, owner in [(User.user_permissions.through, "user_id"), (Group.permissions.through, "group_id")]:
        holding = through.objects.filter(permission_id=kept.pk).values_list(owner, flat=True)
        through.objects.filter(permission_id=duplicate.pk, **{f"{owner}__in": list(holding)}).delete()
        through.objects.filter(permission_id=duplicate.pk).update(permission_id=kept.pk)
    duplicate.delete()


def move_content_type(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    moving = ContentType.objects.filter(app_label=source, model=MODEL).first()
    if moving is None:
        return  # A database whose content types are not created yet: post_migrate will make the new one.
    existing = ContentType.objects.filter(app_label=target, model=MODEL).first()
    if existing is not None:
        # Created early (by a post_migrate that ran before this migration): the old row, whose id
        # the permissions and log entries already hold, wins; the new one is folded into it.
        for permission in Permission.objects.filter(content_type=existing):
            kept = Permission.objects.filter(content_type=moving, codename=permission.codename).first()
            if kept is None:
                permission.content_type = moving
                permission.save(update_fields=["content_type"])
            else:
                merge_permission(apps, permission, kept)
        LogEntry.objects.filter(content_type=existing).update(content_type=moving)
        existing.delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    move_content_type(apps, OLD, NEW)


def backwards(apps, schema_editor):
    move_content_type(apps, NEW, OLD)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("blog", "0003_post_co_authors"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Redirect",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("old_path", models.CharField(help_text="A path on this site, such as /2019/03/hello-world/ or /?p=123, without the domain.", max_length=500, unique=True, verbose_name="old address")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="redirects", to="blog.post", verbose_name="post")),
                    ],
                    options={
                        "verbose_name": "redirect",
                        "verbose_name_plural": "redirects",
                        "ordering": ["old_path"],
                        "db_table": "blog_redirect",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
