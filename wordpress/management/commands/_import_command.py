"""What the import commands share: the progress line (one line on stderr, rewritten in place) and their body."""

import sys
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from wordpress.importer import parse_author_map
from wordpress.reader import WxrError

TRUST = (
    "An import publishes comments as they stood at the source: in the admin it needs the permissions "
    '"Can add post" and "Can moderate comments". This command runs at the server\'s shell, which is trusted '
    "(whoever can run it can already change any row); --as EMAIL names the account the import is done for: "
    "it must hold both permissions, and is recorded in each imported comment's history. Comments get an account "
    "(and a badge) only from --author-map; imitated names and blocked words are held for review."
)


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
    """What import_wxr and import_disqus share: the file, the author map, --as, --dry-run, progress, the report.

    A subclass names its file in `file_help` and runs its import in
    `run_import(path, *, dry_run, progress, author_map, actor, options)`,
    returning the report.

    Who may import: the command runs as the server's operator, and the
    shell is trusted (it reads the database settings; it could change any
    row, or grant itself any permission), so checking an account there
    would only be a formality. --as EMAIL is for the record and for a team
    that runs imports on behalf of a moderator: that account must hold the
    import's permissions (checked by the importer, as in the admin) and is
    named on each imported comment's moderation event.
    """

    file_help = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = f"{self.help} {TRUST}"
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="SOURCE=EMAIL|FILE",
            help="Give the posts and comments of a login or e-mail of the export to the account here with this "
            "e-mail (repeat it), or name a file: source,account lines (CSV) or a JSON object. "
            "Without it, no comment is linked to an account.",
        )
        parser.add_argument(
            "--as",
            dest="acting_as",
            metavar="EMAIL",
            help="The account the import is done for: it must hold the import's permissions, and is named in "
            "each imported comment's history.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report everything, save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress line on stderr.")

    def run_import(self, path, *, dry_run, progress, author_map, actor, options):
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            author_map = parse_author_map(options["author_map"])
        except (OSError, ValueError) as error:
            raise CommandError(f"--author-map: {error}") from None
        actor = None
        if options["acting_as"]:
            actor = User.objects.filter(email__iexact=options["acting_as"]).first()
            if actor is None:
                raise CommandError(f"--as: No account has the e-mail {options['acting_as']}.")
        progress = ProgressLine(
            self.stderr, enabled=not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        )
        try:
            report = self.run_import(
                options["file"],
                dry_run=options["dry_run"],
                progress=progress,
                author_map=author_map,
                actor=actor,
                options=options,
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        except PermissionDenied as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except WxrError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        finally:
            progress.close()
        self.stdout.write(report.as_text())
