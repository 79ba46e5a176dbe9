"""What readers type as plain text (comments, names, profiles): refused when it cannot be stored faithfully."""

import unicodedata

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
