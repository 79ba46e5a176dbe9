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

- A version is a random stamp kept in the cache: one per post, and one for
  the whole site. Any save or deletion of the post or one of its comments
  (approval, rejection, reply, edit, withdrawal, hold after reports) gives
  the post a new stamp; a change to an account, an organisation or a
  membership (a badge revoked, a name changed) gives the site a new stamp.
  Stamps change through signals (blog/invalidation.py): whatever door the
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
form and tells a resubmission from a new comment). The cached HTML holds a
placeholder for each.

Conditional GET: the response carries an ETag (the entry's content, and the
reader's CSRF cookie, whose token their copy holds) and a Last-Modified
(when the entry was drawn); a request that still has that copy gets a 304.
Cache-Control is "private, no-cache": browsers revalidate, shared caches
keep nothing (the page holds per-reader tokens).

With several processes the cache must be shared (Redis, REDIS_URL): with
the local-memory cache each process keeps its own stamps and pages, so a
change made through one process would not reach another's pages.
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from comments import session as comment_session
from comments.forms import new_form_token
from comments.models import Comment, Status, public_q

# Placeholders drawn in the cached HTML, replaced in each response. Only the
# exact attribute is replaced: readers' text is escaped, so it cannot form one.
CSRF_HOLE = "csrf-token-drawn-per-reader"
FORM_TOKEN_HOLE = "form-token-drawn-per-reader"  # noqa: S105 - a placeholder, not a secret
_CSRF_ATTRIBUTE = f'value="{CSRF_HOLE}"'.encode()
_FORM_TOKEN_ATTRIBUTE = f'value="{FORM_TOKEN_HOLE}"'.encode()

SITE_VERSION = "blog:page-version:site"


def post_version_key(post_pk):
    return f"blog:page-version:post:{post_pk}"


def bump_post(post_pk):
    """Give a post a new stamp: its cached pages are no longer served."""
    cache.set(post_version_key(post_pk), secrets.token_hex(8), None)


def bump_site():
    """Give the site a new stamp: no cached post page is served any more."""
    cache.set(SITE_VERSION, secrets.token_hex(8), None)


def current_versions(post_pk):
    """The (post, site) stamps now, creating any that is missing (evicted: every entry under it is then invalid)."""
    keys = (post_version_key(post_pk), SITE_VERSION)
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, secrets.token_hex(8), None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


@dataclass(frozen=True)
class Entry:
    post_pk: int
    versions: tuple
    due: datetime | None
    drawn_at: datetime
    content: bytes
    content_type: str
    digest: str

    def is_current(self, now):
        if self.due is not None and now >= self.due:
            return False
        stamps = cache.get_many([post_version_key(self.post_pk), SITE_VERSION])
        return (stamps.get(post_version_key(self.post_pk)), stamps.get(SITE_VERSION)) == self.versions


def applies(request, *, slug):
    """Whether this request may be served the cached page: an anonymous reader with nothing of their own on it."""
    if request.method not in ("GET", "HEAD") or settings.BLOG_PAGE_CACHE_SECONDS <= 0:
        return False
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return False
    own_ids = comment_session.own_ids(request)
    if not own_ids:
        return True
    waiting = Comment.objects.filter(pk__in=own_ids, post__slug=slug, status__in=[Status.PENDING, Status.HELD])
    return not waiting.exclude(public_q()).exists()


def key_for(request):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"blog:page:{translation.get_language()}:{address}"


def fetch(key, now=None):
    """The current entry under this key, or None."""
    entry = cache.get(key)
    if entry is None or not entry.is_current(now or timezone.now()):
        return None
    return entry


def next_change(post, now):
    """The next moment the post's page changes by the clock alone, or None."""
    moments = [post.comments.next_publication(now)]
    if post.comments_enabled and settings.COMMENTS_CLOSE_AFTER_DAYS:
        moments.append(post.published_at + timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS))
    return min((moment for moment in moments if moment is not None and moment > now), default=None)


def store(key, response, *, post, versions, now):
    """Keep a rendered page (drawn with the placeholders) under the versions read before it was drawn."""
    due = next_change(post, now)
    timeout = settings.BLOG_PAGE_CACHE_SECONDS
    if due is not None:
        timeout = min(timeout, math.ceil((due - now).total_seconds()))
    content = bytes(response.content)
    entry = Entry(
        post_pk=post.pk,
        versions=versions,
        due=due,
        drawn_at=now,
        content=content,
        content_type=response["Content-Type"],
        digest=hashlib.sha256(content).hexdigest()[:32],
    )
    cache.set(key, entry, max(timeout, 1))
    return entry


def respond(request, entry):
    """The page for this reader: their own tokens filled in, or a 304 when their copy is current."""
    csrf_token = get_token(request)  # Sets the reader's CSRF cookie if they have none yet.
    secret = hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()[:8]
    etag = f'"{entry.digest}-{secret}"'
    last_modified = int(entry.drawn_at.timestamp())
    response = HttpResponse(content_type=entry.content_type)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    if conditional is not response:
        return conditional  # 304, with the same validators.
    response.content = entry.content.replace(_CSRF_ATTRIBUTE, f'value="{csrf_token}"'.encode()).replace(
        _FORM_TOKEN_ATTRIBUTE, f'value="{new_form_token()}"'.encode()
    )
    return response
