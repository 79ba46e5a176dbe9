"""Readers report a public comment, once per identity; enough independent readers put it before a moderator.

Attacked as a determined person would: many cookie-less browsers from one
address, addresses across an IPv6 /64, several accounts on one address,
and reports aimed at the author's and the brand's answers.
"""

import threading
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Organization
from comments import services
from comments.models import Comment, Flag, ModerationEvent, Status
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, reporter

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


def reader(address, user=None):
    """A browser of its own (no cookie shared with any other), from one address, logged in or not."""
    browser = Client(REMOTE_ADDR=address)
    if user is not None:
        browser.force_login(user)
    return browser


def test_enough_independent_readers_send_the_comment_back_to_the_queue_as_held(client, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    comment = make_comment(body="Reported words.")
    readers = [reader(address) for address in ("203.0.113.1", "198.51.100.2", "192.0.2.3")]

    for browser in readers[:2]:
        browser.post(report_url(comment), {"reason": "insulting"})
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert "Reported words." in client.get(comment.post.get_absolute_url()).text

    readers[2].post(report_url(comment))

    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert comment.body == "Reported words."
    assert comment in Comment.objects.queue()
    event = comment.events.get()
    assert event.source == ModerationEvent.Source.READERS
    assert event.reasons == [{"code": "flags", "count": 3, "word": ""}]
    assert "Reported words." not in client.get(comment.post.get_absolute_url()).text
    # Held, it is no longer public: there is nothing left to report.
    assert reader("192.0.2.99").post(report_url(comment)).status_code == 404


def test_cookie_less_sessions_from_one_address_are_one_reader(client, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    comment = make_comment(body="Still here.")

    answers = [reader("203.0.113.7").post(report_url(comment), follow=True) for _ in range(5)]

    assert "Thank you: your report was sent to the moderators." in answers[0].text
    assert all("You had already reported this comment." in answer.text for answer in answers[1:])
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED and comment.flag_count == 1
    assert "Still here." in client.get(comment.post.get_absolute_url()).text


def test_addresses_of_one_ipv6_64_are_one_reader_and_another_64_is_another(settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 2
    comment = make_comment()

    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:aaaa:bbbb:cccc:dddd"):
        reader(address).post(report_url(comment))
    comment.refresh_from_db()
    assert (comment.status, comment.flag_count) == (Status.APPROVED, 1)

    reader("2001:db8:1:3::1").post(report_url(comment))
    comment.refresh_from_db()
    assert comment.status == Status.HELD


def test_several_accounts_on_one_address_block_count_as_one_reader(settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    comment = make_comment()

    for _ in range(4):
        reader("203.0.113.50", user=make_user()).post(report_url(comment))

    comment.refresh_from_db()
    assert comment.flag_count == 4  # Each account's report is kept, with its reason, for the moderator...
    assert comment.status == Status.APPROVED  # ...but one block is one reader.
    assert comment.flags.independent_readers() == 1


@pytest.fixture
def badged_replies():
    """The post's author's reply and a verified representative's reply, both public."""
    author = make_author(display_name="Claire Dubois")
    post = make_post(author=author)
    representative = make_user(display_name="Léa Fournier")
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    Membership.objects.create(user=representative, organization=brand, status=Membership.Status.VERIFIED)
    question = make_comment(post=post, body="Where is my parcel?")
    by_author = make_comment(post=post, parent=question, user=author, name=author.display_name, body="By the author.")
    by_brand = make_comment(
        post=post, parent=question, user=representative, organization=brand, name="Léa Fournier", body="By the brand."
    )
    return post, by_author, by_brand


def test_reports_never_hide_the_authors_or_the_brands_answer_they_put_it_before_a_moderator(
    client, settings, badged_replies
):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    post, by_author, by_brand = badged_replies
    accounts = [make_user() for _ in range(3)]

    for index, account in enumerate(accounts):
        for answer in (by_author, by_brand):
            reader(f"198.51.100.{index + 1}", user=account).post(report_url(answer), {"reason": f"lies {index}"})

    page = client.get(post.get_absolute_url()).text
    assert "By the author." in page and "By the brand." in page
    for answer in (by_author, by_brand):
        answer.refresh_from_db()
        assert answer.status == Status.APPROVED and answer.is_public()
        assert answer.review_requested_at is not None
        assert answer in Comment.objects.queue()
        [event] = answer.events.all()
        assert (event.source, event.from_status, event.to_status) == (
            ModerationEvent.Source.READERS,
            Status.APPROVED,
            Status.APPROVED,
        )
    # More reports change nothing more; a moderator's decision closes the review.
    reader("192.0.2.77").post(report_url(by_author))
    assert by_author.events.count() == 1
    services.comment_approve(comment=by_author, moderator=post.author)
    by_author.refresh_from_db()
    assert by_author.review_requested_at is None and by_author not in Comment.objects.queue()
    assert by_author.status == Status.APPROVED


def test_an_account_has_a_daily_budget_of_reports(settings):
    settings.COMMENTS_REPORTS_PER_DAY_PER_ACCOUNT = 2
    account = make_user()
    comments = [make_comment() for _ in range(3)]

    answers = [
        reader(f"203.0.113.{index + 1}", user=account).post(report_url(comment), {"reason": "spam"})
        for index, comment in enumerate(comments)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert answers[2]["Retry-After"] == str(24 * 3600)
    assert "as many reports as one reader may in a day" in answers[2].text
    assert 'value="spam"' in answers[2].text  # The reason is kept.
    assert Flag.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert reader("203.0.113.9", user=account).post(report_url(comments[2])).status_code == 302


def test_an_address_block_has_a_daily_budget_of_reports_whoever_logs_in_from_it(settings):
    settings.COMMENTS_REPORTS_PER_DAY_PER_BLOCK = 3
    comments = [make_comment() for _ in range(5)]

    answers = [
        reader("2001:db8:5:6::" + str(index + 1), user=make_user() if index % 2 else None).post(report_url(comment))
        for index, comment in enumerate(comments)
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429, 429]
    assert Flag.objects.count() == 3
    assert reader("2001:db8:5:7::1").post(report_url(comments[4])).status_code == 302


def test_a_report_keeps_no_address_only_a_keyed_digest_and_a_masked_block():
    comment = make_comment()

    reader("203.0.113.42").post(report_url(comment), {"reason": "rude"})
    reader("2001:db8:abcd:12::5").post(report_url(comment))

    first, second = Flag.objects.order_by("pk")
    assert first.reporter.startswith("net:") and "203.0.113" not in first.reporter + first.network
    assert (first.network_label, second.network_label) == ("203.0.113.x", "2001:db8:abcd:…")
    assert first.network != second.network


def test_the_moderator_sees_every_report_with_its_reason_time_and_reader(admin_client, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    comment = make_comment(body="Under fire.")
    account = make_user(email="lou@example.com")
    reader("203.0.113.8").post(report_url(comment), {"reason": "off topic"})
    reader("198.51.100.9", user=account).post(report_url(comment), {"reason": "insult to a reader"})
    reader("192.0.2.10").post(report_url(comment))

    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").text
    queue = admin_client.get("/admin/comments/comment/").text

    for text in ("off topic", "insult to a reader", "no reason given", "lou@example.com", "203.0.113.x", "192.0.2.x"):
        assert text in page, text
    assert "3 independent readers" in page
    assert "203.0.113.8" not in page  # The reader's own address is never shown.
    assert "Under fire." in queue and "insult to a reader" in queue and "3 reports" in queue


def test_the_moderator_sees_that_a_reviewed_answer_stays_public(admin_client, settings, badged_replies):
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    post, by_author, by_brand = badged_replies
    reader("203.0.113.8").post(report_url(by_brand), {"reason": "not really the brand"})

    queue = admin_client.get("/admin/comments/comment/").text
    page = admin_client.get(f"/admin/comments/comment/{by_brand.pk}/change/").text

    assert "By the brand." in queue and "stays public until you decide" in queue
    assert "reports do not hide it" in page and "not really the brand" in page


def test_the_writer_of_a_comment_held_by_reports_is_told_it_is_under_review(client, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 2
    post = make_post()
    client.post(comment_url(post), form_data(body="My honest opinion."))
    comment = post.comments.get()
    services.comment_approve(comment=comment, moderator=post.author)

    for address in ("203.0.113.1", "198.51.100.1"):
        reader(address).post(report_url(comment))

    page = client.get(post.get_absolute_url()).text
    assert "My honest opinion." in page
    assert "Readers reported your comment: a moderator will review it." in page
    assert "My honest opinion." not in Client().get(post.get_absolute_url()).text


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.REJECTED, Status.SPAM, Status.REMOVED])
def test_only_public_comments_can_be_reported(client, status):
    comment = make_comment(status=status)

    assert client.get(report_url(comment)).status_code == 404
    assert client.post(report_url(comment)).status_code == 404
    assert not Flag.objects.exists()


def test_the_author_whose_answer_is_under_review_is_told_so_and_nobody_else_is(client, settings, badged_replies):
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    post, by_author, by_brand = badged_replies
    reader("203.0.113.8").post(report_url(by_author))
    client.force_login(post.author)

    own = client.get(post.get_absolute_url()).text
    other = Client().get(post.get_absolute_url()).text

    notice = "Readers reported your comment: a moderator will review it. It stays published meanwhile."
    assert notice in own and "By the author." in own
    assert notice not in other and "By the author." in other


def test_reports_from_browser_sessions_keep_no_session_key_and_count_for_no_reader(settings):
    """The migration forgets the session keys (each is a session cookie) that older reports named readers by."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("comments.migrations.0010_reports_count_readers_not_sessions")
    settings.COMMENTS_FLAGS_TO_HOLD = 2
    comment = make_comment()
    Flag.objects.create(comment=comment, reporter="session:abcdefghijklmnopqrstuvwxyz012345", reason="old")
    Flag.objects.create(comment=comment, reporter="session:zyxwvutsrqponmlkjihgfedcba543210")

    migration.forget_session_keys(apps, None)

    reporters = list(Flag.objects.values_list("reporter", flat=True))
    assert len(set(reporters)) == 2
    assert all(key.startswith("session:") and "abcdefgh" not in key and "zyxwvuts" not in key for key in reporters)
    assert comment.flags.independent_readers() == 0
    reader("203.0.113.1").post(report_url(comment))
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED  # One reader now, not three.


def race(calls):
    """Run the calls at the same moment, each in its own thread and database connection; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        barrier.wait()
        try:
            outcomes.append(call())
        except services.ReportRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_once_do_not_overrun_a_budget_or_hold_twice(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so no race can happen")
    settings.COMMENTS_REPORTS_PER_DAY_PER_BLOCK = 3
    settings.COMMENTS_FLAGS_TO_HOLD = 3
    post = make_post()
    targets = [make_comment(post=post) for _ in range(8)]
    reported = make_comment(post=post)

    one_block = race([partial(services.comment_flag, comment=c, reporter=reporter("same")) for c in targets])
    many = race([partial(services.comment_flag, comment=reported, reporter=reporter(f"r{n}")) for n in range(6)])

    assert sorted(one_block, key=str) == [True] * 3 + ["refused"] * 5
    assert Flag.objects.filter(network="block-same").count() == 3
    assert many == [True] * 6
    reported.refresh_from_db()
    assert (reported.status, reported.flag_count) == (Status.HELD, 6)
    assert reported.events.filter(source=ModerationEvent.Source.READERS).count() == 1
