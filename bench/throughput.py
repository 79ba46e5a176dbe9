"""Requests per second under gunicorn: a trivial view, then a post page with 1,000 comments.

    .venv/bin/python bench/throughput.py [--workers 2] [--rounds 10] [--duration 3] [--connections 16]

Starts two gunicorn servers with the same worker count on free ports, and
loads them from loopback with wrk (Debian's `wrk`), or with a small Python
client when wrk is not installed, in interleaved rounds (a, b, c, a, b,
c…) so that a change in the machine's load falls on every figure alike:

  (a) /bench/trivial/, a Django view returning a short string;
  (b) the post page with 1,000 comments, as an anonymous reader gets it
      from the page cache;
  (c) the same page with the cache turned off (BLOG_PAGE_CACHE_SECONDS=0),
      drawn on every request, on the second server.

Prints each figure (mean req/s over the rounds, median of the rounds'
median latencies) and the ratios b / a and c / a. See bench/README.md.
"""

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import harness

COMMENTS = 1000


def wrk(url, *, duration, connections, threads):
    """Requests per second and median latency (ms) measured by wrk."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[median.group(2)]
    return rate, float(median.group(1)) * scale


def python_client(port, path, *, duration, connections, threads=None):
    """The same measure without wrk: `connections` threads each sending requests one after another."""
    latencies, failures = [], []
    stop = time.monotonic() + duration

    def worker():
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = harness.request(port, path)[0]
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures.append(status)

    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests on {path}")
    latencies.sort()
    return len(latencies) / duration, latencies[len(latencies) // 2]


def load(server, path, options):
    if shutil.which("wrk"):
        return wrk(server.url(path), duration=options.duration, connections=options.connections, threads=2)
    return python_client(server.port, path, duration=options.duration, connections=options.connections)


def check_page(server, path):
    status, _, body = harness.request(server.port, path)
    assert status == 200, f"{path}: HTTP {status}"
    assert f"{COMMENTS} comments" in body.decode(), "the page does not show its 1,000 comments"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for every server (default 2)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per round and figure (default 3)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds, each measuring every figure (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="blog-bench-") as tmp:
        drop = harness.configure(Path(tmp), benchmark="throughput", LANGUAGE_CODE="en")
        try:
            import post_page
            from django.utils import timezone

            author = post_page.make_author()
            post = post_page.make_post(author, "fil-1000", timezone.now() - timedelta(days=90))
            post_page.add_comments(post, COMMENTS, random.Random(2024))
            path = post.get_absolute_url()

            cached = harness.Server(workers=options.workers)
            uncached = harness.Server(workers=options.workers, BLOG_PAGE_CACHE_SECONDS="0")
            with cached, uncached:
                check_page(cached, path)
                check_page(uncached, path)
                for _ in range(options.workers * 10):  # Each worker draws the page once into its cache.
                    harness.request(cached.port, path)
                targets = [
                    ("(a) trivial view", cached, "/bench/trivial/"),
                    ("(b) post page, 1,000 comments, cached", cached, path),
                    ("(c) post page, 1,000 comments, not cached", uncached, path),
                ]
                # Interleaved rounds: a change in the machine's load falls on every figure alike.
                results = {label: [] for label, _, _ in targets}
                for _ in range(options.rounds):
                    for label, server, target in targets:
                        results[label].append(load(server, target, options))
            rows = [
                (label, statistics.mean(r for r, _ in runs), statistics.median(m for _, m in runs))
                for label, runs in results.items()
            ]
        finally:
            drop()

    tool = "wrk" if shutil.which("wrk") else "a Python client"
    print(harness.cpu_probe())
    print(
        f"gunicorn, {options.workers} sync workers, {harness.vendor()}, Python {sys.version.split()[0]}; "
        f"{tool}, {options.connections} connections, "
        f"{options.rounds} interleaved rounds of {options.duration} s per figure"
    )
    print(f"\n{'':44}{'req/s':>9}  {'median ms':>9}")
    for label, rate, median in rows:
        print(f"{label:44}{rate:>9.0f}  {median:>9.1f}")
    trivial = rows[0][1]
    print(f"\ncached / trivial (b / a):     {rows[1][1] / trivial:.2f}")
    print(f"not cached / trivial (c / a): {rows[2][1] / trivial:.2f}")


if __name__ == "__main__":
    main()
