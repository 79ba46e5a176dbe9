"""Find readers' text that could reorder the page around it: the server-side half of the bidi tests.

The page is parsed and cut into the runs of text the bidirectional algorithm
orders together: a block's text, an isolating element's text (a <bdi>, an
element with dir="auto"), an attribute's value. The blog's own sentences
are left to right, so in a run that belongs to the page (a plain block,
<title>, an attribute) every character that can move others (a
right-to-left letter, an Arabic digit, a bidirectional control) must sit
inside an isolate (FSI/LRI/RLI … PDI) of its own, every isolate must be
closed, and no closer may be left over to close what the page opened.

Inside an isolating element the string may leave embeddings open (the
element ends them) but may not hold a closer that closes nothing: a stray
PDI ends the element's own isolate early in Chromium. A block with
dir="auto" (a comment's text) belongs to its writer: its paragraphs end
with it, so anything goes inside.

Some containers hold one value alone and nothing after it (the admin's
table cells and read-only fields): pass them as `value_blocks` to accept
what they hold.
"""

import unicodedata
from html.parser import HTMLParser

from core.bidi import EMBEDDINGS, ISOLATES, PDF, PDI

MOVING = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "ul", "body", "html", "head",
})  # fmt: skip
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# Their text is not drawn in the page's paragraphs (form controls, code).
OWN_BOX = frozenset({"script", "style", "textarea", "select", "option", "template"})
# Attributes the reader never sees as text.
NOT_TEXT = frozenset({"href", "src", "srcset", "action", "value", "name", "id", "for", "class", "style", "type", "rel"})


def _problems_in_run(text):
    """What is wrong in a run that belongs to the page: characters outside an isolate, stray or open ones."""
    problems = []
    opened = []
    for char in text:
        if char in ISOLATES or char in EMBEDDINGS:
            if not any(opener in ISOLATES for opener in opened) and char in EMBEDDINGS:
                problems.append(f"U+{ord(char):04X} outside an isolate")
            opened.append(char)
        elif char == PDF:
            if not opened or opened[-1] not in EMBEDDINGS:
                problems.append("a PDF that closes nothing")
            else:
                opened.pop()
        elif char == PDI:
            if not any(opener in ISOLATES for opener in opened):
                problems.append("a PDI that closes nothing")
            else:
                while opened.pop() not in ISOLATES:
                    pass
        elif char == "\n":
            if opened:
                problems.append("left open at the end of a paragraph")
            opened = []
        elif unicodedata.bidirectional(char) in MOVING and not any(opener in ISOLATES for opener in opened):
            problems.append(f"{char!r} ({unicodedata.bidirectional(char)}) outside an isolate")
    if opened:
        problems.append("left open at the end")
    return problems


def _stray_closers(text):
    """Closers that close nothing inside an isolating element (the element's own isolate would end there)."""
    opened = []
    stray = []
    for char in text:
        if char in ISOLATES or char in EMBEDDINGS:
            opened.append(char)
        elif char == PDF:
            if opened and opened[-1] in EMBEDDINGS:
                opened.pop()
            else:
                stray.append("a stray PDF")
        elif char == PDI:
            if any(opener in ISOLATES for opener in opened):
                while opened.pop() not in ISOLATES:
                    pass
            else:
                stray.append("a stray PDI")
        elif char == "\n":
            opened = []
    return stray


class _Run:
    def __init__(self, tag, kind, free):
        self.tag = tag
        self.kind = kind  # "block", "isolate" or "inline"
        self.free = free  # the writer's own block, or a value block: anything goes
        self.text = []


class _Checker(HTMLParser):
    def __init__(self, value_blocks):
        super().__init__(convert_charrefs=True)
        self.value_blocks = value_blocks
        self.stack = [_Run("#document", "block", False)]
        self.skipping = 0
        self.problems = []

    def _run(self):
        """The innermost run text goes to: the nearest block or isolating element."""
        return next(run for run in reversed(self.stack) if run.kind != "inline")

    def _report(self, where, text, problems):
        for problem in dict.fromkeys(problems):
            self.problems.append(f"{where}: {problem} in {text!r}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name not in NOT_TEXT and not name.startswith("aria-labelledby"):
                self._report(f"<{tag} {name}>", value, _problems_in_run(value))
        if self.skipping or tag in OWN_BOX:
            if tag not in VOID:
                self.skipping += 1
            return
        if tag == "br":
            self._run().text.append("\n")
            return
        if tag in VOID:
            return
        auto = attributes.get("dir") == "auto"
        classes = set((attributes.get("class") or "").split())
        free = self.stack[-1].free or (auto and tag in BLOCKS) or tag in self.value_blocks
        free = free or bool(classes & self.value_blocks)
        if tag in BLOCKS:
            kind = "block"
            self._run().text.append("\n")  # What comes before a block is a paragraph of its own.
        elif tag == "bdi" or auto:
            kind = "isolate"
        else:
            kind = "inline"
        self.stack.append(_Run(tag, kind, free))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.skipping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in OWN_BOX or tag not in VOID:
                self.skipping -= 1
            return
        if tag in VOID or not any(run.tag == tag for run in self.stack[1:]):
            return
        while True:
            run = self.stack.pop()
            self._close(run)
            if run.tag == tag:
                return

    def _close(self, run):
        text = "".join(run.text)
        if run.kind == "isolate" and not run.free:
            self._report(f"<{run.tag}>", text, _stray_closers(text))
        elif run.kind == "block" and not run.free:
            self._report(f"<{run.tag}>", text, _problems_in_run(text))
        if run.kind == "isolate":
            self._run().text.append("\u2068\u2069")  # The run around it sees an isolate: a neutral.
        elif run.kind == "block" and self.stack:
            self._run().text.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # A line break in the source is a space on the page; only <br> and blocks end a paragraph.
            self._run().text.append(data.replace("\r", " ").replace("\n", " "))

    def close(self):
        super().close()
        while len(self.stack) > 1:
            self._close(self.stack.pop())
        self._close(self.stack[0])


def unisolated(html, *, value_blocks=()):
    """Every place in `html` where a reader's string could reorder the text around it; [] when none."""
    checker = _Checker(frozenset(value_blocks))
    checker.feed(html)
    checker.close()
    return checker.problems


def line_problems(text):
    """The same check on plain text (an e-mail, a subject, a feed title): each line is a run of the page's."""
    lines = enumerate(text.split("\n"), 1)
    return [f"line {number}: {problem}" for number, line in lines for problem in _problems_in_run(line)]
