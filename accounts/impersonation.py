"""Names nobody may borrow: the blog's authors, verified representatives, organisations.

A commenter's name is free text, so the badge never comes from it; but a
name that reads like the author's, next to a real Author badge elsewhere in
the thread, still misleads readers. We refuse such names with a clear
message (the text of the comment is kept in the form) rather than publish
them held and unbadged: a refusal tells an honest namesake what to change
at once, and an impostor gets nothing on the page.

Names are compared by their skeleton: case, accents, spacing, punctuation
and look-alike characters (Cyrillic "а" for "a", "0" for "o", "rn" for
"m"…) do not make a different name. A person's name must match as a whole;
an organisation's name must not appear anywhere in the commenter's name
("Maison Verdane Support" imitates "Maison Verdane").
"""

import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from .models import Membership, Organization, User

LOOK_ALIKES = str.maketrans(
    {
        # Digits and symbols used as letters.
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "|": "l", "!": "l",
        # Letters that look alike in most fonts.
        "i": "l", "j": "l",
        # Cyrillic.
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "l", "ј": "l", "ѕ": "s", "ԁ": "d", "ӏ": "l",
        # Greek.
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x",
    }
)  # fmt: skip
MULTI = [("rn", "m"), ("vv", "w"), ("cl", "d")]


def skeleton(name):
    """The name reduced to what a reader sees: 'Cl4ire  Dubоis' and 'claire dubois' share one."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    text = text.translate(LOOK_ALIKES)
    for pair, single in MULTI:
        text = text.replace(pair, single)
    return "".join(char for char in text if char.isalnum())


@dataclass(frozen=True)
class Protected:
    skeleton: str
    name: str
    user_id: int | None = None
    organization_id: int | None = None


def protected_names():
    """Every name that wears a badge somewhere: two queries."""
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_staff=True)
            | Q(posts__isnull=False)
            | Q(co_authored_posts__isnull=False)  # Co-authors wear Author on their posts.
            | Q(memberships__status=Membership.Status.VERIFIED)
        )
        .distinct()
        .values_list("pk", "display_name")
    )
    names = [Protected(skeleton(name), name, user_id=pk) for pk, name in people if skeleton(name)]
    names += [
        Protected(skeleton(name), name, organization_id=pk)
        for pk, name in Organization.objects.values_list("pk", "name")
        if len(skeleton(name)) >= 4
    ]
    return names


def imitated(name, *, user=None):
    """The protected name that `name` imitates, or None. A person may use their own name."""
    wanted = skeleton(name)
    if not wanted:
        return None
    user_id = user.pk if user is not None and user.is_authenticated else None
    for protected in protected_names():
        if protected.user_id is not None:
            if protected.skeleton == wanted and protected.user_id != user_id:
                return protected.name
        elif protected.skeleton in wanted and not _speaks_for(user_id, protected.organization_id):
            return protected.name
    return None


def _speaks_for(user_id, organization_id):
    return (
        bool(user_id)
        and Membership.objects.verified().filter(user_id=user_id, organization_id=organization_id).exists()
    )
