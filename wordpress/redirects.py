"""Old permalinks answer with a permanent redirect to the post they now lead to.

A blog that moved here from WordPress keeps years of links to addresses
such as /2019/03/hello-world/ or /?p=123. The importers record each one as a
Redirect; this middleware answers them. It looks only at requests that
would otherwise fail (a 404), plus the WordPress short link /?p=ID, which
would show the home page, so a live page is never shadowed.

Why not django.contrib.redirects: it needs the sites framework (a Site row
per domain, SITE_ID) for a blog that serves one site, and it stores a
target URL as text, which goes stale when a post's slug changes. A
Redirect here points at the post itself.
"""

from django.http import HttpResponsePermanentRedirect

from .models import Redirect

SHORT_LINK_PARAMETERS = ("p", "page_id")


def candidates(request):
    """The old paths this request could have been: as asked, with or without its final slash."""
    path = request.path
    paths = [path, path + "/" if not path.endswith("/") else path.rstrip("/")]
    for name in SHORT_LINK_PARAMETERS:
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit():
            paths.append(f"{path}?{name}={value}")
    # No old path holds a NUL character, and PostgreSQL refuses one in a query.
    return [p for p in paths if p and "\x00" not in p]


def find(request):
    redirect = Redirect.objects.filter(old_path__in=candidates(request)).select_related("post").first()
    return redirect.post.get_absolute_url() if redirect else None


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        short_link = any(request.GET.get(name) for name in SHORT_LINK_PARAMETERS)
        if short_link and request.method in ("GET", "HEAD") and (target := find(request)):
            return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD") and (target := find(request)):
            return HttpResponsePermanentRedirect(target)
        return response
