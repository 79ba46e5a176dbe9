"""Show what a moderator changed in a reader's words, word by word."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before, after):
    """HTML of `after` with the words removed from `before` in <del> and the new ones in <ins>."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped.
