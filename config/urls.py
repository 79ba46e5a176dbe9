from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from blog.sitemaps import PostSitemap
from blog.views import RobotsView

# A database outage answers 503 with a readable page; other errors keep the 500 page.
handler500 = "config.errors.server_error"

# Admin pages of models that changed app in the layering step (docs/architecture.md): staff bookmarks still open.
MOVED_ADMIN_PAGES = {
    "blog/redirect": "wordpress/redirect",
    "comments/delivery": "mail/delivery",
    "comments/suppression": "mail/suppression",
}

urlpatterns = [
    *(
        re_path(
            rf"^admin/{before}/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{after}/%(rest)s", permanent=True, query_string=True),
        )
        for before, after in MOVED_ADMIN_PAGES.items()
    ),
    path("", include("blog.urls")),
    path("comments/", include("comments.urls")),
    # Unsubscribe links in e-mails already sent name /comments/unsubscribe/: the mail app answers there.
    path("comments/", include("mail.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, {"sitemaps": {"posts": PostSitemap}}, name="sitemap"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
]


def media(request, path):
    """Serve an upload from MEDIA_ROOT as it is now (tests point it at a temporary folder)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Uploaded covers and avatars, served by Django when no web server does it.
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media)]
