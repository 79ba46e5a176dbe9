"""manage.py import_disqus FILE: bring a blog's Disqus comments home, with their threads (docs/migrating.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress.disqus import import_disqus
from blog.wordpress.reader import WxrError

from ._import_progress import ProgressLine


class Command(BaseCommand):
    help = (
        "Import a Disqus export: each discussion is matched to a post by its identifier or its address, "
        "and its comments are imported with their threads and statuses. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XML file Disqus exported.")
        parser.add_argument("--dry-run", action="store_true", help="Read and report everything, save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress line on stderr.")

    def handle(self, *args, **options):
        progress = ProgressLine(
            self.stderr, enabled=not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        )
        try:
            report = import_disqus(options["file"], dry_run=options["dry_run"], progress=progress)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        except WxrError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        finally:
            progress.close()
        self.stdout.write(report.as_text())
