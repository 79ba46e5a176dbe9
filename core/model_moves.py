"""Moving a model from one app to another without touching its table or its history.

The model keeps its table (Meta.db_table) and its migrations move only the
state (SeparateDatabaseAndState). What the database does know of the app
label is the content type: permissions and admin log entries point at it by
id. Renaming that one row keeps every grant and every log entry attached to
the model under its new label.
"""

from django.db import migrations


def content_type_move(app_from: str, app_to: str, model: str) -> migrations.RunPython:
    """A migration operation that renames the model's content type to its new app, and back when reversed."""

    def rename(source, target):
        def run(apps, schema_editor):
            content_types = apps.get_model("contenttypes", "ContentType")
            moving = content_types.objects.filter(app_label=source, model=model).first()
            if moving is None:
                return  # A new database: post_migrate creates the content type under its new app.
            arrived = content_types.objects.filter(app_label=target, model=model).first()
            if arrived is not None:
                # Created under the new label already (a migrate run between the two steps): keep the old
                # row, which the grants and log entries point at, and drop the empty newcomer's permissions.
                permissions = apps.get_model("auth", "Permission")
                permissions.objects.filter(content_type=arrived).delete()
                log_entries = apps.get_model("admin", "LogEntry")
                log_entries.objects.filter(content_type=arrived).update(content_type=moving)
                arrived.delete()
            moving.app_label = target
            moving.save(update_fields=["app_label"])

        return run

    return migrations.RunPython(rename(app_from, app_to), rename(app_to, app_from), elidable=False)
