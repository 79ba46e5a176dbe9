"""manage.py import_wxr FILE: move a WordPress blog in, with its comment threads (docs/migrating.md)."""

from django.core.management.base import CommandError

from blog.wordpress.importer import import_wxr, parse_author_map

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a WordPress export (WXR): authors, posts, comments with their threads and statuses, "
        "and redirects from the old permalinks. Safe to run again: what was imported is found, not duplicated."
    )
    file_help = "The WXR file WordPress exported (Tools → Export)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
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

    def run_import(self, path, *, dry_run, progress, options):
        try:
            author_map = parse_author_map(options["author_map"])
        except (OSError, ValueError) as error:
            raise CommandError(f"--author-map: {error}") from None
        return import_wxr(
            path, author_map=author_map, media_dir=options["media_dir"], dry_run=dry_run, progress=progress
        )
