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

from core.model_moves import content_type_move


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
        content_type_move("blog", "wordpress", "redirect"),
    ]
