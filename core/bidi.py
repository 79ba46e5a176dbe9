"""Readers' words that cannot reorder the words after them.

Text in Hebrew or Arabic is shown right to left; the Unicode bidirectional
algorithm (UAX #9) decides the order on screen, and a few invisible
characters steer it: embeddings and overrides (LRE, RLE, LRO, RLO, closed by
PDF) and isolates (LRI, RLI, FSI, closed by PDI). One left open runs to the
end of the paragraph: a name ending in RLO turns the "wrote…" after it, the
next name, the date, the " · blog" after a title, backwards. Right-to-left
letters and digits alone can pull the neutral characters and digits next to
them into their run, too.

Two ways keep a string to itself:

- in HTML, an isolating element: <bdi> for a string inside a sentence (the
  `bdi` filter), an element with dir="auto" for a block (a comment's text,
  a post's lead). The browser closes what the string opened at the end of
  the element; but a stray PDI inside would close the element's own
  isolate early, so `bdi` balances the string as well;
- where no markup can go (<title>, attribute values, e-mail subjects and
  plain-text bodies, feed titles, the admin's titles and messages, which
  show models' __str__), `isolate`: the string balanced, then put between
  FSI and PDI.

Balancing closes, at the end of each paragraph, what the string left open
(PDF for an embedding or override, PDI for an isolate, innermost first),
and drops the closers that close nothing (they would close what the page
opened). Paragraphs are kept apart: the algorithm ends everything at a
paragraph separator (a line break), so each line of a multi-line text is
balanced and isolated on its own.

Both leave a string as it is (`bdi` only escapes it) when nothing in it can
move other text: no right-to-left letter, no Arabic digit, no
bidirectional control. In a left-to-right paragraph such a string is drawn
the same with or without an isolate, and every string that could move it
is isolated itself; so the names and titles of a left-to-right blog stay
byte for byte what was typed, on the pages, in e-mails, feeds and the
admin. That rests on the blog's own sentences being left to right (French
and English): a right-to-left interface language would need every string
isolated.

This module knows no app: any template, model or e-mail may use it.
"""

import re
import unicodedata

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"

EMBEDDINGS = frozenset({LRE, RLE, LRO, RLO})
ISOLATES = frozenset({LRI, RLI, FSI})

# Bidirectional classes that can move the text around them in a left-to-right paragraph.
_MOVING_CLASSES = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})

# Paragraph separators (bidirectional class B): every embedding and isolate ends at one.
_PARAGRAPHS = re.compile("([\n\r\x1c\x1d\x1e\x85\u2029])")


def _balance_paragraph(text):
    opened = []
    kept = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            opened.append(char)
        elif char == PDF:
            # A PDF closes the innermost embedding, never across an isolate.
            if not opened or opened[-1] not in EMBEDDINGS:
                continue
            opened.pop()
        elif char == PDI:
            # A PDI closes the innermost isolate and the embeddings opened inside it.
            if not any(opener in ISOLATES for opener in opened):
                continue
            while opened.pop() not in ISOLATES:
                kept.append(PDF)
        kept.append(char)
    kept.extend(PDF if opener in EMBEDDINGS else PDI for opener in reversed(opened))
    return "".join(kept)


def _moves_others(text):
    return any(unicodedata.bidirectional(char) in _MOVING_CLASSES for char in text)


def balance(text):
    """`text` with what it opens closed in each paragraph, and the closers that close nothing dropped."""
    text = str(text)
    if not _moves_others(text):
        return text
    return "".join(_balance_paragraph(part) for part in _PARAGRAPHS.split(text))


def isolate(text):
    """`text` balanced, each paragraph between FSI and PDI: safe inside any sentence, in any text.

    A string with nothing that can move other text is returned as it is.
    """
    text = str(text)
    if not _moves_others(text):
        return text
    parts = _PARAGRAPHS.split(text)
    # split() with a group: paragraphs at even indexes, their separators at odd ones.
    return "".join(
        part if index % 2 or not part else f"{FSI}{_balance_paragraph(part)}{PDI}" for index, part in enumerate(parts)
    )


def bdi(text) -> SafeString:
    """HTML: `text` escaped and balanced, in a <bdi> element (an isolate, its direction from its first letter).

    Like `isolate`, a string with nothing that can move other text is only
    escaped: in a left-to-right page it is drawn the same with or without
    the element.
    """
    if text is None:
        return mark_safe("")
    if not _moves_others(str(text)):
        return conditional_escape(text)
    balanced = balance(text)
    if isinstance(text, SafeData):
        balanced = mark_safe(balanced)  # noqa: S308 - only control characters were added or taken out.
    return mark_safe(f"<bdi>{conditional_escape(balanced)}</bdi>")  # noqa: S308 - the text is escaped.
