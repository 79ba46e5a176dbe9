"""manage.py import_wxr FILE: move a WordPress blog in, with its comment threads (docs/migrating.md)."""

from wordpress.importer import import_wxr

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
            "--media-dir",
            help="A copy of wp-content/uploads: the images the posts use are copied into the media storage.",
        )

    def run_import(self, path, *, dry_run, progress, author_map, actor, options):
        return import_wxr(
            path,
            author_map=author_map,
            actor=actor,
            media_dir=options["media_dir"],
            dry_run=dry_run,
            progress=progress,
        )
