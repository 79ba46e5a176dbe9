"""The moderation desk, through HTTP as a moderator and as an editor without the permission."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, Flag, ModerationEvent, Revision, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
NOW = timezone.now().replace(microsecond=0)


def staff(*codenames):
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="comments", codename__in=codenames))
    return user


@pytest.fixture
def moderator(client):
    user = staff("view_comment", "change_comment", "moderate_comment")
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    """Staff who may read comments but not moderate them."""
    user = staff("view_comment", "change_comment")
    client.force_login(user)
    return user


def pending(**fields):
    return make_comment(status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=40), **fields)


def run_action(client, action, comments, **extra):
    """Post an admin action from the list of every status, as a moderator browsing it would."""
    data = {"action": action, "_selected_action": [c.pk for c in comments], **extra}
    return client.post(f"{CHANGELIST}?status=all", data)


ACTIONS = [
    # action, starting status, extra POST data, status after
    ("approve", Status.PENDING, {}, Status.APPROVED),
    ("reject", Status.PENDING, {"apply": "1", "reason": "off_topic", "note": ""}, Status.REJECTED),
    ("mark_spam", Status.HELD, {"apply": "1", "note": "casino links"}, Status.SPAM),
    ("requeue", Status.REJECTED, {}, Status.PENDING),
    ("extend_delay", Status.PENDING, {"apply": "1", "hours": "24", "note": ""}, Status.PENDING),
]


@pytest.mark.parametrize(("action", "start", "extra", "after"), ACTIONS, ids=[row[0] for row in ACTIONS])
def test_a_moderator_runs_each_action_and_it_is_recorded(client, moderator, action, start, extra, after):
    comment = pending() if start == Status.PENDING else make_comment(status=start)
    due = comment.publish_at

    response = run_action(client, action, [comment], **extra)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == after
    event = comment.events.get()
    assert (event.actor, event.from_status, event.to_status) == (moderator, start, after)
    if action == "extend_delay":
        assert comment.publish_at == due + timedelta(hours=24)


@pytest.mark.parametrize(("action", "start", "extra", "after"), ACTIONS, ids=[row[0] for row in ACTIONS])
def test_staff_without_the_permission_cannot_run_any_action(client, editor, action, start, extra, after):
    comment = pending() if start == Status.PENDING else make_comment(status=start)

    response = run_action(client, action, [comment], **extra)

    comment.refresh_from_db()
    assert comment.status == start
    assert not comment.events.exists()
    assert response.status_code in (200, 302)
    page = client.get(CHANGELIST).text
    assert f'value="{action}"' not in page


def test_the_editor_reads_a_comment_but_cannot_edit_or_reply(client, editor):
    comment = pending(body="Words to keep.")

    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    reply = client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"identity": "self", "body": "x"})

    assert page.status_code == 200
    assert "<textarea" not in page.text
    assert "Words to keep." in page.text
    assert reply.status_code == 403
    assert Comment.objects.count() == 1


def test_a_typed_reason_is_required_for_other_and_kept_in_the_history(client, moderator):
    comment = pending()

    refused = run_action(client, "reject", [comment], apply="1", reason="other", note="")
    comment.refresh_from_db()
    assert refused.status_code == 200
    assert "Say why" in refused.text
    assert comment.status == Status.PENDING

    run_action(client, "reject", [comment], apply="1", reason="other", note="Answers another post")
    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert comment.events.get().note == "Answers another post"


def test_reject_asks_for_a_reason_before_acting(client, moderator):
    comment = pending()

    response = run_action(client, "reject", [comment])

    assert response.status_code == 200
    assert "Off topic" in response.text
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_bulk_approve_reports_a_translated_count_and_skips_what_it_cannot_change(client, moderator):
    waiting = [pending(), pending(), pending()]
    withdrawn = make_comment(status=Status.REMOVED)

    response = run_action(client, "approve", [*waiting, withdrawn])

    page = client.get(response["Location"]).text
    assert "3 comments approved." in page
    assert "1 comment was left as it was" in page
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.REMOVED


@pytest.mark.parametrize(
    ("action", "extra", "public_after"),
    [("approve", {}, True), ("reject", {"apply": "1", "reason": "abusive"}, False), ("requeue", {}, False)],
)
def test_each_action_shows_on_the_public_page(client, moderator, action, extra, public_after):
    post = make_post()
    comment = (
        pending(post=post, body="A comment under watch.")
        if action != "requeue"
        else make_comment(post=post, body="A comment under watch.")
    )

    run_action(client, action, [comment], **extra)

    client.logout()
    html = client.get(post.get_absolute_url()).text
    assert ("A comment under watch." in html) is public_after


def test_the_queue_lists_what_goes_public_soonest_first_with_the_time_left(client, moderator):
    with time_machine.travel(NOW, tick=False):
        later = make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=31), body="later")
        soon = make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=2, minutes=10), body="soon")
        held = make_comment(status=Status.HELD, publish_at=None, body="held one")
        make_comment(status=Status.APPROVED, body="already public")

        response = client.get(CHANGELIST)

    html = response.text
    assert response.context["cl"].result_list[:] == [soon, later, held]
    assert "public in 3 h" in html
    assert "public in 31 h" in html
    assert "waits for a moderator" in html
    assert "already public" not in html


def test_the_queue_shows_reasons_reports_and_the_address_history(client, moderator):
    for status in (Status.APPROVED, Status.APPROVED, Status.REJECTED):
        make_comment(status=status, email="regular@example.org")
    make_comment(
        status=Status.HELD,
        publish_at=None,
        email="Regular@Example.org",
        reasons=[{"code": "links", "count": 3, "word": ""}],
        flag_count=2,
    )

    html = client.get(CHANGELIST).text

    assert "3 links" in html
    assert "2 approved, 1 rejected" in html


def test_filters_by_reason_and_search_by_address_and_ip(client, moderator):
    linked = pending(reasons=[{"code": "links", "count": 3, "word": ""}], ip_address="203.0.113.7")
    plain = pending(reasons=[{"code": "delay", "count": 0, "word": ""}], email="other@example.org")

    by_reason = client.get(CHANGELIST, {"reason": "links"}).context["cl"].result_list
    by_email = client.get(CHANGELIST, {"q": "other@example"}).context["cl"].result_list
    by_ip = client.get(CHANGELIST, {"q": "203.0.113.7"}).context["cl"].result_list

    assert list(by_reason) == [linked]
    assert list(by_email) == [plain]
    assert list(by_ip) == [linked]


def test_the_queue_page_query_count_does_not_grow_with_its_rows(client, moderator):
    def queries_for_rows(count):
        Comment.objects.all().delete()
        for _ in range(count):
            pending(post=post)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return len(queries)

    post = make_post()
    assert queries_for_rows(3) == queries_for_rows(30)


def test_a_reply_from_the_admin_approves_the_parent_and_shows_under_it_with_the_badge(client, moderator):
    post = make_post(author=moderator)
    question = pending(post=post, body="Does it work on sandy soil?")
    make_comment(post=post, body="An earlier comment.", publish_at=timezone.now() - timedelta(days=1))

    response = client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"identity": "self", "body": "Yes, with some compost."},
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.APPROVED
    reply = Comment.objects.get(parent=question)
    assert (reply.status, reply.user) == (Status.APPROVED, moderator)
    client.logout()
    html = client.get(post.get_absolute_url()).text
    assert html.index("Does it work on sandy soil?") < html.index("Yes, with some compost.")
    reply_block = html[html.index(f'id="comment-{reply.pk}"') :]
    assert "comment-badge-author" in reply_block[: reply_block.index("</article>")]


def test_an_empty_reply_keeps_the_form_and_publishes_nothing(client, moderator):
    question = pending()

    response = client.post(reverse("admin:comments_comment_reply", args=[question.pk]), {"identity": "self"})

    assert response.status_code == 200
    assert "This field is required" in response.text
    question.refresh_from_db()
    assert question.status == Status.PENDING
    assert Comment.objects.count() == 1


def test_a_rejected_comment_cannot_be_answered(client, moderator):
    rejected = make_comment(status=Status.REJECTED)

    response = client.post(
        reverse("admin:comments_comment_reply", args=[rejected.pk]), {"identity": "self", "body": "Hello"}
    )

    assert response.status_code == 200
    assert "cannot be answered" in response.text
    assert Comment.objects.count() == 1


def test_the_comment_page_shows_the_thread_and_the_history(client, moderator):
    post = make_post()
    root = make_comment(post=post, body="The first word.")
    middle = pending(post=post, parent=root, body="A reply in the middle.")
    make_comment(post=post, parent=middle, status=Status.REJECTED, body="A rejected answer.")
    ModerationEvent.objects.create(comment=middle, source="policy", to_status=Status.PENDING, note="first look")

    html = client.get(reverse("admin:comments_comment_change", args=[middle.pk])).text

    assert html.index("The first word.") < html.index("A reply in the middle.") < html.index("A rejected answer.")
    assert "Rejected" in html
    assert "first look" in html
    assert 'id="reply"' in html


def test_the_comment_page_and_the_reply_page_draw_the_same_thread(client, moderator):
    post = make_post()
    root = make_comment(post=post, body="The first word. " + "Long. " * 200)
    deepest = root
    for depth in range(10):
        deepest = make_comment(post=post, parent=deepest, body=f"Reply at depth {depth + 1}.")
    current = Comment.objects.get(body="Reply at depth 3.")

    pages = [
        client.get(reverse("admin:comments_comment_change", args=[current.pk])),
        client.get(reverse("admin:comments_comment_reply", args=[current.pk])),
    ]

    threads = [re.findall(r'<div class="thread-item .*?</div></div>', page.text, re.S) for page in pages]
    assert threads[0] == threads[1]
    assert len(threads[0]) == 11
    assert [item for item in threads[0] if " current" in item] == [threads[0][3]]
    assert "depth-8" in threads[0][-1]  # Deeper replies line up with the deepest indent the style sheet draws.
    assert "Long. Long." in threads[0][0] and threads[0][0].count("Long.") < 200  # Others are cut, with a link.
    for page in pages:
        assert "admin/comments/comment/_thread.html" in [template.name for template in page.templates]


def test_an_edit_keeps_the_original_and_the_page_says_so(client, moderator):
    post = make_post()
    comment = make_comment(post=post, body="Call me at 06 12 34 56 78, I know the answer.")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    refused = client.post(url, {"body": "I know the answer.", "edit_note": ""})
    comment.refresh_from_db()
    assert refused.status_code == 200
    assert "Say why" in refused.text
    assert comment.body.startswith("Call me")

    client.post(url, {"body": "I know the answer.", "edit_note": "Phone number removed"})
    comment.refresh_from_db()
    assert comment.body == "I know the answer."
    revision = Revision.objects.get(comment=comment)
    assert revision.body.startswith("Call me at 06")
    assert "<del>" in client.get(url).text
    client.logout()
    assert "Edited by the moderation" in client.get(post.get_absolute_url()).text


def test_a_comment_text_never_changes_without_a_revision():
    comment = make_comment(body="Original words.")
    comment.body = "Other words."

    with pytest.raises(ValueError, match="comment_edit"):
        comment.save()
    comment.refresh_from_db()
    assert comment.body == "Original words."


def test_the_admin_header_and_index_count_the_queue(client, moderator):
    with time_machine.travel(NOW, tick=False):
        make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=5))
        make_comment(status=Status.PENDING, publish_at=NOW + timedelta(hours=30))
        make_comment(status=Status.HELD, publish_at=None)

        html = client.get(reverse("admin:index")).text

    assert "3 comments in the queue" in html
    assert "1 public within 6 h" in html
    assert "3 comments wait in the queue" in html
    assert "1 goes public within 6 hours" in html
    assert "1 held for review" in html


# -- readers' text on the desk -------------------------------------------------------

SCRIPT = '<script>alert("desk")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;desk&quot;)&lt;/script&gt;"


@pytest.fixture
def hostile(moderator):
    """A comment whose every string a reader or a moderator typed is a script, reported, edited and answered."""
    post = make_post(title=f"Title {SCRIPT}", author=moderator)
    comment = make_comment(
        post=post,
        status=Status.HELD,
        publish_at=None,
        name=f"Eve {SCRIPT}",
        email=f"eve{SCRIPT}@example.org",
        website=f"https://eve.example/{SCRIPT}",
        body=f"Before {SCRIPT} after",
        reasons=[{"code": "blocked_word", "count": 1, "word": SCRIPT}],
    )
    Flag.objects.create(comment=comment, reporter="net:1", network="1", network_label="203.0.113.x", reason=SCRIPT)
    ModerationEvent.objects.create(comment=comment, source="policy", to_status=Status.HELD, note=SCRIPT)
    services.comment_edit(comment=comment, moderator=moderator, body=f"Before {SCRIPT} edited", note=SCRIPT)
    answer = pending(post=post, parent=comment, name=f"Bob {SCRIPT}", body=f"Answer {SCRIPT}")
    return comment, answer


def desk_pages(client, comment, answer):
    """Every page of the desk that shows a comment's strings: (name, response)."""
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    reply = reverse("admin:comments_comment_reply", args=[comment.pk])
    yield "queue", client.get(CHANGELIST)
    yield "every status", client.get(CHANGELIST, {"status": "all"})
    yield "the comment's page", client.get(change)
    yield "its answer's page", client.get(reverse("admin:comments_comment_change", args=[answer.pk]))
    yield "the reply page", client.get(reply)
    yield "the reply page with an error", client.post(reply, {"identity": "self"})
    for action in ["reject", "mark_spam", "extend_delay"]:
        yield f"the decision page of {action}", run_action(client, action, [comment, answer])
    yield "the message after a reply", client.post(reply, {"identity": "self", "body": f"Reply {SCRIPT}"}, follow=True)


def test_a_script_in_readers_text_is_shown_escaped_on_every_page_of_the_desk(client, moderator, hostile):
    for name, response in desk_pages(client, *hostile):
        html = response.text
        assert response.status_code == 200, name
        assert ESCAPED in html, name
        assert '<script>alert("desk")' not in html, name
