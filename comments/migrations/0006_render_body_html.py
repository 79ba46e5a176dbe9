"""Render body_html again for every stored comment, with the current rules.

Rows written without it (bulk inserts, imports) would show an empty
comment; rows rendered by older rules get today's links and rel values.
The page only reads body_html: the body is rendered once, here or on save.
"""

from django.db import migrations

BATCH = 500


def render_bodies(apps, schema_editor):
    from core.sanitize import render_reader_text

    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "body", "body_html").iterator(chunk_size=BATCH):
        html = render_reader_text(comment.body)
        if html != comment.body_html:
            comment.body_html = html
            batch.append(comment)
        if len(batch) >= BATCH:
            Comment.objects.bulk_update(batch, ["body_html"])
            batch = []
    Comment.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [("comments", "0005_notifications")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop, elidable=True)]
