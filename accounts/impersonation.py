"""Names nobody may borrow: post authors, verified representatives, organisations and their keywords.

A commenter's name is free text, so the badge never comes from it; but a
name that reads like the author's, next to a real Author badge elsewhere in
the thread, still misleads readers. We refuse such names with a clear
message (the text of the comment is kept in the form) rather than publish
them held and unbadged: a refusal tells an honest namesake what to change
at once, and an impostor gets nothing on the page.

Names are compared by their skeleton (`skeleton()`), after Unicode's TR39:
NFKC (fullwidth and mathematical letters), case, accents, spacing and
punctuation do not make a different name, nor do look-alike characters
from other scripts (Greek "Α", Armenian "Տ", Cherokee "Ꮯ", dotless "ı",
Latin alpha "ɑ", Cyrillic "а"…). The look-alikes are Unicode's own
confusables data (confusables.txt), as the confusable-homoglyphs package
ships it; we type only what TR39 does not cover (`LEET`, `MULTI`, small
capitals named so by Unicode, and "i" read as "l" since "I" and "l" are one).

Who is protected, and how (`imitated()`):

- A person who wrote a post, or who holds a verified membership (staff
  status alone protects nobody). Their name is protected as whole words
  inside a longer name: "Claire Dubois (officiel)" and "Official Claire
  Dubois" imitate "Claire Dubois", the namesake "Claire" does not. A
  one-word name shorter than PERSON_WORD_MIN letters ("Claire") is too
  common to keep from every namesake: it is protected alone, or next to a
  badge word (BADGE_WORDS: official, vérifié, support…) or a check mark.
- An organisation's name: anywhere in the name when its skeleton has four
  letters or more ("MaisonVerdaneSupport"), as a whole word when it has two
  or three ("HP Support", not "Philippe").
- The keywords staff list for an organisation (Organization.keywords), as
  whole words ("Verdane Support", "Vérifié · Verdane").

A person may use their own name; a verified member may use their
organisation's name and keywords. Digits and symbols used as letters are
read both ways: "Cl4ire" is "Claire", and "Claire Dubois1" still holds the
words "Claire Dubois".
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables
from django.db.models import Q

from .models import Membership, Organization, User

# Digits and symbols used as letters: TR39 maps "0" and "1" (to "O" and "l")
# but not these. "i" joins "l" because TR39 maps capital "I" to "l" and
# names are compared without case.
LEET = str.maketrans({"3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "l", "i": "l"})
# Letters read as a pair that TR39 lacks (it maps "m" to "rn" itself): the letter becomes the pair,
# as TR39 does, so that "c" and "l" split between two words still spell it.
MULTI = str.maketrans({"d": "cl", "w": "vv"})
# Characters that may be a letter or a separator: "Dubois1" is read "duboisl" and "dubois".
AMBIGUOUS = "0123456789@$!|"
# A one-word person's name shorter than this is protected alone or next to a badge word, not in any longer name.
PERSON_WORD_MIN = 8
# Words that claim a badge, in the blog's languages: next to a protected name they make an imitation.
BADGE_WORDS = (
    "official", "officiel", "officielle", "verified", "vérifié", "vérifiée", "certified", "certifié", "certifiée",
    "author", "auteur", "autrice", "admin", "administrator", "administrateur", "administratrice", "moderator",
    "modérateur", "modératrice", "moderation", "staff", "support", "team", "équipe", "service", "manager",
    "representative", "représentant", "représentante", "real", "vrai", "vraie",
)  # fmt: skip
CHECK_MARKS = frozenset("✓✔☑✅🗸🗹√")
DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")


def _prototypes():
    """Each confusable character → its TR39 prototype, from the pairs confusable-homoglyphs ships.

    The package stores confusables.txt both ways (source ↔ prototype).
    TR39's prototypes are never sources themselves, so each group is a star:
    its centre (the character every other one maps to, or a sequence such
    as "rn") is the prototype. In a group of two single characters either
    one may be it; we take the lower code point, which keeps the groups.
    """
    pairs = defaultdict(set)
    for char, homoglyphs in confusables.confusables_data.items():
        for homoglyph in homoglyphs:
            one, other = char.translate(DIRECTION_MARKS), homoglyph["c"].translate(DIRECTION_MARKS)
            if one and other and one != other:
                pairs[one].add(other)
                pairs[other].add(one)
    mapping = {}
    for char, others in pairs.items():
        if len(char) != 1 or len(others) != 1:
            continue  # A sequence, or the centre of a group: a prototype.
        (other,) = others
        if len(other) > 1 or len(pairs[other]) > 1 or ord(other) < ord(char):
            mapping[char] = other
    return str.maketrans(mapping)


PROTOTYPES = _prototypes()


def _small_capital(char):
    """'ʟ' → 'l': the letter Unicode names a small capital of (TR39 maps only those that look lowercase)."""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(letter := name.rpartition(" ")[2]) == 1:
        return letter.lower()
    return char


def _is_word(char):
    return char.isalnum() or unicodedata.category(char).startswith("M")


@lru_cache(maxsize=4096)
def _readings(name):
    """The name's words, read with digits and symbols as letters, then as separators (see AMBIGUOUS)."""
    as_separators = "".join(" " if char in AMBIGUOUS else char for char in unicodedata.normalize("NFKC", name))
    return _words(name), _words(as_separators)


