"""Comments per second accepted by gunicorn on PostgreSQL, from 20 readers posting at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/blog .venv/bin/python bench/writing.py \\
        [--posters 20] [--comments 25] [--workers 4]

Starts gunicorn on a free port against a throwaway PostgreSQL database
(`<name>_bench_writing`, dropped at the end), then runs `--posters` threads
that each post `--comments` comments to the same post through the real
form: CSRF cookie and token from the page, a signed form token, the whole
moderation policy. Prints the accepted comments per second, the p50 and
p99 latency of a POST, and checks that every accepted comment is stored
exactly once and nothing else is.

Two settings are relaxed for the run, through the environment of the
server, since every poster shares one IP address and posts faster than a
person: COMMENTS_MIN_SUBMIT_SECONDS=0 (the "sent too fast" rule) and
COMMENTS_RATE_LIMIT (comments per address and window). The form token is
signed by this process with the server's SECRET_KEY, for the reader's
CSRF cookie and the post, as the page would sign it, so that each comment
does not need a page view first.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import harness


class Poster:
    """One reader: their cookies, their CSRF token, their comments."""

    def __init__(self, port, path, action, post_id, number):
        # The post's page, and where its form sends a comment (comments:post_comment).
        self.port, self.path, self.action, self.post_id, self.number = port, path, action, post_id, number
        self.cookies = {}
        self.latencies, self.accepted, self.refused = [], [], []

    def _remember(self, headers):
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def _cookie_header(self):
        return "; ".join(f"{key}={value}" for key, value in self.cookies.items())

    def open_page(self):
        status, headers, body = harness.request(self.port, self.path)
        assert status == 200, f"GET {self.path}: HTTP {status}"
        self._remember(headers)
        self.csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def post(self, n):
        from comments.forms import new_form_token

        data = {
            "csrfmiddlewaretoken": self.csrf,
            "name": f"Lectrice {self.number}",
            "email": f"lectrice{self.number}@example.com",
            "website": "",
            "body": f"Commentaire {n} de la lectrice {self.number} ({uuid.uuid4().hex[:8]}).",
            "parent": "",
            # Signed for this reader's CSRF secret (their cookie) and the post, as their page would draw it.
            "token": new_form_token(reader=self.cookies["csrftoken"], post_id=self.post_id),
            "homepage": "",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self._cookie_header()}
        started = time.perf_counter()
        status, response_headers, _ = harness.request(
            self.port, self.action, method="POST", body=urlencode(data), headers=headers
        )
        self.latencies.append((time.perf_counter() - started) * 1000)
        self._remember(response_headers)
        location = {k.lower(): v for k, v in response_headers}.get("location", "")
        if status == 302 and (found := re.search(r"#comment-(\d+)$", location)):
            self.accepted.append((int(found.group(1)), data["body"]))
        else:
            self.refused.append(status)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=20, help="readers posting at once (default 20)")
    parser.add_argument("--comments", type=int, default=25, help="comments per reader (default 25)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (its database is not written to): see bench/README.md.")

    with tempfile.TemporaryDirectory(prefix="blog-bench-") as tmp:
        drop = harness.configure(
            Path(tmp),
            benchmark="writing",
            COMMENTS_MIN_SUBMIT_SECONDS="0",
            COMMENTS_RATE_LIMIT=str(options.posters * options.comments * 2),
        )
        try:
            import post_page
            from django.db.models import Count
            from django.urls import reverse
            from django.utils import timezone

            from comments.models import Comment

            post = post_page.make_post(post_page.make_author(), "fil-ecriture", timezone.now() - timedelta(days=1))
            with harness.Server(workers=options.workers) as server:
                action = reverse("comments:post_comment", kwargs={"slug": post.slug})
                posters = [
                    Poster(server.port, post.get_absolute_url(), action, post.pk, n) for n in range(options.posters)
                ]
                for poster in posters:
                    poster.open_page()
                threads = [
                    threading.Thread(target=lambda p=poster: [p.post(n) for n in range(options.comments)])
                    for poster in posters
                ]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - started

            accepted = {pk: body for poster in posters for pk, body in poster.accepted}
            refused = [status for poster in posters for status in poster.refused]
            latencies = [ms for poster in posters for ms in poster.latencies]
            stored = dict(Comment.objects.filter(post=post).values_list("pk", "body"))
            twice = Comment.objects.values("body").annotate(n=Count("pk")).filter(n__gt=1).count()
            vendor = harness.vendor()
        finally:
            drop()

    sent = options.posters * options.comments
    accepted_count = sum(len(poster.accepted) for poster in posters)
    print(harness.cpu_probe())
    print(
        f"gunicorn, {options.workers} sync workers, {vendor}, Python {sys.version.split()[0]}; "
        f"{options.posters} posters x {options.comments} comments, each POST on a new connection"
    )
    print(f"\nsent {sent}, accepted {accepted_count}, refused {len(refused)} {sorted(set(refused)) or ''}")
    print(f"accepted comments per second: {accepted_count / elapsed:.1f}  ({elapsed:.1f} s)")
    print(
        f"POST latency: p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
        f"mean {statistics.mean(latencies):.0f} ms"
    )
    stored_once = stored == accepted and len(accepted) == accepted_count and not twice
    print(f"every accepted comment stored once, and nothing else: {'yes' if stored_once else 'NO'}")
    if not stored_once:
        sys.exit(1)


if __name__ == "__main__":
    main()
