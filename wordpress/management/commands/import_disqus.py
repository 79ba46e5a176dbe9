"""manage.py import_disqus FILE: bring a blog's Disqus comments home, with their threads (docs/migrating.md)."""

from wordpress.disqus import import_disqus

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a Disqus export: each discussion is matched to a post by its identifier or its address, "
        "and its comments are imported with their threads and statuses. Safe to run again."
    )
    file_help = "The XML file Disqus exported."

    def run_import(self, path, *, dry_run, progress, author_map, actor, options):
        return import_disqus(path, author_map=author_map, actor=actor, dry_run=dry_run, progress=progress)
