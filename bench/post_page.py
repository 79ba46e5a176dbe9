"""How a post's page and the home page scale with comments and posts.

    .venv/bin/python bench/post_page.py [--runs 15] [--warmups 2]

Builds a fresh database (bench/harness.py: a temporary SQLite file, or a
throwaway <name>_bench_post_page database when DATABASE_URL is set), creates posts with 10, 100,
1,000 and 10,000 public comments, requests each post's first page of
comments through Django's test client with DEBUG off, and prints the SQL
queries and the median time per page: drawn for an anonymous reader (page
cache off), drawn for a logged-in reader (page cache on: the thread's
outline is kept, the page is not), and from the page cache. Then the same
for the home page with 3 and with 30 published posts.
The project's own db.sqlite3 is never opened. See bench/README.md.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import harness

SIZES = (10, 100, 1000, 10000)
HOME_SIZES = (3, 30)
# Shares of comments by how deep they answer: 0 is top level; the last level
# is deeper than COMMENTS_MAX_DEPTH (3), so the depth cap is exercised too.
DEPTH_SHARES = (0.4, 0.3, 0.2, 0.1)
PHRASES = [
    "merci pour ce billet",
    "la marque a répondu vite, mais pas sur le fond",
    "je reviens sur votre point",
    "le service client devrait lire les avis",
    "voir aussi https://example.com/guide",
    "et le fil précédent",
]


def sentence(rng):
    return " ; ".join(rng.choices(PHRASES, k=rng.randint(2, 8))).capitalize() + "."


def make_author():
    from accounts.models import User

    return User.objects.create_user("auteur@example.com", "unused-password", display_name="Autrice du blog")


def make_post(author, slug, published_at):
    from blog.models import Post

    return Post.objects.create(
        title=f"Billet {slug}",
        slug=slug,
        author=author,
        lead="Un billet pour mesurer la page.",
        body="<p>Le corps du billet.</p>" * 5,
        status=Post.Status.PUBLISHED,
        published_at=published_at,
    )


def add_comments(post, count, rng):
    """Create `count` approved comments, by depth level, each level in one bulk insert."""
    from comments.models import Comment
    from core.sanitize import render_reader_text

    start = post.published_at + timedelta(minutes=1)
    shares = [round(count * share) for share in DEPTH_SHARES]
    shares[0] += count - sum(shares)
    parents, made = [None], 0
    for level, size in enumerate(shares):
        batch = []
        for _ in range(size):
            body = sentence(rng)
            at = start + timedelta(minutes=made)
            made += 1
            batch.append(
                Comment(
                    post=post,
                    parent=rng.choice(parents) if level else None,
                    name=f"Lecteur {rng.randint(1, 500)}",
                    email=f"lecteur{rng.randint(1, 500)}@example.com",
                    body=body,
                    body_html=render_reader_text(body),
                    status=Comment.Status.APPROVED,
                    publish_at=at,
                    published_at=at,
                    created_at=at,
                )
            )
        parents = Comment.objects.bulk_create(batch, batch_size=500) or parents
    return post


def measure(client, url, *, runs, warmups):
    """Queries and median milliseconds of one page, with the last response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        client.get(url, secure=True)
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
        queries.add(len(captured))
    return max(queries), statistics.median(times), response


def bench_home(author, rng, *, runs, warmups):
    from django.test import Client
    from django.utils import timezone

    rows, made = [], 0
    now = timezone.now()
    for size in HOME_SIZES:
        while made < size:
            post = make_post(author, f"accueil-{made}", now - timedelta(days=made + 1))
            add_comments(post, 5, rng)
            made += 1
        queries, median, _ = measure(Client(), "/", runs=runs, warmups=warmups)
        rows.append((size, queries, median))
    return rows


def bench_post_page(author, rng, *, runs, warmups):
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from comments.thread import thread_for

    reader = Client()
    reader.force_login(User.objects.create_user("lectrice@example.com", "unused-password", display_name="Lectrice"))
    rows = []
    for size in SIZES:
        post = make_post(author, f"fil-{size}", timezone.now() - timedelta(days=90))
        add_comments(post, size, rng)
        settings.BLOG_PAGE_CACHE_SECONDS = 0
        queries, median, response = measure(Client(), post.get_absolute_url(), runs=runs, warmups=warmups)
        first_page = thread_for(post)
        shown = response.content.decode().count('<li id="comment-')
        assert first_page.public_count == size, f"{size} public comments, {first_page.public_count} counted"
        assert shown == len(first_page.entries), f"{len(first_page.entries)} on the first page, {shown} shown"
        settings.BLOG_PAGE_CACHE_SECONDS = 600
        _, cached, _ = measure(Client(), post.get_absolute_url(), runs=runs, warmups=warmups)
        _, logged_in, _ = measure(reader, post.get_absolute_url(), runs=runs, warmups=warmups)
        rows.append((size, queries, median, shown, logged_in, cached))
    return rows


def print_table(title, label, rows):
    print(f"\n{title}")
    print(f"{label:>10}  {'queries':>7}  {'median ms':>9}")
    for size, queries, median in rows:
        print(f"{size:>10,}  {queries:>7}  {median:>9.1f}")


def print_post_table(rows):
    print(f"\nPost page, first page of comments (COMMENTS_PER_PAGE={settings_value('COMMENTS_PER_PAGE')} top level)")
    print(f"{'comments':>10}  {'on page':>7}  {'queries':>7}  {'median ms':>9}  {'logged in ms':>12}  {'cached ms':>9}")
    for size, queries, median, shown, logged_in, cached in rows:
        print(f"{size:>10,}  {shown:>7,}  {queries:>7}  {median:>9.1f}  {logged_in:>12.1f}  {cached:>9.2f}")


def settings_value(name):
    from django.conf import settings

    return getattr(settings, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument("--warmups", type=int, default=2, help="untimed requests first (default 2)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="blog-bench-") as tmp:
        drop = harness.configure(Path(tmp), benchmark="post_page")
        try:
            import django
            from django.db import connection

            rng = random.Random(2024)
            author = make_author()
            home = bench_home(author, rng, runs=options.runs, warmups=options.warmups)
            pages = bench_post_page(author, rng, runs=options.runs, warmups=options.warmups)
            print(
                f"Django {django.get_version()}, {connection.vendor}, Python {sys.version.split()[0]}, "
                f"DEBUG off, median of {options.runs} requests after {options.warmups} warm-ups"
            )
            print(harness.cpu_probe())
            print_post_table(pages)
            by_size = {row[0]: row for row in pages}
            for small, large in ((10, 1000), (100, 10000)):
                print(
                    f"{large:,} / {small:,} comments: queries x{by_size[large][1] / by_size[small][1]:.2f}, "
                    f"time x{by_size[large][2] / by_size[small][2]:.1f}, "
                    f"logged in x{by_size[large][4] / by_size[small][4]:.1f}"
                )
            print_table("Home page (published posts; 10 per page)", "posts", home)
        finally:
            drop()


if __name__ == "__main__":
    main()
