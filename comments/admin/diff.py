"""Show what a moderator changed in a reader's words, word by word."""

from __future__ import annotations

import difflib
import re
from typing import Literal

TOKENS = re.compile(r"\s+|[^\s]+")

Kind = Literal["delete", "insert", "equal"]


def word_diff(before: str, after: str) -> list[tuple[Kind, str]]:
    """The text of `after` in pieces: the words removed from `before`, the new ones, and those kept, in order.

    The comment page draws them (templates/admin/comments/comment/_revisions.html),
    removed words in <del> and new ones in <ins>, escaping every piece.
    """
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    pieces: list[tuple[Kind, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(new[j1:j2])))
        if op == "equal":
            pieces.append(("equal", "".join(old[i1:i2])))
    return pieces
