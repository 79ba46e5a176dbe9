"""Serve a few pages with the production settings, as CI's last step.

Run by .ci/run with DEBUG off and the production environment set:

    python .ci/production_check.py STATIC_ROOT

Collects the static files into STATIC_ROOT (a temporary folder: the
checkout's staticfiles/ is left alone) with the manifest storage, then
requests pages (a post's page too, when the database has one) and a hashed
static file through the whole middleware stack, WhiteNoise included. A
missing static file, a page that only works with DEBUG on, or a lost
security header fails here rather than in production.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

PAGES = ["/", "/admin/login/", "/robots.txt", "/sitemap.xml", "/feed/", "/comments/feed/"]
HEADERS = ["Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]


def main(static_root):
    django.setup()

    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.test import Client

    from blog.models import Post

    assert not settings.DEBUG, "run with DEBUG=false"
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=1)
        backend = settings.STORAGES["staticfiles"]["BACKEND"]
        assert backend.endswith("ManifestStaticFilesStorage"), f"static storage is {backend}"
        stylesheet = staticfiles_storage.url("css/blog.css")
        assert stylesheet != settings.STATIC_URL + "css/blog.css", "the manifest did not hash css/blog.css"
        print(f"manifest: css/blog.css -> {stylesheet}")

        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
        for path in PAGES:
            response = client.get(path, secure=True)
            assert response.status_code == 200, f"GET {path}: HTTP {response.status_code}"
            print(f"GET {path}: 200")

        post = Post.objects.published().order_by("-published_at").first()
        if post is not None:
            page = client.get(post.get_absolute_url(), secure=True)
            assert page.status_code == 200, f"GET {post.get_absolute_url()}: HTTP {page.status_code}"
            script = staticfiles_storage.url("js/comments.js")
            assert script in page.content.decode(), "the post page does not link the hashed script"
            print(f"GET {post.get_absolute_url()}: 200, {post.comments.public().count()} public comments")

        home = client.get("/", secure=True)
        assert stylesheet in home.content.decode(), "the home page does not link the hashed stylesheet"
        missing = [header for header in HEADERS if header not in home.headers]
        assert not missing, f"the home page lacks {', '.join(missing)}"
        print(f"home page headers: {', '.join(HEADERS)}")

        plain = client.get("/")
        assert plain.status_code == 301 and plain["Location"].startswith("https://"), "plain HTTP is not redirected"
        print("GET / over plain HTTP: 301 to https")

        response = client.get(stylesheet, secure=True)
        assert response.status_code == 200, f"GET {stylesheet}: HTTP {response.status_code} (WhiteNoise)"
        cache_control = response.get("Cache-Control", "")
        assert "immutable" in cache_control, f"hashed files are not cached for good: {cache_control!r}"
        print(f"GET {stylesheet}: 200, Cache-Control: {cache_control}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: production_check.py STATIC_ROOT")
    main(sys.argv[1])
