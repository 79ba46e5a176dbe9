"""manage.py import_wxr FILE: move a WordPress blog in, with its comment threads (docs/migrating.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from blog.wordpress.importer import import_wxr, parse_author_map
from blog.wordpress.reader import WxrError

from ._import_progress import ProgressLine


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): authors, posts, comments with their threads and statuses, "
        "and redirects from the old permalinks. Safe to run again: what was imported is found, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The WXR file WordPress exported (Tools → Export).")
        parser.add_argument("--dry-run", action="store_true", help="Read and report everything, save nothing.")
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="LOGIN=EMAIL|FILE",
            help="Give a WordPress login's posts to the account with this e-mail (repeat it), "
            "or name a file with one login=email per line.",
        )
        parser.add_argument(
            "--media-dir",
            help="A copy of wp-content/uploads: the images the posts use are copied into the media storage.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress line on stderr.")

    def handle(self, *args, **options):
        try:
            author_map = parse_author_map(options["author_map"])
        except (OSError, ValueError) as error:
            raise CommandError(f"--author-map: {error}") from None
        progress = ProgressLine(
            self.stderr, enabled=not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        )
        try:
            report = import_wxr(
                options["file"],
                author_map=author_map,
                media_dir=options["media_dir"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        except WxrError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        finally:
            progress.close()
        self.stdout.write(report.as_text())
        return None
