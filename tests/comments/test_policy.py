"""The moderation policy, rule by rule, then the combinations that matter.

`decide()` is pure: the table feeds it a draft, a history and the rules and
reads the decision. The tests after the table check that comment_create
counts the history the policy needs, and that the page answers each refusal.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from comments import services
from comments.models import Comment, Status
from comments.policy import Decision, Draft, History, Outcome, Reason, Rules, decide
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RULES = Rules(
    publication_delay=timedelta(hours=48),
    max_links=2,
    blocklist=("casino", "crypto-bonus"),
    require_previous_approval=False,
    min_submit_seconds=3,
    rate_limit=5,
)
STRICT = Rules(**{**RULES.__dict__, "require_previous_approval": True})
BODY = "I liked this post."
LINKS = "See https://a.example, https://b.example and www.c.example"

PENDING = Decision(Outcome.PENDING, (Reason("delay"),), publish_at=NOW + timedelta(hours=48))
APPROVED = Decision(Outcome.APPROVED, (Reason("trusted"),), publish_at=NOW)

CASES = [
    # Each rule alone.
    pytest.param(Draft(BODY), History(), RULES, PENDING, id="default is pending for 48 hours"),
    pytest.param(
        Draft(BODY, honeypot="http://spam.example"),
        History(),
        RULES,
        Decision(Outcome.SPAM, (Reason("honeypot"),)),
        id="honeypot filled is spam",
    ),
    pytest.param(
        Draft(BODY, seconds_to_submit=1.4),
        History(),
        RULES,
        Decision(Outcome.SPAM, (Reason("too_fast", count=1),)),
        id="sent too fast is spam",
    ),
    pytest.param(Draft(BODY, seconds_to_submit=3), History(), RULES, PENDING, id="sent at the minimum is pending"),
    pytest.param(Draft(BODY, seconds_to_submit=None), History(), RULES, PENDING, id="untimed draft is pending"),
    pytest.param(
        Draft(BODY),
        History(recent_from_ip=5),
        RULES,
        Decision(Outcome.RATE_LIMITED, (Reason("rate_limited", count=5),)),
        id="rate limit per IP is refused",
    ),
    pytest.param(
        Draft(BODY),
        History(recent_from_email=6),
        RULES,
        Decision(Outcome.RATE_LIMITED, (Reason("rate_limited", count=6),)),
        id="rate limit per e-mail is refused",
    ),
    pytest.param(
        Draft(BODY), History(recent_from_ip=4, recent_from_email=4), RULES, PENDING, id="just under the rate limit"
    ),
    pytest.param(
        Draft("I  liked\nTHIS post."),
        History(recent_bodies=(BODY,)),
        RULES,
        Decision(Outcome.DUPLICATE, (Reason("duplicate"),)),
        id="duplicate up to case and spacing is refused",
    ),
    pytest.param(Draft(BODY), History(recent_bodies=("Something else.",)), RULES, PENDING, id="different text"),
    pytest.param(
        Draft(LINKS),
        History(),
        RULES,
        Decision(Outcome.HELD, (Reason("links", count=3),)),
        id="too many links is held",
    ),
    pytest.param(Draft("https://a.example and www.b.example"), History(), RULES, PENDING, id="links at the limit"),
    pytest.param(
        Draft(BODY, name="https://a.example", website="https://b.example"),
        History(),
        RULES,
        PENDING,
        id="the website field is not a link in the text",
    ),
    pytest.param(
        Draft("Try the CASINO tonight."),
        History(),
        RULES,
        Decision(Outcome.HELD, (Reason("blocked_word", word="casino"),)),
        id="blocklist word in any case is held",
    ),
    pytest.param(
        Draft(BODY, name="crypto-bonus king"),
        History(),
        RULES,
        Decision(Outcome.HELD, (Reason("blocked_word", word="crypto-bonus"),)),
        id="blocklist word in the name is held",
    ),
    pytest.param(Draft("Casinos of Monaco."), History(), RULES, PENDING, id="blocklist matches whole words only"),
    pytest.param(
        Draft(BODY),
        History(public_from_address=0),
        STRICT,
        Decision(Outcome.HELD, (Reason("first_comment"),)),
        id="first comment held when previous approval is required",
    ),
    pytest.param(
        Draft(BODY),
        History(public_from_address=1),
        STRICT,
        PENDING,
        id="known address pending when previous approval is required",
    ),
    pytest.param(Draft(BODY), History(public_from_address=0), RULES, PENDING, id="first comment pending by default"),
    pytest.param(
        Draft(BODY),
        History(address_of_account=True, public_from_address=3),
        RULES,
        Decision(Outcome.HELD, (Reason("account_address"),)),
        id="an account's address sent without logging in is held",
    ),
    pytest.param(
        Draft(BODY),
        History(address_of_account=True),
        STRICT,
        Decision(Outcome.HELD, (Reason("account_address"), Reason("first_comment"))),
        id="an account's address with no approval from the account",
    ),
    pytest.param(Draft(BODY, trusted=True), History(), RULES, APPROVED, id="author or staff approved at once"),
    # Combinations.
    pytest.param(Draft(LINKS, trusted=True), History(), RULES, APPROVED, id="author with links is approved"),
    pytest.param(
        Draft("casino " + LINKS, trusted=True), History(), STRICT, APPROVED, id="author with every held reason"
    ),
    pytest.param(
        Draft(BODY, trusted=True),
        History(recent_from_ip=50, recent_from_email=50),
        RULES,
        APPROVED,
        id="staff over rate",
    ),
    pytest.param(
        Draft(BODY, trusted=True), History(recent_bodies=(BODY,)), RULES, APPROVED, id="author repeating themself"
    ),
    pytest.param(
        Draft(LINKS, honeypot="x"),
        History(),
        RULES,
        Decision(Outcome.SPAM, (Reason("honeypot"),)),
        id="spam beats held",
    ),
    pytest.param(
        Draft(BODY, honeypot="x", seconds_to_submit=0),
        History(),
        RULES,
        Decision(Outcome.SPAM, (Reason("honeypot"), Reason("too_fast", count=0))),
        id="both spam reasons are kept",
    ),
    pytest.param(
        Draft(BODY, honeypot="x"),
        History(recent_from_ip=9),
        RULES,
        Decision(Outcome.SPAM, (Reason("honeypot"),)),
        id="spam beats the rate limit",
    ),
    pytest.param(
        Draft(LINKS),
        History(recent_from_ip=5, recent_bodies=(LINKS,)),
        RULES,
        Decision(Outcome.RATE_LIMITED, (Reason("rate_limited", count=5),)),
        id="rate limit beats duplicate and held",
    ),
    pytest.param(
        Draft(LINKS),
        History(recent_bodies=(LINKS,)),
        RULES,
        Decision(Outcome.DUPLICATE, (Reason("duplicate"),)),
        id="duplicate beats held",
    ),
    pytest.param(
        Draft("casino " + LINKS),
        History(),
        STRICT,
        Decision(
            Outcome.HELD,
            (Reason("links", count=3), Reason("blocked_word", word="casino"), Reason("first_comment")),
        ),
        id="held with every reason that applies",
    ),
]


@pytest.mark.parametrize(("draft", "history", "rules", "expected"), CASES)
def test_decide(draft, history, rules, expected):
    assert decide(draft, history, now=NOW, rules=rules) == expected


@pytest.mark.parametrize(
    ("outcome", "refused"),
    [
        (Outcome.APPROVED, False),
        (Outcome.PENDING, False),
        (Outcome.HELD, False),
        (Outcome.SPAM, False),
        (Outcome.RATE_LIMITED, True),
        (Outcome.DUPLICATE, True),
    ],
)
def test_only_rate_limit_and_duplicate_are_refused(outcome, refused):
    assert Decision(outcome).refused is refused


def test_rules_come_from_settings(settings):
    settings.COMMENTS_PUBLICATION_DELAY = timedelta(hours=12)
    settings.COMMENTS_MAX_LINKS = 0
    settings.COMMENTS_BLOCKLIST = ["poker"]
    settings.COMMENTS_REQUIRE_PREVIOUS_APPROVAL = True
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 7
    settings.COMMENTS_RATE_LIMIT = 2

    assert Rules.from_settings() == Rules(
        publication_delay=timedelta(hours=12),
        max_links=0,
        blocklist=("poker",),
        require_previous_approval=True,
        min_submit_seconds=7,
        rate_limit=2,
    )


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        (Reason("too_fast", count=1), "form sent 1 second after it was shown"),
        (Reason("rate_limited", count=5), "5 comments in a short time from the same sender"),
        (Reason("duplicate"), "same text already sent"),
        (Reason("links", count=3), "3 links"),
        (Reason("blocked_word", word="casino"), "blocked word: casino"),
        (Reason("account_address"), "the address of a registered account, sent without logging in"),
    ],
    ids=lambda value: getattr(value, "code", None) or "label",
)
def test_reasons_read_as_words(reason, label):
    assert reason.label() == label


# The history comment_create counts for the policy.


def moderator():
    """Staff with "Can moderate comments": trusted by the policy, without any badge."""
    user = make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="comments", codename="moderate_comment"))
    return user


@pytest.mark.django_db
class TestHistory:
    def create(self, post, **fields):
        fields.setdefault("name", "Camille")
        fields.setdefault("email", "camille@example.org")
        fields.setdefault("ip_address", "192.0.2.1")
        fields.setdefault("body", "A new comment.")
        return services.comment_create(post=post, **fields)

    def test_rate_limit_counts_recent_comments_from_the_same_ip(self, settings):
        settings.COMMENTS_RATE_LIMIT = 3
        post = make_post()
        for n in range(3):
            make_comment(post=post, ip_address="192.0.2.1", email=f"other{n}@example.org")

        with pytest.raises(services.CommentRefused) as refused:
            self.create(post)
        assert refused.value.decision.outcome == Outcome.RATE_LIMITED
        assert self.create(post, ip_address="192.0.2.2").status == Status.PENDING

    def test_rate_limit_counts_recent_comments_from_the_same_email_in_any_case(self, settings):
        settings.COMMENTS_RATE_LIMIT = 3
        post = make_post()
        for n in range(3):
            make_comment(post=post, email="Camille@Example.org", ip_address=f"198.51.100.{n}")

        with pytest.raises(services.CommentRefused) as refused:
            self.create(post)
        assert refused.value.decision.outcome == Outcome.RATE_LIMITED
        assert Comment.objects.count() == 3

    def test_rate_limit_forgets_comments_older_than_the_window(self, settings):
        settings.COMMENTS_RATE_LIMIT = 3
        post = make_post()
        with time_machine.travel(datetime.now(tz=UTC) - settings.COMMENTS_RATE_WINDOW - timedelta(minutes=1)):
            for _ in range(3):
                make_comment(post=post, ip_address="192.0.2.1")

        assert self.create(post).status == Status.PENDING

    def test_duplicate_is_the_same_text_from_the_same_poster_on_the_same_post(self):
        post, other_post = make_post(), make_post()
        make_comment(post=post, email="camille@example.org", body="Great  post!", ip_address="198.51.100.7")

        with pytest.raises(services.CommentRefused) as refused:
            self.create(post, body="great post!")
        assert refused.value.decision.outcome == Outcome.DUPLICATE
        assert self.create(other_post, body="great post!").status == Status.PENDING
        assert self.create(post, body="great post!", email="someone@example.org", ip_address="192.0.2.9").status == (
            Status.PENDING
        )

    def test_duplicate_from_the_same_ip_under_another_address(self):
        post = make_post()
        make_comment(post=post, email="first@example.org", body="Great post!", ip_address="192.0.2.1")

        with pytest.raises(services.CommentRefused):
            self.create(post, body="Great post!", email="second@example.org")

    def test_an_old_comment_is_not_a_duplicate(self, settings):
        post = make_post()
        with time_machine.travel(datetime.now(tz=UTC) - settings.COMMENTS_DUPLICATE_WINDOW - timedelta(hours=1)):
            make_comment(post=post, email="camille@example.org", body="Great post!")

        assert self.create(post, body="Great post!").status == Status.PENDING

    @pytest.mark.parametrize(
        ("earlier", "expected"),
        [
            (None, Status.HELD),
            ((Status.PENDING, timedelta(hours=1)), Status.HELD),
            ((Status.PENDING, -timedelta(seconds=1)), Status.PENDING),
            ((Status.HELD, None), Status.HELD),
            ((Status.REJECTED, None), Status.HELD),
            ((Status.REMOVED, None), Status.HELD),
            ((Status.APPROVED, None), Status.PENDING),
        ],
        ids=[
            "no earlier comment",
            "earlier pending, still in its delay",
            "earlier pending, public by the delay",
            "earlier held",
            "earlier rejected",
            "earlier removed",
            "earlier approved",
        ],
    )
    def test_previous_approval_rule_counts_public_comments_under_the_address_in_any_case(
        self, settings, earlier, expected
    ):
        """ "Previously approved" means public now: approved by a person, or pending past its publication time.

        docs/moderation.md states the same rule.
        """
        settings.COMMENTS_REQUIRE_PREVIOUS_APPROVAL = True
        post = make_post()
        if earlier:
            status, publish_in = earlier
            fields = {"publish_at": timezone.now() + publish_in} if publish_in is not None else {}
            make_comment(
                post=make_post(), status=status, email="CAMILLE@example.org", ip_address="203.0.113.5", **fields
            )

        comment = self.create(post)

        assert comment.status == expected
        assert (comment.reasons == [Reason("first_comment").as_dict()]) == (expected == Status.HELD)

    def test_previous_approval_is_off_by_default(self):
        assert self.create(make_post()).status == Status.PENDING

    def test_default_is_pending_for_the_publication_delay(self):
        with time_machine.travel(NOW, tick=False):
            comment = self.create(make_post(published_at=NOW - timedelta(days=1)))

        assert comment.status == Status.PENDING
        assert comment.publish_at == NOW + timedelta(hours=48)
        assert comment.published_at is None
        assert not comment.is_public(NOW + timedelta(hours=47))

    @pytest.mark.parametrize("who", ["post author", "co-author", "moderator"])
    def test_post_authors_and_moderators_are_approved_at_once(self, who):
        post = make_post(published_at=NOW - timedelta(days=1))
        user = {"post author": post.author, "co-author": make_user(), "moderator": moderator()}[who]
        post.co_authors.add(make_user() if who != "co-author" else user)

        with time_machine.travel(NOW, tick=False):
            comment = self.create(post, user=user, body=LINKS + " casino")

        assert comment.status == Status.APPROVED
        assert comment.publish_at == comment.published_at == NOW
        assert comment.name == user.display_name
        assert comment.email == user.email

    def test_a_reader_account_goes_through_the_delay(self):
        post = make_post()
        reader = make_user()

        comment = self.create(post, user=reader)

        assert comment.status == Status.PENDING
        assert comment.user == reader

    def test_a_moderator_over_the_rate_limit_is_approved(self, settings):
        settings.COMMENTS_RATE_LIMIT = 1
        post = make_post()
        staff = moderator()
        make_comment(post=post, ip_address="192.0.2.1", email=staff.email)

        assert self.create(post, user=staff).status == Status.APPROVED

    def test_staff_who_neither_wrote_the_post_nor_moderate_go_through_the_policy(self, settings):
        settings.COMMENTS_RATE_LIMIT = 1
        post = make_post()
        staff = make_user(is_staff=True)
        make_comment(post=post, ip_address="192.0.2.1", email=staff.email)

        with pytest.raises(services.CommentRefused):
            self.create(post, user=staff)

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            ({"honeypot": "http://spam.example"}, "honeypot"),
            ({"seconds_to_submit": 0.5}, "too_fast"),
        ],
        ids=["honeypot", "too fast"],
    )
    def test_spam_is_saved_as_spam_and_never_public(self, settings, fields, reason):
        settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
        comment = self.create(make_post(), **fields)

        assert comment.status == Status.SPAM
        assert comment.reasons[0]["code"] == reason
        assert comment.publish_at is None
        assert comment not in Comment.objects.public(datetime(2999, 1, 1, tzinfo=UTC))


# What the reader's browser gets back.


@pytest.mark.django_db
class TestRefusalsOnThePage:
    def test_rate_limited_reader_gets_429_with_the_text_kept(self, client, settings):
        settings.COMMENTS_RATE_LIMIT = 2
        post = make_post()
        for _ in range(2):
            make_comment(post=post, ip_address="127.0.0.1")

        response = client.post(comment_url(post), form_data(body="My carefully typed words."))

        assert response.status_code == 429
        assert "2 comments in a short time from the same sender" in response.text
        assert "My carefully typed words." in response.text
        assert Comment.objects.count() == 2

    def test_rate_limit_per_email_from_another_address(self, client, settings):
        settings.COMMENTS_RATE_LIMIT = 2
        post = make_post()
        for n in range(2):
            make_comment(post=post, email="camille@example.org", ip_address=f"198.51.100.{n}")

        response = client.post(comment_url(post), form_data(body="Words kept."), REMOTE_ADDR="203.0.113.9")

        assert response.status_code == 429
        assert "Words kept." in response.text

    def test_duplicate_is_refused_with_its_reason_and_the_text_kept(self, client):
        post = make_post()
        make_comment(post=post, email="camille@example.org", body="Same words.", ip_address="198.51.100.1")

        response = client.post(comment_url(post), form_data(body="Same words."))

        assert response.status_code == 400
        assert "same text already sent" in response.text
        assert "Same words." in response.text
        assert Comment.objects.count() == 1

    def test_too_fast_form_is_saved_as_spam_and_shown_to_nobody(self, client, settings):
        settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
        post = make_post()

        response = client.post(comment_url(post), form_data(body="Robot words."), follow=True)

        assert Comment.objects.get().status == Status.SPAM
        assert "Robot words." not in response.text

    def test_a_form_sent_after_the_minimum_time_is_pending(self, client, settings):
        settings.COMMENTS_MIN_SUBMIT_SECONDS = 3
        post = make_post()
        data = form_data(body="Human words.")

        with time_machine.travel(datetime.now(tz=UTC) + timedelta(seconds=5)):
            client.post(comment_url(post), data)

        assert Comment.objects.get().status == Status.PENDING

    def test_honeypot_is_saved_as_spam(self, client):
        post = make_post()

        client.post(comment_url(post), form_data(homepage="http://spam.example"))

        assert Comment.objects.get().status == Status.SPAM

    def test_staff_over_the_rate_limit_is_published(self, client, settings):
        settings.COMMENTS_RATE_LIMIT = 1
        post = make_post()
        client.force_login(post.author)
        make_comment(post=post, ip_address="127.0.0.1")

        response = client.post(comment_url(post), form_data(body="The author answers."), follow=True)

        assert Comment.objects.get(body="The author answers.").status == Status.APPROVED
        assert "The author answers." in response.text
