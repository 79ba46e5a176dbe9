"""The page cache's two doors, in one middleware, and how a view asks for it: `page_cache = True`.

The post's view (blog.views.PostDetailView) carries a plain attribute,
`page_cache = True`, as csrf_exempt marks a view for CsrfViewMiddleware,
and CachedPageMiddleware honours it. The view stays a plain DetailView that
draws its page, and blog imports nothing of pagecache (the contract "blog
knows nothing of pagecache" in pyproject.toml). Chosen over the other ways
that keep blog unaware: a decorator would have blog import pagecache, and
wrapping the view in config/urls.py would take the post's address out of
blog/urls.py. A view that asks is a post's page: its address names the
post's `slug`, and it answers with a TemplateResponse whose context holds
the post (`object`), its thread with the stamps it was drawn under
(`thread`) and the comment form (`form`), as comments.thread.for_post_page
gives them (pages.draw_for_everyone).

The doors (pagecache/pages.py says what is cached and why it is never stale):

- the short door, near the top of the stack: a reader whose cookies are at
  most a CSRF and a language cookie has no account, no comment of their own
  and no message, so the cached page is theirs as it is for anyone;
- the view door (process_view), once sessions, authentication and messages
  have run: any reader with nothing of their own on the page gets the
  cached page, or the page the view draws then, holes for the tokens, and
  kept for the next readers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import pages

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


def asks_for_the_cache(view: Callable) -> bool:
    """Whether a view asks for the page cache: `page_cache = True` on the function, or on its class (as_view())."""
    return getattr(getattr(view, "view_class", view), "page_cache", False) is True


@functools.lru_cache(maxsize=4096)
def _is_cached_page(urlconf: str, path: str) -> bool:
    """Whether this address is a view that asks for the cache: remembered, since a busy post is asked for again and
    again."""
    try:
        return asks_for_the_cache(resolve(path, urlconf).func)
    except Resolver404:
        return False


class CachedPageMiddleware:
    """Cached post pages: before most of the stack for readers with no session, just before the view for the others.

    Place it right after SecurityMiddleware and WhiteNoiseMiddleware: those
    still run for every response. Everyone the short door does not serve,
    and any address with no current entry, goes down the whole stack to the
    view door, which serves the cache to whoever it applies to.

    On the way back it keeps the headers of a page the view door has just
    drawn, so that the short door can give them to the next reader.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # Their own steps, as csrf_protect runs them: the same cookie and the same language as the full stack.
        self.csrf = CsrfViewMiddleware(get_response)
        self.locale = LocaleMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (response := self.cached_page(request)) is not None:
            return response
        response = self.get_response(request)
        if (drawn := getattr(response, "page_cache_drawn", None)) is not None and response.status_code == 200:
            pages.store_with_headers(*drawn, response)
        return response

    def cached_page(self, request: HttpRequest) -> HttpResponse | None:
        """The short door: the cached page for a reader with no session, or None."""
        if request.method not in ("GET", "HEAD") or not pages.is_on():
            return None
        if settings.CSRF_USE_SESSIONS or not request.COOKIES.keys() <= {
            settings.CSRF_COOKIE_NAME,
            settings.LANGUAGE_COOKIE_NAME,
        }:
            return None  # A session or messages: the page may hold something of the reader's own.
        if not _is_cached_page(settings.ROOT_URLCONF, request.path_info):
            return None  # Spares other pages a cache lookup.
        self.locale.process_request(request)
        page = pages.fetch(pages.key_for(request))
        if page is None or not page.entry.headers:
            return None
        self.csrf.process_request(request)
        return self.csrf.process_response(request, pages.respond(request, page))

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        """The view door: for a view that asks, and a reader with nothing of their own on its page."""
        if not asks_for_the_cache(view_func) or not pages.applies(request, slug=view_kwargs["slug"]):
            return None
        return self.serve(request, functools.partial(view_func, request, *view_args, **view_kwargs))

    def serve(self, request: HttpRequest, view: Callable[[], HttpResponse]) -> HttpResponse:
        """The cached page, or the one the view draws now for everyone, kept; each with this reader's tokens."""
        key = pages.key_for(request)
        if (page := pages.fetch(key)) is None:
            now = timezone.now()  # Before the view reads anything: the page is due when it changes after now.
            response = view()
            if (page := pages.draw_for_everyone(response, now=now)) is None:
                return response
            pages.store(key, page)
        response = pages.respond(request, page)
        if not page.entry.headers:
            response.page_cache_drawn = (key, page)  # Kept again on the way back, with its final headers.
        return response
