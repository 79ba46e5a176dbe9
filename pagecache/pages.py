"""Whole post pages, cached for anonymous readers, and never stale.

What is cached: the HTML of a post page as an anonymous reader sees it,
under its full address (scheme, host, path and query string, so each page
of comments is its own entry) and the language it was drawn in. Readers
who are logged in, who have a comment of theirs still waiting on this post,
or who have a message to read (after a report, say) get a fresh page: what
they see is partly theirs.

Why it is never stale: each entry remembers the versions it was drawn
under, and is served only while they are still current and its due time
has not come.

- A version is a random stamp kept in the cache (comments/stamps.py): one
  per post, and one for the whole site. Any save or deletion of the post or
  one of its comments (approval, rejection, reply, edit, withdrawal, hold
  after reports) gives the post a new stamp; a change to an account, an
  organisation or a membership (a badge revoked, a name changed) gives the
  site a new stamp. Stamps change through signals: whatever door the
  change comes through, a service or the admin, the page follows. They
  change at once and again after the transaction commits, so that a page
  drawn from the old rows in between cannot outlive the change.
- The due time is the next moment the page changes by the clock alone: the
  first pending comment of the post whose publish_at is still ahead, or the
  closing of its comments by age. A comment due at 12:00 is on the page at
  12:00, cached or not. BLOG_PAGE_CACHE_SECONDS bounds every entry anyway.

Two parts of the page belong to each reader and are filled in on every
response, cached or not: the CSRF token (Django's token is tied to the
reader's own cookie) and the comment form's one-time token (it dates the
form and tells a resubmission from a new comment; it is signed for the
reader's CSRF secret and the post, so it is good for nobody else). The cached HTML holds a
placeholder for each, and is kept cut at them, so filling them is one join.

What is kept: a small entry under the address (stamps, due time, headers,
the digest of the HTML) and the HTML under its digest. A process keeps the
last HTML it read (named by its content, it cannot be wrong), so a view
reads only the entry and the stamps, in one round trip.

Two doors lead to a cached page, both in CachedPageMiddleware
(pagecache/middleware.py, which also says how the post's view opts in).
Just before the view, it serves any reader with nothing of their own on it
(it looks at their session and messages), or has the view draw the page
for everyone and keeps it. Most readers of a busy post have no session at
all, only perhaps a CSRF or a language cookie: near the top of the stack,
the middleware serves them before sessions, authentication, messages and
the URL resolver run, with the headers the whole stack gave the page when
it was drawn (CSP, X-Frame-Options, Content-Language, Vary), and the CSRF
and locale middleware's own steps for the cookie and the language. With
the lighter tokens and the kept HTML, a cached page went from 0.42 to 0.79
of the requests per second of a trivial view (bench/README.md).

Conditional GET: the response carries an ETag (the entry's content, and the
reader's CSRF cookie, whose token their copy holds) and a Last-Modified
(when the entry was drawn); a request that still has that copy gets a 304.
Cache-Control is "private, no-cache": browsers revalidate, shared caches
keep nothing (the page holds per-reader tokens).

With several processes the cache must be shared (Redis, REDIS_URL): with
the local-memory cache each process keeps its own stamps and pages, so a
change made through one process would not reach another's pages.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from comments import session as comment_session
from comments.forms import new_form_token, token_reader
from comments.models import Comment
from comments.stamps import SITE_VERSION, post_version_key

from . import csrf_tokens

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.template.response import TemplateResponse

    from blog.models import Post

# Placeholders drawn in the cached HTML, filled in each response. Only the
# exact attribute is a hole: readers' text is escaped, so it cannot form one.
CSRF_HOLE = "csrf-token-drawn-per-reader"
FORM_TOKEN_HOLE = "form-token-drawn-per-reader"  # noqa: S105 - a placeholder, not a secret
_CSRF_ATTRIBUTE = f'value="{CSRF_HOLE}"'.encode()
_FORM_TOKEN_ATTRIBUTE = f'value="{FORM_TOKEN_HOLE}"'.encode()
_HOLES = re.compile(b"(" + re.escape(_CSRF_ATTRIBUTE) + b"|" + re.escape(_FORM_TOKEN_ATTRIBUTE) + b")")

# Headers set for each response by respond() (and CommonMiddleware), not kept with the page.
_PER_RESPONSE_HEADERS = {"etag", "last-modified", "content-length"}

# Part of every page key: a new shape of Entry, or of the pages drawn, gets new keys, so a process never
# reads an entry of another release from a shared cache (Redis keeps them across a deployment).
# 3: readers' strings isolated (core.bidi). 4: entries are pagecache.pages.Entry (pickled by their path).
_FORMAT = 4


@dataclass(frozen=True)
class Entry:
    post_pk: int
    versions: tuple
    due: datetime | None
    drawn_at: datetime
    content_type: str
    digest: str  # Of the page's HTML, which is kept apart under it (body_key).
    last_modified: str
    # The headers the whole middleware stack gave the page, once CachedPageMiddleware has seen it.
    headers: tuple = ()

    def is_current(self, now: datetime, stamps: dict[str, str]) -> bool:
        """Whether the entry may be served at `now`, given the stamps read from the cache (a dict by key)."""
        if self.due is not None and now >= self.due:
            return False
        return (stamps.get(post_version_key(self.post_pk)), stamps.get(SITE_VERSION)) == self.versions


def is_on() -> bool:
    """Whether pages are cached at all: BLOG_PAGE_CACHE_SECONDS=0 turns it off (and comments.thread's kept outlines)."""
    return settings.BLOG_PAGE_CACHE_SECONDS > 0


def applies(request: HttpRequest, *, slug: str) -> bool:
    """Whether this request may be served the cached page: an anonymous reader with nothing of their own on it."""
    if request.method not in ("GET", "HEAD") or not is_on():
        return False
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return False
    own_ids = comment_session.own_ids(request)
    return not Comment.objects.filter(post__slug=slug).seen_only_by(own_ids=own_ids).exists()


class Page(NamedTuple):
    entry: Entry
    # The HTML cut at its holes: text, hole, text, hole… text.
    parts: tuple


def body_key(digest: str) -> str:
    return f"blog:page-body:{digest}"


@functools.lru_cache(maxsize=32)
def _body(digest: str) -> tuple[bytes, ...]:
    """A page's HTML by its digest: read from the shared cache once, then kept by this process.

    Named by its content, a body never changes, so the copy kept here is
    always right; whether it is still the page to serve is the entry's say.
    It spares each view copying 100 kB or more out of the cache.
    """
    if (parts := cache.get(body_key(digest))) is None:
        raise LookupError(digest)  # Not remembered: the next call looks again.
    return parts


def key_for(request: HttpRequest) -> str:
    # get_host() refuses a host not in ALLOWED_HOSTS; the query string as sent tells pages of comments apart.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.META.get('QUERY_STRING', '')}"
    address = hashlib.sha256(address.encode()).hexdigest()
    return f"blog:page:{_FORMAT}:{translation.get_language()}:{address}"


# The post each page key was last found to show, so that its stamp comes in the same read as the entry
# (one round trip to Redis, not two). Only a guess: the entry's own post is what is checked.
_post_of_key = {}


def fetch(key: str, now: datetime | None = None) -> Page | None:
    """The current page under this key, or None."""
    guess = _post_of_key.get(key)
    keys = [key, SITE_VERSION] if guess is None else [key, SITE_VERSION, post_version_key(guess)]
    found = cache.get_many(keys)
    if (entry := found.get(key)) is None:
        return None
    if entry.post_pk != guess:
        found.update(cache.get_many([post_version_key(entry.post_pk)]))
        if len(_post_of_key) >= 4096:
            _post_of_key.clear()
        _post_of_key[key] = entry.post_pk
    if not entry.is_current(now or timezone.now(), found):
        return None
    try:
        return Page(entry, _body(entry.digest))
    except LookupError:
        return None


def next_change(post: Post, now: datetime) -> datetime | None:
    """The next moment the post's page changes by the clock alone, or None."""
    moments = [post.comments.next_publication(now)]
    if post.comments_enabled and settings.COMMENTS_CLOSE_AFTER_DAYS:
        moments.append(post.published_at + timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS))
    return min((moment for moment in moments if moment is not None and moment > now), default=None)


