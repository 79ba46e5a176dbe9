"""What the import commands share: the progress line (one line on stderr, rewritten in place) and their body."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress.reader import WxrError


class ProgressLine:
    """Write 'posts 12/130 · comments 4,500/20,000' at most every `interval` seconds, then a final newline."""

    def __init__(self, stream, *, interval=0.2, enabled=True):
        self.stream = stream
        self.interval = interval
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def __call__(self, *, posts, posts_total, comments, comments_total):
        now = time.monotonic()
        if not self.enabled or now - self.last < self.interval:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\ritems {posts:,}/{posts_total:,} · comments {comments:,}/{comments_total:,}", ending="")
        self.stream.flush()

    def close(self):
        if self.shown:
            self.stream.write("")


class ImportCommand(BaseCommand):
    """What import_wxr and import_disqus share: the file, --dry-run, the progress line, the errors, the report.

    A subclass names its file in `file_help` and runs its import in
    `run_import(path, *, dry_run, progress, options)`, returning the report.
    """

    file_help = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--dry-run", action="store_true", help="Read and report everything, save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress line on stderr.")

    def run_import(self, path, *, dry_run, progress, options):
        raise NotImplementedError

    def handle(self, *args, **options):
        progress = ProgressLine(
            self.stderr, enabled=not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        )
        try:
            report = self.run_import(options["file"], dry_run=options["dry_run"], progress=progress, options=options)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        except WxrError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        finally:
            progress.close()
        self.stdout.write(report.as_text())
