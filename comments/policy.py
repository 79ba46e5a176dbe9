"""The moderation policy: one pure function from a draft comment to a decision.

`decide()` reads nothing but its arguments: the draft, what the site knows
of the poster (`History`), the time, and the thresholds (`Rules`, read from
settings by `Rules.from_settings()`). The rules, in the order they apply:

1. trusted posters (the post's authors, moderators) are approved at once;
2. spam: the hidden honeypot field was filled, or the form came back faster
   than a person can type (COMMENTS_MIN_SUBMIT_SECONDS);
3. refused, nothing saved: too many comments from the same IP address or
   e-mail address in COMMENTS_RATE_WINDOW (COMMENTS_RATE_LIMIT), or the
   same text already sent recently by the same poster on the same post;
4. held for a person, with every reason that applies: more than
   COMMENTS_MAX_LINKS links, a word of COMMENTS_BLOCKLIST, the address of a
   registered account sent without logging in to it (anyone can type an
   address: only a moderator can tell the owner from an impostor), or (when
   COMMENTS_REQUIRE_PREVIOUS_APPROVAL is on) a comment from an address
   none of whose comments is public yet, approved or past its publication
   time: most comments go public by the delay, and a regular is known by
   them (an account's address counts only the comments written from the
   account);
5. otherwise pending, public at now + COMMENTS_PUBLICATION_DELAY.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Status

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class Outcome(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    HELD = "held"
    SPAM = "spam"
    RATE_LIMITED = "rate_limited"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Reason:
    code: str
    count: int = 0
    word: str = ""

    def as_dict(self):
        return {"code": self.code, "count": self.count, "word": self.word}

    @classmethod
    def from_dict(cls, data):
        return cls(code=data.get("code", ""), count=data.get("count", 0), word=data.get("word", ""))

    def label(self):
        """The reason in words, in the active language, for the admin and the commenter."""
        labels = {
            "trusted": lambda: _("written by an author of the post, a moderator or a verified representative"),
            "honeypot": lambda: _("hidden field filled in (robot)"),
            "too_fast": lambda: (
                ngettext(
                    "form sent %(count)d second after it was shown",
                    "form sent %(count)d seconds after it was shown",
                    self.count,
                )
                % {"count": self.count}
            ),
            "rate_limited": lambda: (
                ngettext(
                    "%(count)d comment in a short time from the same sender",
                    "%(count)d comments in a short time from the same sender",
                    self.count,
                )
                % {"count": self.count}
            ),
            "duplicate": lambda: _("same text already sent"),
            "links": lambda: ngettext("%(count)d link", "%(count)d links", self.count) % {"count": self.count},
            "blocked_word": lambda: _("blocked word: %(word)s") % {"word": self.word},
            "first_comment": lambda: _("first comment from this address"),
            "account_address": lambda: _("the address of a registered account, sent without logging in"),
            "delay": lambda: _("publication delay"),
            "edited": lambda: _("text edited by the moderation"),
            "imported": lambda: _("imported from %(source)s") % {"source": self.word},
            "imitation": lambda: _("name too close to “%(word)s”") % {"word": self.word},
            "flags": lambda: (
                ngettext("reported by %(count)d reader", "reported by %(count)d readers", self.count)
                % {"count": self.count}
            ),
        }
        return labels.get(self.code, lambda: self.code)()


@dataclass(frozen=True)
class Draft:
    """What the poster sent, as the policy needs it."""

    body: str
    name: str = ""
    email: str = ""
    website: str = ""
    trusted: bool = False
    honeypot: str = ""
    seconds_to_submit: float | None = None


@dataclass(frozen=True)
class History:
    """What the site already knows of this poster, counted by the caller."""

    recent_from_ip: int = 0
    recent_from_email: int = 0
    recent_bodies: tuple[str, ...] = ()
    # Comments under this address that are public now: approved, or pending past publish_at.
    public_from_address: int = 0
    # The address belongs to an account, and the poster is not logged in to it.
    address_of_account: bool = False


@dataclass(frozen=True)
class Rules:
    publication_delay: timedelta = timedelta(hours=48)
    max_links: int = 2
    blocklist: tuple[str, ...] = ()
    require_previous_approval: bool = False
    min_submit_seconds: int = 3
    rate_limit: int = 5

    @classmethod
    def from_settings(cls):
        return cls(
            publication_delay=settings.COMMENTS_PUBLICATION_DELAY,
            max_links=settings.COMMENTS_MAX_LINKS,
            blocklist=tuple(settings.COMMENTS_BLOCKLIST),
            require_previous_approval=settings.COMMENTS_REQUIRE_PREVIOUS_APPROVAL,
            min_submit_seconds=settings.COMMENTS_MIN_SUBMIT_SECONDS,
            rate_limit=settings.COMMENTS_RATE_LIMIT,
        )


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    publish_at: datetime | None = None

    @property
    def refused(self):
        """Refused drafts are not saved: the poster gets their text back with the reason."""
        return self.outcome in (Outcome.RATE_LIMITED, Outcome.DUPLICATE)

    @property
    def status(self):
        return {
            Outcome.APPROVED: Status.APPROVED,
            Outcome.PENDING: Status.PENDING,
            Outcome.HELD: Status.HELD,
            Outcome.SPAM: Status.SPAM,
        }[self.outcome]


def normalized(text):
    """Text compared for duplicates: case and spacing do not make a new comment."""
    return " ".join(text.split()).casefold()


def _blocked_word(draft, blocklist):
    """The first word of the blocklist in the draft's name, text or website, or None."""
    text = " ".join((draft.name, draft.body, draft.website))
    for word in blocklist:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            return word
    return None