def draw(response: HttpResponse, *, post: Post, versions: tuple[str, str], now: datetime) -> Page:
    """The page for a response drawn with the placeholders, under the versions read before it was drawn."""
    content = bytes(response.content)
    entry = Entry(
        post_pk=post.pk,
        versions=versions,
        due=next_change(post, now),
        drawn_at=now,
        content_type=response["Content-Type"],
        digest=hashlib.sha256(content).hexdigest()[:32],
        last_modified=http_date(int(now.timestamp())),
    )
    return Page(entry, tuple(_HOLES.split(content)))


def draw_for_everyone(response: TemplateResponse, *, now: datetime) -> Page | None:
    """The page a post's view drew (an unrendered TemplateResponse), as anyone sees it; None for any other answer.

    Its two tokens are drawn as holes: Django's `csrf_token` of the template
    context, and the comment form's token (comments.forms.CommentForm), both
    filled for each reader by respond(). It is kept under the stamps its
    thread was drawn with, read before any row of the thread, and due when
    it changes by the clock after `now`, taken before the view ran.
    """
    if response.status_code != 200 or getattr(response, "context_data", None) is None:
        return None
    context = response.context_data
    context["csrf_token"] = CSRF_HOLE
    context["form"].initial["token"] = FORM_TOKEN_HOLE
    response.render()
    return draw(response, post=context["object"], versions=context["thread"].versions, now=now)


