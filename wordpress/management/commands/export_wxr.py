"""manage.py export_wxr [FILE]: the blog's posts and comments as a WordPress export (docs/migrating.md)."""

from django.core.management.base import BaseCommand

from mail.links import site_url
from wordpress.exporter import export_wxr


class _Unterminated:
    """The command's stdout, written to as a plain stream (no line ending added to each write)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Write every post and comment as a WordPress export (WXR 1.2) that WordPress' importer reads, "
        "to FILE or to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write the export (default: standard output).")
        parser.add_argument(
            "--site-url", help="The blog's address in the links of the export (default: SITE_URL, else the host)."
        )

    def handle(self, *args, **options):
        site = options["site_url"] or site_url()
        if options["file"]:
            with open(options["file"], "w", encoding="utf-8") as out:
                counts = export_wxr(out, site_url=site)
            self.stderr.write(
                f"{counts['posts']} posts and {counts['comments']} comments written to {options['file']}."
            )
        else:
            export_wxr(_Unterminated(self.stdout), site_url=site)
