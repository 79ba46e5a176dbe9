"""Moving a model from one app to another without touching its table or its history.

The model keeps its table (Meta.db_table) and its migrations move only the
state (SeparateDatabaseAndState). What the database does know of the app
label is the content type: permissions and admin log entries point at it by
id. Renaming that one row keeps every grant and every log entry attached to
the model under its new label.
"""

from django.conf import settings
from django.db import migrations


def _permission_merge(apps, duplicate, kept):
    """Give the users and groups that hold `duplicate` the `kept` permission instead, then drop `duplicate`."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    group = apps.get_model("auth", "Group")
    for through, owner in [(user.user_permissions.through, "user_id"), (group.permissions.through, "group_id")]:
        holding = through.objects.filter(permission_id=kept.pk).values_list(owner, flat=True)
        through.objects.filter(permission_id=duplicate.pk, **{f"{owner}__in": list(holding)}).delete()
        through.objects.filter(permission_id=duplicate.pk).update(permission_id=kept.pk)
    duplicate.delete()


def _content_type_rename(apps, model, source, target):
    content_types = apps.get_model("contenttypes", "ContentType")
    permissions = apps.get_model("auth", "Permission")
    log_entries = apps.get_model("admin", "LogEntry")
    moving = content_types.objects.filter(app_label=source, model=model).first()
    if moving is None:
        return  # A database whose content types are not created yet: post_migrate makes the new one.
    existing = content_types.objects.filter(app_label=target, model=model).first()
    if existing is not None:
        # Created early (by a post_migrate that ran between the two steps): the old row, whose id the
        # grants and log entries already hold, wins; the new one is folded into it.
        for permission in permissions.objects.filter(content_type=existing):
            kept = permissions.objects.filter(content_type=moving, codename=permission.codename).first()
            if kept is None:
                permission.content_type = moving
                permission.save(update_fields=["content_type"])
            else:
                _permission_merge(apps, permission, kept)
        log_entries.objects.filter(content_type=existing).update(content_type=moving)
        existing.delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])


def content_type_move(app_from: str, app_to: str, model: str) -> migrations.RunPython:
    """A migration operation renaming the model's content type to its new app (and back when reversed).

    The migration using it depends on contenttypes, auth and admin, whose tables it writes.
    """

    def forwards(apps, schema_editor):
        _content_type_rename(apps, model, app_from, app_to)

    def backwards(apps, schema_editor):
        _content_type_rename(apps, model, app_to, app_from)

    return migrations.RunPython(forwards, backwards)
