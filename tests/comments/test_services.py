"""Every status change goes through a service that records who decided, from what, to what."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationEvent, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment, reporter

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BODY = "Line one.\n\n<b>not bold</b> and https://example.org"


def test_comment_create_saves_the_comment_and_the_policy_event():
    post = make_post(published_at=NOW - timedelta(days=1))

    comment = services.comment_create(post=post, name="Camille", email="c@example.org", body=BODY, now=NOW)

    [event] = comment.events.all()
    assert (event.source, event.from_status, event.to_status, event.actor) == (
        ModerationEvent.Source.POLICY,
        "",
        Status.PENDING,
        None,
    )
    assert event.reasons == comment.reasons == [{"code": "delay", "count": 0, "word": ""}]
    assert comment.body == BODY


@pytest.mark.parametrize("error", [RuntimeError, IntegrityError], ids=["any error", "database error"])
def test_comment_create_saves_nothing_when_the_event_cannot_be_recorded(monkeypatch, error):
    post = make_post()

    def fail(**kwargs):
        raise error("the event table is gone")

    monkeypatch.setattr(ModerationEvent.objects, "create", fail)

    with pytest.raises(error):
        services.comment_create(post=post, name="Camille", email="c@example.org", body=BODY, form_token="t" * 32)

    assert not Comment.objects.exists()


def test_comment_create_with_the_same_token_returns_the_first_comment():
    post = make_post()
    fields = {"post": post, "name": "Camille", "email": "c@example.org", "body": BODY, "form_token": "a" * 32}

    first = services.comment_create(**fields)
    second = services.comment_create(**fields)

    assert first == second
    assert Comment.objects.count() == 1
    assert ModerationEvent.objects.count() == 1


def test_comment_create_refuses_a_parent_from_another_post():
    parent = make_comment()

    with pytest.raises(ValueError, match="same post"):
        services.comment_create(post=make_post(), parent=parent, name="A", email="a@example.org", body="Hi")


def test_comment_create_refuses_a_closed_post():
    post = make_post(comments_enabled=False)

    with pytest.raises(services.CommentsClosed):
        services.comment_create(post=post, name="A", email="a@example.org", body="Hi")
    assert not Comment.objects.exists()


DECISIONS = [
    pytest.param(services.comment_approve, Status.PENDING, Status.APPROVED, "moderator", id="approve pending"),
    pytest.param(services.comment_approve, Status.HELD, Status.APPROVED, "moderator", id="approve held"),
    pytest.param(services.comment_reject, Status.PENDING, Status.REJECTED, "moderator", id="reject pending"),
    pytest.param(services.comment_reject, Status.APPROVED, Status.REJECTED, "moderator", id="reject approved"),
    pytest.param(services.comment_mark_spam, Status.HELD, Status.SPAM, "moderator", id="spam held"),
    pytest.param(services.comment_mark_spam, Status.PENDING, Status.SPAM, "moderator", id="spam pending"),
    pytest.param(services.comment_remove, Status.PENDING, Status.REMOVED, "commenter", id="remove pending"),
    pytest.param(services.comment_remove, Status.APPROVED, Status.REMOVED, "commenter", id="remove approved"),
]


@pytest.mark.parametrize(("service", "from_status", "to_status", "source"), DECISIONS)
def test_each_decision_records_an_event_and_never_changes_the_text(service, from_status, to_status, source):
    moderator = make_user(is_staff=True)
    comment = make_comment(status=from_status, body=BODY)
    html = comment.body_html
    actor = {"moderator": moderator} if source == "moderator" else {"actor": moderator}

    event = service(comment=comment, **actor, now=NOW)

    comment.refresh_from_db()
    assert comment.status == to_status
    assert (event.from_status, event.to_status, event.actor, event.source) == (
        from_status,
        to_status,
        moderator,
        source,
    )
    assert event.created_at == NOW
    assert list(comment.events.all()) == [event]
    assert (comment.body, comment.body_html) == (BODY, html)


def test_approving_a_pending_comment_early_publishes_it_now():
    comment = make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=40))

    services.comment_approve(comment=comment, moderator=make_user(is_staff=True), now=NOW)

    assert comment.publish_at == comment.published_at == NOW
    assert comment in Comment.objects.public(NOW)


def test_approving_a_comment_already_public_keeps_its_publication_time():
    due = NOW - timedelta(hours=2)
    comment = make_comment(status=Status.PENDING, publish_at=due)

    services.comment_approve(comment=comment, moderator=make_user(is_staff=True), now=NOW)

    assert comment.publish_at == due
    assert comment.published_at == NOW


def test_a_rejected_pending_comment_stays_hidden_after_its_publication_time():
    comment = make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=1))

    services.comment_reject(comment=comment, moderator=make_user(is_staff=True), now=NOW)

    assert comment not in Comment.objects.public(NOW + timedelta(days=30))


def test_every_decision_is_kept_in_order():
    moderator = make_user(is_staff=True)
    post = make_post(published_at=NOW - timedelta(days=1))
    comment = services.comment_create(post=post, name="A", email="a@example.org", body="Hi", now=NOW)

    services.comment_approve(comment=comment, moderator=moderator, now=NOW + timedelta(hours=1))
    services.comment_reject(
        comment=comment, moderator=moderator, note="On second thought", now=NOW + timedelta(hours=2)
    )

    assert [(e.from_status, e.to_status) for e in comment.events.all()] == [
        ("", Status.PENDING),
        (Status.PENDING, Status.APPROVED),
        (Status.APPROVED, Status.REJECTED),
    ]
    assert comment.events.last().note == "On second thought"
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_comments_text_cannot_be_changed_by_a_plain_save():
    comment = make_comment(body="Original words.")
    comment.body = "Other words."

    with pytest.raises(ValueError, match="comment_edit"):
        comment.save()
    assert Comment.objects.get(pk=comment.pk).body == "Original words."


def test_flags_count_once_per_reader_then_hold_the_comment(settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 2
    comment = make_comment(body=BODY)

    assert services.comment_flag(comment=comment, reporter=reporter("a"), now=NOW) is True
    assert services.comment_flag(comment=comment, reporter=reporter("a"), now=NOW) is False
    assert comment.flag_count == 1
    assert comment.status == Status.APPROVED

    assert services.comment_flag(comment=comment, reporter=reporter("b"), now=NOW) is True

    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert comment.flag_count == 2
    assert comment.reasons[-1] == {"code": "flags", "count": 2, "word": ""}
    event = comment.events.get()
    assert (event.source, event.from_status, event.to_status, event.actor) == (
        ModerationEvent.Source.READERS,
        Status.APPROVED,
        Status.HELD,
        None,
    )
    assert comment.body == BODY
    assert comment not in Comment.objects.public()


def test_a_comment_public_by_the_delay_counts_as_previously_approved(settings):
    """With COMMENTS_REQUIRE_PREVIOUS_APPROVAL on, a regular whose comments went public by the delay is known."""
    from comments.services import poster_history

    settings.COMMENTS_REQUIRE_PREVIOUS_APPROVAL = True
    now = timezone.now()
    post = make_post()
    make_comment(status=Status.PENDING, email="regular@example.org", publish_at=now - timedelta(hours=1))
    make_comment(status=Status.PENDING, email="waiting@example.org", publish_at=now + timedelta(hours=1))

    assert poster_history(post=post, email="Regular@example.org", ip_address=None, now=now).public_from_address == 1
    assert poster_history(post=post, email="waiting@example.org", ip_address=None, now=now).public_from_address == 0


@pytest.mark.parametrize(
    ("decision", "status", "publish_in"),
    [
        ("requeue", Status.PENDING, timedelta(hours=5)),
        ("extend", Status.HELD, None),
        ("extend", Status.PENDING, -timedelta(hours=1)),  # already public by the delay
        ("extend", Status.APPROVED, -timedelta(hours=1)),
        ("approve", Status.REMOVED, None),
    ],
)
def test_decisions_the_status_forbids_change_nothing(decision, status, publish_in):
    now = timezone.now()
    comment = make_comment(status=status, publish_at=now + publish_in if publish_in is not None else None)
    moderator = make_user(is_staff=True)
    act = {
        "requeue": lambda: services.comment_requeue(comment=comment, moderator=moderator, now=now),
        "extend": lambda: services.comment_extend_delay(comment=comment, moderator=moderator, hours=24, now=now),
        "approve": lambda: services.comment_approve(comment=comment, moderator=moderator, now=now),
    }[decision]

    with pytest.raises(services.TransitionRefused):
        act()
    comment.refresh_from_db()
    assert comment.status == status
    assert not comment.events.exists()


IMPORTED_AT = datetime(2019, 3, 4, 11, 0, tzinfo=UTC)


def imported(**fields):
    fields.setdefault("post", make_post())
    fields.setdefault("body", "Old words.")
    fields.setdefault("status", Status.APPROVED)
    return services.comment_import(
        created_at=IMPORTED_AT, source="wordpress", source_id=f"https://old.example/#comment-{Comment.objects.count()}",
        source_label="WordPress", name="Camille", **fields,
    )  # fmt: skip


def test_comment_import_keeps_the_original_date_and_records_an_import_event():
    comment = imported(ip_address="203.0.113.7")
    assert (comment.status, comment.created_at, comment.publish_at) == (Status.APPROVED, IMPORTED_AT, IMPORTED_AT)
    assert comment.is_public()
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.source, event.from_status, event.to_status, event.actor) == ("import", "", "approved", None)
    assert comment.reasons == [{"code": "imported", "count": 0, "word": "WordPress"}]


def test_comment_import_bypasses_the_policy_limits(settings):
    """History is not a flood: the rate limit, delay and closed posts do not apply."""
    settings.COMMENTS_RATE_LIMIT = 1
    post = make_post(comments_enabled=False)
    comments = [imported(post=post, body="Same words.", ip_address="203.0.113.7") for _ in range(3)]
    assert [c.status for c in comments] == [Status.APPROVED] * 3


def test_comment_import_held_waits_for_a_person_and_pending_needs_its_time():
    assert imported(status=Status.HELD).publish_at is None
    with pytest.raises(ValueError, match="publication time"):
        imported(status=Status.PENDING)


def test_comment_import_refuses_the_same_source_twice():
    imported()
    with pytest.raises(IntegrityError):
        services.comment_import(
            post=make_post(), body="x", status=Status.APPROVED, created_at=IMPORTED_AT, source="wordpress",
            source_id="https://old.example/#comment-0", source_label="WordPress",
        )  # fmt: skip


def test_imported_comments_are_history_the_worker_never_announces(mailoutbox):
    imported(email="camille@example.org")
    imported(status=Status.HELD, email="camille@example.org")
    from comments.tasks import periodic_run

    assert periodic_run()["announced"] == 0
    assert mailoutbox == []
