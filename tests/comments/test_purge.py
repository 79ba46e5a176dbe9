"""Purging: spam and rejected comments past the retention go, with a line each; nothing else does."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from comments import tasks
from comments.models import Comment, Status
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def comments(settings):
    settings.COMMENTS_RETENTION_DAYS = 30
    settings.COMMENTS_IP_RETENTION_DAYS = 365  # addresses: their own test below
    post = make_post(title="Old news")
    old = timezone.now() - timedelta(days=31)
    with time_machine.travel(old):
        found = {
            "old_spam": make_comment(post=post, status=Status.SPAM, name="Spammer"),
            "old_rejected": make_comment(post=post, status=Status.REJECTED),
            "old_approved": make_comment(post=post, status=Status.APPROVED),
            "old_held": make_comment(post=post, status=Status.HELD),
            "old_removed": make_comment(post=post, status=Status.REMOVED),
            "old_rejected_with_reply": make_comment(post=post, status=Status.REJECTED),
        }
        found["reply"] = make_comment(post=post, parent=found["old_rejected_with_reply"])
    found["new_spam"] = make_comment(post=post, status=Status.SPAM)
    return found


def purge(*args):
    out = StringIO()
    call_command("purge_comments", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_old_spam_and_rejected_and_prints_each(comments):
    output = purge()

    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert remaining == {c.pk for name, c in comments.items() if name not in ("old_spam", "old_rejected")}
    assert f"Deleted comment {comments['old_spam'].pk} (spam" in output
    assert "Spammer" in output and "Old news" in output
    assert f"Deleted comment {comments['old_rejected'].pk} (rejected" in output
    assert "Deleted 2 item(s); retention 30 days for spam and rejected comments, 365 days for IP addresses." in output


def test_a_dry_run_prints_and_deletes_nothing(comments):
    output = purge("--dry-run")

    assert Comment.objects.count() == len(comments)
    assert "Would delete 2 item(s)" in output


def test_the_periodic_task_purges_too(comments):
    summary = tasks.periodic_run()

    assert summary["purged"] == 2
    assert not Comment.objects.filter(pk=comments["old_spam"].pk).exists()


def test_ip_addresses_past_their_retention_are_erased_and_the_comments_kept(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 90
    with time_machine.travel(timezone.now() - timedelta(days=91)):
        old = make_comment(ip_address="203.0.113.7", user_agent="Firefox", body="Still here.")
    recent = make_comment(ip_address="198.51.100.2", user_agent="Chromium")

    assert f"Would delete the IP address and user agent of comment {old.pk} (sent " in purge("--dry-run")
    assert Comment.objects.get(pk=old.pk).ip_address == "203.0.113.7"

    output = purge()
    assert f"Deleted the IP address and user agent of comment {old.pk} (sent " in output
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent, old.body) == (None, "", "Still here.")
    assert (recent.ip_address, recent.user_agent) == ("198.51.100.2", "Chromium")
    assert "Deleted 0 item(s)" in purge()
