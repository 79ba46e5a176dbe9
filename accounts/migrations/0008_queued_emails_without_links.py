from django.db import migrations

EMAIL_SEND = "accounts.emails.email_send"


def forget_rendered_emails(apps, schema_editor):
    """Empty the rendered e-mails (and their links) that finished e-mail tasks kept in the queue.

    Tasks still waiting keep theirs: accounts.emails.email_send sends them as
    they were queued. New tasks carry only what to send.
    """
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    finished = DBTaskResult.objects.filter(task_path=EMAIL_SEND).exclude(status__in=["READY", "RUNNING"])
    for row in finished.iterator():
        kwargs = row.args_kwargs.get("kwargs", {})
        if "body" in kwargs or "html" in kwargs:
            kept = {"to": kwargs.get("to", []), "attempt": kwargs.get("attempt", 1)}
            DBTaskResult.objects.filter(pk=row.pk).update(args_kwargs={"args": [], "kwargs": kept})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_membership_links_sent"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forget_rendered_emails, migrations.RunPython.noop)]
