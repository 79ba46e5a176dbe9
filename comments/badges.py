"""A comment's badge, derived from the account behind it when the page is drawn.

A badge is never typed: a commenter's name is free text, so anyone can
write the author's name, but only a comment saved with the author's account
shows the "Author" badge, and only a comment written for an organisation by
a member it verified shows "Verified · <organisation>". Since the badge is
computed at render time from the membership, revoking a membership takes
the badge off old comments too. "Author" is worn by the post's author and
its co-authors (Post.co_authors) on that post only: being staff, or
moderating, gives no badge; a moderator who did not write the post answers
without one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    explanation: str
    organization: object = None


AUTHOR = Badge(
    "author",
    _("Author"),
    _("Written from the account of one of the authors of this post."),
)


def verified_badge(organization, name):
    return Badge(
        "verified",
        gettext("Verified · %(organization)s") % {"organization": isolate(organization.name)},
        gettext("%(name)s speaks for %(organization)s: the blog verified this membership.")
        % {"name": isolate(name), "organization": isolate(organization.name)},
        organization,
    )


def badge_for(comment, post, verified=frozenset(), authors=None):
    """Return the badge a comment wears on this post, or None.

    `verified` holds the (user id, organisation id) pairs of the verified
    memberships among the page's comments (see verified_pairs); `authors`
    the ids of the accounts among them that wrote the post (see
    authors_among), else the post is asked (Post.is_written_by).
    """
    user = comment.user
    if user is None or not user.is_active:
        return None
    if comment.organization_id is not None:
        if (user.pk, comment.organization_id) in verified:
            return verified_badge(comment.organization, comment.name)
        return None  # Revoked since: shown plainly, under the person's name.
    wrote_the_post = user.pk in authors if authors is not None else post.is_written_by(user)
    return AUTHOR if wrote_the_post else None


def authors_among(comments, post):
    """The ids of the post's author and of the co-authors who wrote some of these comments, without a query.

    The comments are read with CommentQuerySet.with_authorship().
    """
    return frozenset({post.author_id, *(c.user_id for c in comments if getattr(c, "by_co_author", False))})


def verified_pairs(comments):
    """The verified (user, organisation) pairs among these comments: one query, none when no one spoke for a brand."""
    from accounts.models import Membership

    wanted = {(c.user_id, c.organization_id) for c in comments if c.organization_id and c.user_id}
    if not wanted:
        return frozenset()
    rows = Membership.objects.verified().filter(
        user_id__in={user for user, _ in wanted}, organization_id__in={org for _, org in wanted}
    )
    return frozenset(rows.values_list("user_id", "organization_id")) & wanted


@dataclass(frozen=True)
class Voices:
    """The voices a user may write with: their own, and each organisation that verified them.

    Forms offer them as choices ("org:<id>" for an organisation) and turn
    the chosen value back into the organisation, from one query.
    """

    user: object
    organizations: tuple = ()

    @classmethod
    def of(cls, user):
        if user is None or not user.is_authenticated:
            return cls(user)
        memberships = user.memberships.verified().select_related("organization")
        return cls(user, tuple(membership.organization for membership in memberships))

    def choices(self, own, own_label, organization_label):
        """Form choices: `own` for the user's own voice, then one per organisation."""
        name = isolate(self.user.display_name)
        return [(own, own_label % {"name": name})] + [
            (f"org:{organization.pk}", organization_label % {"name": name, "organization": isolate(organization.name)})
            for organization in self.organizations
        ]

    def organization(self, value, own):
        """The organisation a chosen value speaks for, None for `own`; LookupError for anything else."""
        if value in ("", own):
            return None
        for organization in self.organizations:
            if value == f"org:{organization.pk}":
                return organization
        raise LookupError(value)
