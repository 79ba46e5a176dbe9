"""How much memory and time importing a large WordPress export takes.

    .venv/bin/python bench/import_wxr.py                   # 2,000 and 20,000 comments (15 min here)
    .venv/bin/python bench/import_wxr.py --comments 50000  # one size of your choice

For each size, a fresh process generates a WXR file of invented posts and
threaded comments (tests/wordpress/wxr_factory.py), imports it into a database
of its own (bench/harness.py: a temporary SQLite file, or a throwaway
<name>_bench_import_wxr database when DATABASE_URL is set) and prints the file's size, the time, the
peak of Python allocations during the import (tracemalloc) and the peak
resident memory of the process. Each size runs in two processes, one
without tracemalloc (time, resident memory) and one with it (Python
peak), since tracing slows the import down.
The project's own db.sqlite3 is never opened. See bench/README.md.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

# (posts, comments): the same comments spread over 100 posts, and all in one post.
SIZES = ((100, 2_000), (100, 20_000), (1, 20_000))


def child(posts, comments, traced):
    """Import one generated file into a fresh database in this process; print one JSON line.

    Traced: the peak of Python allocations during the import (tracemalloc,
    which slows it down). Not traced: the time, and the process's peak
    resident memory right after the import.
    """
    import tracemalloc

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        drop = harness.configure(workdir, benchmark="import_wxr")
        from tests.wordpress.wxr_factory import write_wxr
        from wordpress.importer import import_wxr

        path = workdir / "export.xml"
        try:
            with path.open("w", encoding="utf-8") as stream:
                write_wxr(stream, posts=posts, comments=comments)
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            report = import_wxr(path)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] if traced else None
            # ru_maxrss is in kilobytes on Linux.
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        finally:
            tracemalloc.stop()
            drop()
        from django.db import connection

        print(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "imported": report.count("comment"),
                    "bytes": path.stat().st_size,
                    "seconds": seconds,
                    "peak": peak,
                    "rss": rss,
                }
            )
        )


def measure(posts, comments, traced):
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(posts), str(comments), str(int(traced))],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, help="Measure this many comments (over 100 posts) only.")
    parser.add_argument("--child", nargs=3, type=int, metavar=("POSTS", "COMMENTS", "TRACED"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        posts, comments, traced = options.child
        child(posts, comments, bool(traced))
        return
    sizes = ((100, options.comments),) if options.comments else SIZES
    import django

    rows = []
    for posts, comments in sizes:
        timed = measure(posts, comments, traced=False)
        timed["peak"] = measure(posts, comments, traced=True)["peak"]
        rows.append({"posts": posts, "comments": comments, **timed})
    print(
        f"Django {django.get_version()}, {rows[0]['vendor']}, Python {sys.version.split()[0]}, "
        "two fresh processes per size (timed, traced)\n"
    )
    print("  posts  comments   imported   file MB   seconds  comments/s  Python peak MB  process peak MB")
    for row in rows:
        print(
            f"{row['posts']:>7,} {row['comments']:>9,} {row['imported']:>10,} {row['bytes'] / 1e6:>9.1f}"
            f" {row['seconds']:>9.1f} {row['comments'] / row['seconds']:>11,.0f}"
            f" {row['peak'] / 1e6:>15.1f} {row['rss'] / 1e6:>16.1f}"
        )


if __name__ == "__main__":
    main()
