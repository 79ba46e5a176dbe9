"""Find what could run in a page: the server-side half of the XSS tests.

The page is parsed as the browser's tokenizer would see it (entities
decoded in attribute values); anything that can execute script or leave
the page is reported: script elements other than the site's own files,
event-handler attributes, javascript:/vbscript:/data: URLs, frames from
hosts outside the allow-list, plugins, <base>, refresh and inline styles.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
    "srcset", "cite", "dynsrc", "lowsrc", "codebase", "longdesc", "ping", "manifest",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
NEVER = {"object", "embed", "applet", "base", "frame", "frameset", "isindex", "xss", "style", "svg", "math", "template"}
# Control characters and spaces browsers skip in a URL before its scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def payloads():
    """The corpus, one payload per line ("# " lines are comments; a form feed is part of a payload)."""
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("# ")]


class _Finder(HTMLParser):
    def __init__(self, allowed_scripts):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.found = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _report(self, tag, what):
        self.found.append(f"<{tag}> {what}")

    def _check(self, tag, attrs):
        if tag in NEVER:
            self._report(tag, "element")
        values = {}
        for name, value in attrs:
            value = value or ""
            values[name] = value
            if name.startswith("on"):
                self._report(tag, f"event handler {name}={value!r}")
            if name == "style":
                self._report(tag, f"inline style {value!r}")
            if name == "srcdoc":
                self._report(tag, "srcdoc")
            if name in URL_ATTRIBUTES:
                squeezed = _IGNORED_IN_SCHEME.sub("", value).lower()
                if squeezed.startswith(DANGEROUS_SCHEMES):
                    self._report(tag, f"{name}={value!r}")
        if tag == "script":
            src = values.get("src", "")
            if not any(src.startswith(allowed) for allowed in self.allowed_scripts):
                self._report(tag, f"script src={src!r}")
        if tag == "iframe":
            parts = urlsplit(values.get("src", ""))
            if parts.scheme != "https" or parts.hostname not in settings.BLOG_EMBED_HOSTS:
                self._report(tag, f"frame from {values.get('src', '')!r}")
        if tag == "meta" and "http-equiv" in values:
            self._report(tag, "http-equiv")
        if tag == "link" and (values.get("rel") or "alternate").lower() not in {
            "stylesheet",
            "alternate",
            "icon",
            "canonical",
            "self",
        }:
            self._report(tag, f"rel={values.get('rel')!r}")
        action = values.get("action") or values.get("formaction") or ""
        if tag in {"form", "button", "input"} and urlsplit(action).netloc:
            self._report(tag, f"form to {action!r}")


def executable_vectors(html, *, allowed_scripts=("/static/js/", "/static/admin/js/")):
    """What in this HTML could run script or navigate away; an empty list for an inert page."""
    finder = _Finder(allowed_scripts)
    finder.feed(html)
    finder.close()
    return finder.found