def decide(draft: Draft, history: History, *, now: datetime, rules: Rules) -> Decision:
    """Return what happens to a new comment, and why."""
    if draft.trusted:
        return Decision(Outcome.APPROVED, (Reason("trusted"),), publish_at=now)

    spam = []
    if draft.honeypot:
        spam.append(Reason("honeypot"))
    if draft.seconds_to_submit is not None and draft.seconds_to_submit < rules.min_submit_seconds:
        spam.append(Reason("too_fast", count=int(draft.seconds_to_submit)))
    if spam:
        return Decision(Outcome.SPAM, tuple(spam))

    sent = max(history.recent_from_ip, history.recent_from_email)
    if sent >= rules.rate_limit:
        return Decision(Outcome.RATE_LIMITED, (Reason("rate_limited", count=sent),))
    if normalized(draft.body) in {normalized(body) for body in history.recent_bodies}:
        return Decision(Outcome.DUPLICATE, (Reason("duplicate"),))

    held = []
    links = len(LINK.findall(draft.body)) + len(LINK.findall(draft.name))
    if links > rules.max_links:
        held.append(Reason("links", count=links))
    word = _blocked_word(draft, rules.blocklist)
    if word:
        held.append(Reason("blocked_word", word=word))
    if history.address_of_account:
        held.append(Reason("account_address"))
    if rules.require_previous_approval and not history.public_from_address:
        held.append(Reason("first_comment"))
    if held:
        return Decision(Outcome.HELD, tuple(held))

    return Decision(Outcome.PENDING, (Reason("delay"),), publish_at=now + rules.publication_delay)


def review_import(draft: Draft, *, rules: Rules, imitates: str = "") -> tuple[Reason, ...]:
    """Why an imported comment must wait for a person; empty when its status at the source stands.

    An import is history: no delay, rate or timing rule applies, and the
    links of old comments were judged where they were written. But a name
    that imitates someone who wears a badge here (`imitates`, the name it
    is too close to) and a word of the blocklist hold it, as they would a
    new comment. Nothing is refused: the moderator decides, with the reason.
    """
    held = []
    if imitates:
        held.append(Reason("imitation", word=imitates))
    word = _blocked_word(draft, rules.blocklist)
    if word:
        held.append(Reason("blocked_word", word=word))
    return tuple(held)