def store(key: str, page: Page) -> None:
    """Keep a page until its due time, within BLOG_PAGE_CACHE_SECONDS."""
    timeout = settings.BLOG_PAGE_CACHE_SECONDS
    if page.entry.due is not None:
        timeout = min(timeout, math.ceil((page.entry.due - timezone.now()).total_seconds()))
    cache.set_many({key: page.entry, body_key(page.entry.digest): page.parts}, max(timeout, 1))


def store_with_headers(key: str, page: Page, response: HttpResponse) -> None:
    """Keep a page again with the headers the whole stack gave it, but for those each response gets its own of."""
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _PER_RESPONSE_HEADERS)
    store(key, page._replace(entry=replace(page.entry, headers=headers)))


def respond(request: HttpRequest, page: Page) -> HttpResponse:
    """The page for this reader: their own tokens filled in, or a 304 when their copy is current.

    A page with no form asks for no CSRF token, so it sets no cookie.
    """
    entry = page.entry
    holes = set(page.parts[1::2])
    fills = {}
    if _CSRF_ATTRIBUTE in holes:
        fills[_CSRF_ATTRIBUTE] = f'value="{csrf_tokens.get_token(request)}"'.encode()
    secret = hashlib.sha256(request.META.get("CSRF_COOKIE", "").encode()).hexdigest()[:8]
    etag = f'"{entry.digest}-{secret}"'
    last_modified = int(entry.drawn_at.timestamp())
    if entry.headers:  # As the whole stack gave them to the page when it was drawn.
        response = HttpResponse(headers=dict(entry.headers))
    else:
        response = HttpResponse(content_type=entry.content_type, headers={"Cache-Control": "private, no-cache"})
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = entry.last_modified
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    if conditional is not response:
        return conditional  # 304, with the same validators.
    if _FORM_TOKEN_ATTRIBUTE in holes:
        # Drawn for this reader's CSRF secret (filled in above) and this post: worthless to anyone else.
        token = new_form_token(reader=token_reader(request), post_id=entry.post_pk)
        fills[_FORM_TOKEN_ATTRIBUTE] = f'value="{token}"'.encode()
    parts = list(page.parts)
    parts[1::2] = [fills[hole] for hole in parts[1::2]]
    response.content = b"".join(parts)
    response.headers["Content-Length"] = str(len(response.content))
    return response
