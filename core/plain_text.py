"""What readers type as plain text (comments, names, profiles): refused when it cannot be stored faithfully.

Names are held to more (validate_name): nothing invisible, nothing that changes how the text around them reads.
"""

import unicodedata

from confusable_homoglyphs import categories
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def validate_decodable(value):
    """Refuse text that reached us damaged rather than store it so.

    Bytes that are not UTF-8 reach a form as U+FFFD (Django decodes the
    request with errors="replace"): the text is refused, not stored damaged.
    """
    if "\ufffd" in value:
        raise ValidationError(
            _(
                "Part of your text could not be read (it was not sent as UTF-8): "
                "retype its accented or special characters and send again."
            ),
            code="invalid_encoding",
        )


def validate_plain_text(value):
    """Refuse damaged text (validate_decodable) and invisible control characters (NUL and the like)."""
    validate_decodable(value)
    for char in value:
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            raise ValidationError(
                _("Your text contains an invisible control character (%(code)s); remove it and send again."),
                code="control_character",
                params={"code": f"U+{ord(char):04X}"},
            )


LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Invisible characters that are not of category Cf (Default_Ignorable_Code_Point, and the blank braille cell).
INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0")
ZWNJ, ZWJ = "\u200c", "\u200d"
# Scripts written with the zero-width joiner and non-joiner (ligatures, conjuncts, Persian half-spaces).
JOINING_SCRIPTS = frozenset(
    {
        "ARABIC", "SYRIAC", "NKO", "MANDAIC", "MONGOLIAN", "ADLAM", "HANIFI_ROHINGYA", "DEVANAGARI", "BENGALI",
        "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "MYANMAR", "KHMER",
    }
)  # fmt: skip
SKIN_TONES = range(0x1F3FB, 0x1F400)
# More accents or marks than this on one letter is "Zalgo" text, spilling over the lines around it.
MAX_MARKS_PER_LETTER = 4


def _is_selector(char):
    return 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF


def _base_before(value, index):
    """The character a mark, selector or joiner at `index` follows, marks and skin tones skipped (None at the start)."""
    for char in reversed(value[:index]):
        if not (unicodedata.category(char).startswith("M") or ord(char) in SKIN_TONES):
            return char
    return None


def _joiner_needed(value, index):
    """Whether a ZWJ/ZWNJ at `index` does a script's work: between two letters of a joining script, or two emoji."""
    before, after = _base_before(value, index), value[index + 1 : index + 2]
    if before is None or not after:
        return False
    if value[index] == ZWJ and unicodedata.category(before) == unicodedata.category(after) == "So":
        return True  # An emoji sequence: 👩‍💻, 🏳️‍🌈.
    script = categories.alias(before)
    return (
        script in JOINING_SCRIPTS
        and categories.alias(after) == script
        and unicodedata.category(before).startswith("L")
        and unicodedata.category(after).startswith("L")
    )


def validate_name(value):
    """Refuse in a name anything that is not seen, or that changes how the text around it reads.

    Every name a reader sets (comment name, display name, role) goes through
    this one rule, since names are shown inside other text (threads, badges,
    e-mails). Refused: damaged text (validate_decodable); line breaks;
    control characters (Cc); format and bidirectional controls (Cf: RLO,
    isolates, LRM, zero-width space, BOM, tags…) and other invisible
    characters, except a zero-width joiner or non-joiner between two letters
    of a script that is written with them (Arabic, Persian, Indic scripts…)
    or a joiner between two emoji; a variation selector that follows no
    character; a mark at the start, which would join the text before the
    name; more than MAX_MARKS_PER_LETTER marks on one letter ("Zalgo").
    """
    validate_decodable(value)
    for index, char in enumerate(value):
        category, code = unicodedata.category(char), f"U+{ord(char):04X}"
        if char in LINE_BREAKS:
            raise ValidationError(
                _("A name fits on one line: remove the line break (%(code)s) and send again."),
                code="line_break",
                params={"code": code},
            )
        if category in ("Cc", "Cs"):
            raise ValidationError(
                _("Your text contains an invisible control character (%(code)s); remove it and send again."),
                code="control_character",
                params={"code": code},
            )
        if _is_selector(char):
            invisible = index == 0 or value[index - 1].isspace() or _is_selector(value[index - 1])
        else:
            invisible = (category == "Cf" or char in INVISIBLE) and not (
                char in (ZWJ, ZWNJ) and _joiner_needed(value, index)
            )
        if invisible:
            raise ValidationError(
                _(
                    "This name contains an invisible character (%(code)s) that can change how the text around it "
                    "reads: remove it and send again."
                ),
                code="invisible_character",
                params={"code": code},
            )
    _validate_marks(unicodedata.normalize("NFD", value))


def _validate_marks(value):
    if value and unicodedata.category(value[0]).startswith("M"):
        raise ValidationError(
            _("This name begins with an accent or a mark, which would join the text before it: remove it."),
            code="leading_mark",
        )
    stacked = 0
    for char in value:
        stacked = stacked + 1 if unicodedata.category(char) in ("Mn", "Me") and not _is_selector(char) else 0
        if stacked > MAX_MARKS_PER_LETTER:
            raise ValidationError(
                _(
                    "This name stacks more than %(limit)d accents or marks on one letter, "
                    "which spill over the text around it: remove some."
                ),
                code="stacked_marks",
                params={"limit": MAX_MARKS_PER_LETTER},
            )
