"""Restore an archive written by export_content into an empty, migrated database.

    manage.py migrate && manage.py import_content backup.zip

Refuses a database that already holds content (posts, comments, accounts
…): a restore never mixes two sites. Everything is loaded in one
transaction (Django's loaddata, which also resets the id sequences), then
the row counts are compared with the archive's manifest. Media files, when
the archive has them, are written under MEDIA_ROOT.
"""

import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction

from core.backup import FORMAT, content_models


class Command(BaseCommand):
    help = "Restore posts, comments, moderation history, accounts and organisations from an export_content archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the .zip archive written by export_content.")

    def handle(self, *args, archive, **options):
        models = content_models()
        occupied = [model._meta.label for model in models if model._default_manager.exists()]
        if occupied:
            raise CommandError(
                "The database already holds content (" + ", ".join(occupied) + "): restore into an empty, "
                "migrated database."
            )
        with zipfile.ZipFile(archive) as zipped:
            media = self._media_members(zipped)
            manifest = json.loads(zipped.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise CommandError(f"Unknown archive format {manifest.get('format')!r} (expected {FORMAT}).")
            with tempfile.TemporaryDirectory() as folder:
                dump = Path(folder) / "content.json"
                dump.write_bytes(zipped.read("content.json"))
                with transaction.atomic():
                    call_command("loaddata", str(dump), verbosity=0)
                    counts = {model._meta.label: model._default_manager.count() for model in models}
                    differ = {
                        label: {"archive": expected, "restored": counts.get(label)}
                        for label, expected in manifest["counts"].items()
                        if counts.get(label) != expected
                    }
                    if differ:
                        raise CommandError(f"The restored rows differ from the archive's: {differ}")
            for member, target in media:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zipped.read(member))
        self.stdout.write(f"Restored {sum(counts.values())} rows and {len(media)} media files from {archive}.")

    def _media_members(self, zipped):
        """The archive's media files and where each goes; refused whole if one would land outside MEDIA_ROOT."""
        root = Path(settings.MEDIA_ROOT).resolve()
        members = []
        for member in zipped.infolist():
            if not member.filename.startswith("media/") or member.is_dir():
                continue
            target = (root / member.filename.removeprefix("media/")).resolve()
            if not target.is_relative_to(root):
                raise CommandError(f"Refusing {member.filename!r}: it would be written outside MEDIA_ROOT.")
            members.append((member, target))
        return members
