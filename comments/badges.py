"""A comment's badge, derived from the account behind it when the page is drawn.

A badge is never typed: a commenter's name is free text, so anyone can
write the author's name, but only a comment saved with the author's account
shows the "Author" badge. The blog's authors are the post's author and the
staff (who reply from the admin under this badge).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    explanation: str


AUTHOR = Badge(
    "author",
    _("Author"),
    _("Written from the account of one of this blog's authors."),
)


def badge_for(comment, post):
    """Return the badge a comment wears on this post, or None."""
    user = comment.user
    if user is None or not user.is_active:
        return None
    if user.pk == post.author_id or user.is_staff:
        return AUTHOR
    return None


def identities_for(user):
    """The voices a staff user may reply with from the admin, as form choices.

    Today only their own, under the Author badge; verified organisations
    join the list when accounts hold memberships.
    """
    from django.utils.translation import gettext

    return [("author", gettext("%(name)s, as the blog's author") % {"name": user.display_name})]
