"""Memory of a gunicorn worker serving the 10,000-comment post 1,000 times.

    .venv/bin/python bench/memory.py [--requests 1000] [--cached]

Starts gunicorn with one worker on a free port (page cache off, so that
every request draws the page: the worst case; --cached keeps the cache
on), requests the post page of a post with 10,000 comments `--requests`
times one after another, and prints the worker's resident memory (RSS,
from /proc) after the 1st, 100th, 500th and last request, its peak RSS,
and the growth between the 500th and the last request, which must be
about zero: memory taken by a request is given back. Linux only.
"""

import argparse
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import harness

COMMENTS = 10_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests of the post page (default 1000)")
    parser.add_argument("--cached", action="store_true", help="keep the page cache on")
    options = parser.parse_args()
    marks = sorted({1, 100, options.requests // 2, options.requests})

    with tempfile.TemporaryDirectory(prefix="blog-bench-") as tmp:
        drop = harness.configure(Path(tmp), benchmark="memory")
        try:
            import post_page
            from django.utils import timezone

            post = post_page.make_post(post_page.make_author(), "fil-10000", timezone.now() - timedelta(days=90))
            post_page.add_comments(post, COMMENTS, random.Random(2024))
            path = post.get_absolute_url()
            readings = []
            cache_seconds = "600" if options.cached else "0"
            with harness.Server(workers=1, BLOG_PAGE_CACHE_SECONDS=cache_seconds) as server:
                [worker] = server.worker_pids()
                before = harness.memory_of(worker)[0]
                for n in range(1, options.requests + 1):
                    status = harness.request(server.port, path)[0]
                    assert status == 200, f"request {n}: HTTP {status}"
                    if n in marks:
                        readings.append((n, *harness.memory_of(worker)))
            vendor = harness.vendor()
        finally:
            drop()

    print(harness.cpu_probe())
    print(
        f"gunicorn, 1 sync worker, {vendor}, Python {sys.version.split()[0]}; post with {COMMENTS:,} comments, "
        f"page cache {'on' if options.cached else 'off'}"
    )
    print(f"\nworker RSS before the first request: {before:.1f} MiB")
    print(f"{'after request':>14}  {'RSS MiB':>8}  {'peak MiB':>8}")
    for n, rss, peak in readings:
        print(f"{n:>14,}  {rss:>8.1f}  {peak:>8.1f}")
    middle = next(rss for n, rss, _ in readings if n == options.requests // 2)
    last = readings[-1][1]
    print(f"\ngrowth from request {options.requests // 2:,} to {options.requests:,}: {last - middle:+.1f} MiB")


if __name__ == "__main__":
    main()
