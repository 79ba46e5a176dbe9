"""Redirect moved from blog to wordpress: its rows, permissions and admin history come along.

The database is built at the migrations before the move (blog 0003, no
wordpress), filled through the historical models, then migrated to the
latest migrations (django-test-migrations' migrator). The content type keeps
its id, so what points at it (a user's permission, an admin log entry)
points at the moved model.
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from wordpress.models import Redirect

BEFORE = [("blog", "0003_post_co_authors"), ("wordpress", None)]
AFTER = [("blog", "0004_redirect_moves_to_wordpress"), ("wordpress", "0001_initial")]


def old_blog(old):
    """A post with a redirect, in the state before the move; the content type its migrate would have made."""
    OldUser = old.apps.get_model("accounts", "User")
    OldPost = old.apps.get_model("blog", "Post")
    OldRedirect = old.apps.get_model("blog", "Redirect")
    OldContentType = old.apps.get_model("contenttypes", "ContentType")
    OldPermission = old.apps.get_model("auth", "Permission")
    author = OldUser.objects.create(email="claire@example.org", display_name="Claire")
    editor = OldUser.objects.create(email="editor@example.org", display_name="Editor", is_staff=True)
    post = OldPost.objects.create(title="Hello", slug="hello-world", author=author, lead="Lead", body="<p>Body</p>")
    redirect = OldRedirect.objects.create(old_path="/2019/03/hello-world/", post=post)
    content_type = OldContentType.objects.create(app_label="blog", model="redirect")
    for action in ("add", "change", "delete", "view"):
        OldPermission.objects.create(content_type=content_type, codename=f"{action}_redirect", name=f"Can {action}")
    editor.user_permissions.add(OldPermission.objects.get(content_type=content_type, codename="change_redirect"))
    return editor, redirect, content_type


def log_change(old, editor, redirect, content_type):
    OldLogEntry = old.apps.get_model("admin", "LogEntry")
    return OldLogEntry.objects.create(
        user_id=editor.pk, content_type_id=content_type.pk, object_id=str(redirect.pk),
        object_repr=redirect.old_path, action_flag=CHANGE, change_message="[]",
    )  # fmt: skip


def moved(new, editor, redirect, entry):
    """What the latest models say: the row, the permission and the log entry, all on wordpress.Redirect."""
    ContentType.objects.clear_cache()
    row = Redirect.objects.select_related("post").get(pk=redirect.pk)
    assert (row.old_path, row.post.slug) == ("/2019/03/hello-world/", "hello-world")
    assert User.objects.get(pk=editor.pk).has_perm("wordpress.change_redirect")
    assert not User.objects.get(pk=editor.pk).has_perm("blog.change_redirect")
    assert LogEntry.objects.get(pk=entry.pk).get_edited_object() == row
    assert ContentType.objects.get_for_model(Redirect).model_class() is Redirect
    assert not ContentType.objects.filter(app_label="blog", model="redirect").exists()
    return ContentType.objects.get_for_model(Redirect)


@pytest.mark.django_db(transaction=True)
def test_the_rows_permissions_and_log_entries_of_redirects_follow_the_model_to_wordpress(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    editor, redirect, content_type = old_blog(old)
    entry = log_change(old, editor, redirect, content_type)

    new = migrator.apply_tested_migration(AFTER)

    assert moved(new, editor, redirect, entry).pk == content_type.pk


@pytest.mark.django_db(transaction=True)
def test_a_content_type_made_for_wordpress_before_the_move_is_folded_into_the_old_one(migrator):
    """A migrate that ran post_migrate between the two steps made wordpress.redirect already: one row stays."""
    old = migrator.apply_initial_migration(BEFORE)
    editor, redirect, content_type = old_blog(old)
    OldContentType = old.apps.get_model("contenttypes", "ContentType")
    OldPermission = old.apps.get_model("auth", "Permission")
    early = OldContentType.objects.create(app_label="wordpress", model="redirect")
    for action in ("add", "change", "delete", "view"):
        OldPermission.objects.create(content_type=early, codename=f"{action}_redirect", name=f"Can {action}")
    editor.user_permissions.add(OldPermission.objects.get(content_type=early, codename="view_redirect"))
    entry = log_change(old, editor, redirect, early)

    new = migrator.apply_tested_migration(AFTER)

    assert moved(new, editor, redirect, entry).pk == content_type.pk
    assert User.objects.get(pk=editor.pk).has_perm("wordpress.view_redirect")
    assert Permission.objects.filter(content_type_id=content_type.pk).count() == 4