def _words(text):
    # TR39 first (it reads "ſ" as "f", where NFKC would make it "s"), then NFKC for what TR39 leaves.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFD", text).translate(PROTOTYPES))
    # "ClaireDubois" holds two words: a capital after a small letter starts one.
    text = "".join(
        f" {char}" if index and char.isupper() and text[index - 1].islower() else char
        for index, char in enumerate(text)
    )
    text = unicodedata.normalize("NFD", text).translate(PROTOTYPES).casefold()
    text = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    text = "".join(_small_capital(char) for char in text.translate(PROTOTYPES)).casefold()
    return tuple("".join(char if _is_word(char) else " " for char in text.translate(LEET).translate(MULTI)).split())


def skeleton(name):
    """The name reduced to what a reader sees: 'Cl4ire  Dubоis' and 'claire dubois' share one."""
    return "".join(_readings(name)[0])


def _holds(words, wanted):
    """Whether consecutive whole words spell `wanted` ("Claire Dubois (officiel)" holds "clalredubols")."""
    for start in range(len(words)):
        spelt = ""
        for word in words[start:]:
            spelt += word
            if spelt == wanted:
                return True
            if len(spelt) >= len(wanted):
                break
    return False


BADGE_SKELETONS = frozenset(skeleton(word) for word in BADGE_WORDS)


@dataclass(frozen=True)
class Protected:
    """A name that wears a badge somewhere, and how it is protected (`imitated_by`)."""

    skeleton: str
    name: str
    user_id: int | None = None
    organization_id: int | None = None
    words: int = 1
    letters: int = 0
    keyword: bool = False

    def imitated_by(self, readings, *, badged):
        """Whether a name read as `readings` (see _readings) imitates this one; `badged`: it claims a badge."""
        spelt = {"".join(words) for words in readings}
        if self.skeleton in spelt:
            return True
        held = any(_holds(words, self.skeleton) for words in readings)
        if self.user_id is not None:
            return held and (badged or self.words > 1 or self.letters >= PERSON_WORD_MIN)
        if not self.keyword and self.letters >= 4:
            return any(self.skeleton in whole for whole in spelt)
        return held


def protected_names():
    """Every name that wears a badge somewhere: two queries."""
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(posts__isnull=False)
            | Q(co_authored_posts__isnull=False)  # Co-authors wear Author on their posts.
            | Q(memberships__status=Membership.Status.VERIFIED)
        )
        .distinct()
        .values_list("pk", "display_name")
    )
    names = [_protected(name, user_id=pk) for pk, name in people]
    for pk, name, keywords in Organization.objects.values_list("pk", "name", "keywords"):
        names.append(_protected(name, organization_id=pk))
        names += [
            _protected(line.strip(), organization_id=pk, keyword=True) for line in keywords.splitlines() if line.strip()
        ]
    # One letter is no name: nothing is protected by it.
    return [protected for protected in names if protected.letters >= 2]


def _protected(name, **fields):
    words = _readings(name)[0]
    letters = sum(char.isalnum() for char in unicodedata.normalize("NFKC", name))
    return Protected("".join(words), name, words=len(words), letters=letters, **fields)


def imitated(name, *, user=None):
    """The protected name that `name` imitates, or None. A person may use their own name."""
    readings = _readings(name)
    if not any(readings):
        return None
    badged = bool(CHECK_MARKS & set(name)) or any(word in BADGE_SKELETONS for words in readings for word in words)
    user_id = user.pk if user is not None and user.is_authenticated else None
    own_organizations = None
    for protected in protected_names():
        if protected.user_id is not None and protected.user_id == user_id:
            continue
        if not protected.imitated_by(readings, badged=badged):
            continue
        if protected.organization_id is not None:
            if own_organizations is None:
                own_organizations = _organizations_of(user_id)
            if protected.organization_id in own_organizations:
                continue
        return protected.name
    return None


def _organizations_of(user_id):
    """The organisations a user speaks for: they may use their names and keywords."""
    if not user_id:
        return set()
    return set(Membership.objects.verified().filter(user_id=user_id).values_list("organization_id", flat=True))
