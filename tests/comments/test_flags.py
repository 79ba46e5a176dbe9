"""Readers report a public comment, once each; enough reports send it back to the queue."""

import pytest

from comments.models import Comment, Flag, ModerationEvent, Status
from tests.accounts.factories import make_user
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


def report_url(comment):
    return f"/comments/{comment.pk}/report/"


def test_the_report_link_asks_for_confirmation_first(client):
    comment = make_comment(body="Questionable words.")

    response = client.get(report_url(comment))

    assert response.status_code == 200
    assert "Questionable words." in response.text
    assert not Flag.objects.exists()


def test_a_reader_reports_once_and_is_told_so_the_second_time(client):
    comment = make_comment()

    first = client.post(report_url(comment), {"reason": "Off topic"}, follow=True)
    second = client.post(report_url(comment), follow=True)

    assert first.redirect_chain[0][0] == comment.get_absolute_url()
    assert "Thank you: your report was sent to the moderators." in first.text
    assert "You had already reported this comment." in second.text
    assert Flag.objects.get().reason == "Off topic"
    comment.refresh_from_db()
    assert comment.flag_count == 1


def test_a_logged_in_reader_reports_once_from_any_browser(client):
    comment = make_comment()
    reader = make_user()
    other_browser = type(client)()
    client.force_login(reader)
    other_browser.force_login(reader)

    client.post(report_url(comment))
    other_browser.post(report_url(comment))

    assert Flag.objects.get().reporter == f"user:{reader.pk}"


def test_enough_reports_send_the_comment_back_to_the_queue_as_held(client, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    comment = make_comment(body="Reported words.")
    readers = [type(client)() for _ in range(3)]

    for reader in readers[:2]:
        reader.post(report_url(comment))
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert "Reported words." in client.get(comment.post.get_absolute_url()).text

    readers[2].post(report_url(comment))

    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert comment.body == "Reported words."
    assert comment in Comment.objects.queue()
    assert comment.events.get().source == ModerationEvent.Source.READERS
    assert "Reported words." not in client.get(comment.post.get_absolute_url()).text
    # Held, it is no longer public: there is nothing left to report.
    assert type(client)().post(report_url(comment)).status_code == 404


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.REJECTED, Status.SPAM, Status.REMOVED])
def test_only_public_comments_can_be_reported(client, status):
    comment = make_comment(status=status)

    assert client.get(report_url(comment)).status_code == 404
    assert client.post(report_url(comment)).status_code == 404
    assert not Flag.objects.exists()
