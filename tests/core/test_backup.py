"""export_content then import_content into an empty database gives the same site."""

import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Organization
from accounts.services import membership_request, membership_revoke, membership_verify
from blog.models import Post
from comments import services
from comments.models import Comment, ModerationEvent, Status
from core.backup import content_labels, content_models
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import image_upload, make_post
from tests.comments.factories import make_comment, reporter

pytestmark = pytest.mark.django_db(transaction=True)


def build_site():
    author = make_author(email="claire@example.org", display_name="Claire")
    moderator = make_user(is_staff=True, is_superuser=True)
    reader = make_user(email="reader@example.org", display_name="Reader")
    verdane = Organization.objects.create(name="Verdane", slug="verdane", email_domains="verdane.example")
    membership = membership_request(user=reader, organization=verdane, role="CM")
    membership_verify(membership=membership, by=moderator, note="checked by phone")
    other = membership_request(user=make_user(), organization=verdane)
    membership_revoke(membership=other, by=moderator, note="left the brand")
    post = make_post(author=author, title="Threads", body="<p>Body <em>kept</em></p>")
    post.set_cover(image_upload("cover.png", size=(300, 200)))
    post.save()
    make_post(author=author, status=Post.Status.DRAFT)
    root = make_comment(post=post, status=Status.APPROVED, ip_address="203.0.113.1")
    reply = make_comment(post=post, parent=root, status=Status.APPROVED)
    make_comment(post=post, parent=reply, status=Status.PENDING)
    held = make_comment(post=post, status=Status.HELD)
    services.comment_approve(comment=held, moderator=moderator, note="fine")
    spam = make_comment(post=post, status=Status.PENDING)
    services.comment_mark_spam(comment=spam, moderator=moderator)
    services.comment_flag(comment=root, reporter=reporter("abc"), reason="rude")
    services.comment_edit(comment=reply, moderator=moderator, body="Edited text", note="typo")
    services.comment_create(post=post, body="As the brand", user=reader, organization=verdane, parent=root)
    return post


TOKENS = r'name="(csrfmiddlewaretoken|token)" value="[^"]+"'


def snapshot(post):
    """The data, with natural keys, and what a reader sees."""
    out = io.StringIO()
    call_command("dumpdata", *content_labels(), natural_foreign=True, stdout=out)
    data = sorted(json.loads(out.getvalue()), key=lambda row: (row["model"], str(row["pk"])))
    client = Client()
    page = client.get(post.get_absolute_url()).content.decode()
    thread = re.sub(TOKENS, "", re.search(r'<section id="comments".*?</section>', page, re.S).group(0))
    home = client.get("/").content.decode()
    return data, thread, client.get(reverse("comments:feed")).content, re.sub(TOKENS, "", home)


def empty_database():
    for model in reversed(content_models()):
        model._default_manager.all().delete()


def test_an_export_restored_into_an_empty_database_gives_the_same_site(tmp_path, settings):
    post = build_site()
    before = snapshot(post)
    archive = tmp_path / "backup.zip"
    call_command("export_content", str(archive), "--media", stdout=io.StringIO())
    cover = post.cover.name

    empty_database()
    (tmp_path / "media").rename(tmp_path / "media-old")
    assert not Comment.objects.exists() and not Post.objects.exists()

    call_command("import_content", str(archive), stdout=io.StringIO())
    after = snapshot(Post.objects.get(pk=post.pk))
    assert after[0] == before[0]
    assert after[1:] == before[1:]
    assert (settings.MEDIA_ROOT / cover).read_bytes() == (tmp_path / "media-old" / cover).read_bytes()
    # The restored site keeps working: new rows get new ids, no clash with restored ones.
    assert services.comment_create(post=Post.objects.get(pk=post.pk), body="After", name="A", email="a@example.org")
    assert Membership.objects.verified().count() == 1


def test_the_archive_says_what_it_holds(tmp_path):
    build_site()
    archive = tmp_path / "backup.zip"
    call_command("export_content", str(archive), stdout=io.StringIO())
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert not [name for name in zipped.namelist() if name.startswith("media/")]
    assert manifest["counts"]["comments.Comment"] == Comment.objects.count() == 6
    assert manifest["counts"]["comments.ModerationEvent"] == ModerationEvent.objects.count() == 4


def test_a_restore_refuses_a_database_that_holds_content(tmp_path):
    build_site()
    archive = tmp_path / "backup.zip"
    call_command("export_content", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(archive))


def test_a_restore_refuses_media_paths_outside_the_media_folder(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("manifest.json", json.dumps({"format": 1, "counts": {}}))
        zipped.writestr("content.json", "[]")
        zipped.writestr("media/../../outside.txt", "x")
    with pytest.raises(CommandError, match="outside MEDIA_ROOT"):
        call_command("import_content", str(archive))
    assert not (tmp_path / "outside.txt").exists()
