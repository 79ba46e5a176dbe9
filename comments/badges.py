"""A comment's badge, derived from the account behind it when the page is drawn.

A badge is never typed: a commenter's name is free text, so anyone can
write the author's name, but only a comment saved with the author's account
shows the "Author" badge, and only a comment written for an organisation by
a member it verified shows "Verified · <organisation>". Since the badge is
computed at render time from the membership, revoking a membership takes
the badge off old comments too. The blog's authors are the post's author
and the staff (who reply from the admin under this badge).
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    explanation: str
    organization: object = None


AUTHOR = Badge(
    "author",
    _("Author"),
    _("Written from the account of one of this blog's authors."),
)


def verified_badge(organization, name):
    return Badge(
        "verified",
        gettext("Verified · %(organization)s") % {"organization": organization.name},
        gettext("%(name)s speaks for %(organization)s: the blog verified this membership.")
        % {"name": name, "organization": organization.name},
        organization,
    )


def badge_for(comment, post, verified=frozenset()):
    """Return the badge a comment wears on this post, or None.

    `verified` holds the (user id, organisation id) pairs of the verified
    memberships among the page's comments (see verified_pairs).
    """
    user = comment.user
    if user is None or not user.is_active:
        return None
    if comment.organization_id is not None:
        if (user.pk, comment.organization_id) in verified:
            return verified_badge(comment.organization, comment.name)
        return None  # Revoked since: shown plainly, under the person's name.
    if user.pk == post.author_id or user.is_staff:
        return AUTHOR
    return None


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
        name = self.user.display_name
        return [(own, own_label % {"name": name})] + [
            (f"org:{organization.pk}", organization_label % {"name": name, "organization": organization.name})
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
