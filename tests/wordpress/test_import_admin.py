"""The admin's import page: staff who may add posts and moderate comments upload a small export and read the report."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from blog.models import Post
from comments.models import Comment, ModerationEvent, Status
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
URL = "/admin/blog/post/import/"


def staff(*permissions):
    """A staff account holding these permissions ("app_label.codename")."""
    user = make_user(is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def importer(*more):
    """Staff who may import: add posts and moderate comments."""
    return staff("blog.add_post", "comments.moderate_comment", *more)


def upload(name, content=None):
    return SimpleUploadedFile(name, content if content is not None else (WXR / name).read_bytes())


def test_staff_who_may_add_posts_and_moderate_comments_import_a_wordpress_file_and_see_the_report(client):
    client.force_login(importer("blog.view_post", "blog.change_post"))
    assert "Import from WordPress or Disqus" in client.get("/admin/blog/post/").text
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    assert response.status_code == 200
    assert "Import finished" in response.text
    assert "16 comments: Approved" in response.text
    assert "2 comments: Held for review" in response.text  # Yann, and Léa's reply signed with her name
    assert "pingbacks: 1" in response.text
    assert Post.objects.count() == 6 and Comment.objects.count() == 20


def test_a_dry_run_from_the_admin_saves_nothing(client):
    client.force_login(importer())
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml"), "dry_run": "on"})
    assert "Dry run: nothing was saved." in response.text
    assert "6 posts" not in response.text and "3 posts: Published" in response.text
    assert not Post.objects.exists()


def test_a_disqus_file_from_the_admin(client):
    client.force_login(importer())
    client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    response = client.post(URL, {"kind": "disqus", "file": upload("disqus.xml")})
    assert "comments whose thread matches no post here: 1" in response.text
    assert Comment.objects.filter(source="disqus").count() == 7


def test_a_malformed_file_is_refused_with_its_reason(client):
    client.force_login(importer())
    response = client.post(URL, {"kind": "wordpress", "file": upload("malformed.xml")})
    assert "This file cannot be imported: Malformed XML at line 24, column 3" in response.text
    assert not Post.objects.exists()


def test_a_file_over_the_limit_is_refused(client, settings):
    settings.BLOG_IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(importer())
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    assert "the limit is 0.0 MB" in response.text
    assert not Post.objects.exists()


def test_staff_without_the_add_post_permission_cannot_import(client):
    client.force_login(staff("blog.view_post", "blog.change_post", "comments.moderate_comment"))
    assert "Import from WordPress or Disqus" not in client.get("/admin/blog/post/").text
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")}).status_code == 403
    assert not Post.objects.exists()


def test_staff_who_may_only_edit_posts_cannot_import_and_are_told_what_it_needs(client):
    """Importing publishes comments: without "Can moderate comments", neither the link, the form nor a POST."""
    client.force_login(staff("blog.add_post", "blog.view_post", "blog.change_post"))
    assert "Import from WordPress or Disqus" not in client.get("/admin/blog/post/").text
    response = client.get(URL)
    assert response.status_code == 403
    assert "Can moderate comments" in response.text and "Can add post" in response.text
    assert 'type="file"' not in response.text
    for kind, name in (("wordpress", "wordpress-org.xml"), ("disqus", "disqus.xml")):
        assert client.post(URL, {"kind": kind, "file": upload(name)}).status_code == 403
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert User.objects.count() == 1


def test_the_same_staff_with_moderate_comment_imports_and_is_named_in_the_history(client):
    user = staff("blog.add_post", "blog.view_post", "blog.change_post", "comments.moderate_comment")
    client.force_login(user)
    assert "Import from WordPress or Disqus" in client.get("/admin/blog/post/").text
    response = client.get(URL)
    assert response.status_code == 200
    assert "Can moderate comments" in response.text and 'type="file"' in response.text
    assert client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")}).status_code == 200
    assert client.post(URL, {"kind": "disqus", "file": upload("disqus.xml")}).status_code == 200
    assert Comment.objects.filter(source="wordpress").count() == 20
    assert Comment.objects.filter(source="disqus").count() == 7
    assert set(ModerationEvent.objects.values_list("source", "actor")) == {("import", user.pk)}


def comment_html(html, comment):
    return html.split(f'id="comment-{comment.pk}"')[1].split("</article>")[0]


def test_without_an_author_map_no_imported_comment_is_linked_to_an_account(client):
    client.force_login(importer())
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    assert response.status_code == 200
    assert not Comment.objects.filter(user__isnull=False).exists()
    reply = Comment.objects.get(name="Léa Marchand")  # the blog author's e-mail and WordPress account
    assert reply.status == Status.HELD  # her name, unlinked: a person decides
    assert "linked to the account" not in response.text


def test_an_author_map_uploaded_with_the_file_links_the_author_and_the_report_lists_it(client):
    client.force_login(importer())
    mapping = SimpleUploadedFile("authors.csv", b"source,account\nlea,lea@lea.example\n")
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml"), "author_map": mapping})
    assert response.status_code == 200
    reply = Comment.objects.get(name="Léa Marchand")
    assert reply.user.email == "lea@lea.example" and reply.status == Status.APPROVED
    assert "1 comment of “lea” linked to the account lea@lea.example" in response.text
    assert Comment.objects.filter(user__isnull=False).count() == 1
    html = Client().get("/posts/premier-billet/").text
    assert "comment-badge-author" in comment_html(html, reply)


def test_a_json_author_map_links_a_disqus_author(client):
    client.force_login(importer())
    client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    mapping = SimpleUploadedFile("authors.json", b'{"lea@lea.example": "lea@lea.example"}')
    response = client.post(URL, {"kind": "disqus", "file": upload("disqus.xml"), "author_map": mapping})
    linked = Comment.objects.get(source="disqus", user__isnull=False)
    assert linked.source_id == "8002"  # the registered author; the guest who typed her address (8003) is not
    assert "1 comment of “lea@lea.example” linked to the account lea@lea.example" in response.text


def test_a_broken_author_map_is_refused_with_its_reason_and_nothing_is_imported(client):
    client.force_login(importer())
    mapping = SimpleUploadedFile("authors.csv", b"lea,not an address\n")
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml"), "author_map": mapping})
    assert response.status_code == 200
    assert "line 1" in response.text and "not an address" in response.text
    assert not Post.objects.exists()


def test_readers_are_sent_to_the_login_page(client):
    client.force_login(make_user())
    assert client.get(URL).status_code == 302
