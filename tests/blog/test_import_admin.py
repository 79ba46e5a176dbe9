"""The admin's import page: staff who may add posts upload a small export and read the report."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Post
from comments.models import Comment
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parent / "wxr"
URL = "/admin/blog/post/import/"


def staff(*codenames):
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="blog", codename__in=codenames))
    return user


def upload(name, content=None):
    return SimpleUploadedFile(name, content if content is not None else (WXR / name).read_bytes())


def test_staff_who_may_add_posts_import_a_wordpress_file_and_see_the_report(client):
    client.force_login(staff("add_post", "view_post", "change_post"))
    assert "Import from WordPress or Disqus" in client.get("/admin/blog/post/").text
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    assert response.status_code == 200
    assert "Import finished" in response.text
    assert "17 comments: Approved" in response.text
    assert "pingbacks: 1" in response.text
    assert Post.objects.count() == 6 and Comment.objects.count() == 20


def test_a_dry_run_from_the_admin_saves_nothing(client):
    client.force_login(staff("add_post"))
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml"), "dry_run": "on"})
    assert "Dry run: nothing was saved." in response.text
    assert "6 posts" not in response.text and "3 posts: Published" in response.text
    assert not Post.objects.exists()


def test_a_disqus_file_from_the_admin(client):
    client.force_login(staff("add_post"))
    client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    response = client.post(URL, {"kind": "disqus", "file": upload("disqus.xml")})
    assert "comments whose thread matches no post here: 1" in response.text
    assert Comment.objects.filter(source="disqus").count() == 7


def test_a_malformed_file_is_refused_with_its_reason(client):
    client.force_login(staff("add_post"))
    response = client.post(URL, {"kind": "wordpress", "file": upload("malformed.xml")})
    assert "This file cannot be imported: Malformed XML at line 24, column 3" in response.text
    assert not Post.objects.exists()


def test_a_file_over_the_limit_is_refused(client, settings):
    settings.BLOG_IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(staff("add_post"))
    response = client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")})
    assert "the limit is 0.0 MB" in response.text
    assert not Post.objects.exists()


def test_staff_without_the_add_post_permission_cannot_import(client):
    client.force_login(staff("view_post", "change_post"))
    assert "Import from WordPress or Disqus" not in client.get("/admin/blog/post/").text
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "wordpress", "file": upload("wordpress-org.xml")}).status_code == 403
    assert not Post.objects.exists()


def test_readers_are_sent_to_the_login_page(client):
    client.force_login(make_user())
    assert client.get(URL).status_code == 302
