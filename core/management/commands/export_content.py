"""Export all of the blog's content into one archive that import_content restores.

    manage.py export_content backup.zip [--media]

The archive holds `content.json` (Django's serialization, with natural keys
for permissions so it loads into any migrated database), `manifest.json`
(format, date, row counts per model) and, with --media, the uploaded files
under `media/`. Content is every model of the apps in settings.BLOG_CONTENT_APPS (accounts,
organisations, memberships and their events, posts, comments with their
statuses, threads, moderation events, reports and revisions, old
permalinks, the e-mail ledger and suppressed addresses) and the permission
groups. Sessions, the admin log and the cache are not content.
docs/operations.md compares this with pg_dump.
"""

import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand
from django.utils import timezone

from core.backup import FORMAT, content_models, content_serialize


class Command(BaseCommand):
    help = "Export posts, comments, moderation history, accounts and organisations into a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the .zip archive to write.")
        parser.add_argument("--media", action="store_true", help="Include the uploaded files (MEDIA_ROOT).")

    def handle(self, *args, archive, media, **options):
        counts = {model._meta.label: model._default_manager.count() for model in content_models()}
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "content.json"
            with dump.open("w", encoding="utf-8") as stream:
                content_serialize(stream)
            media_files = self._media_files() if media else []
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "counts": counts,
                "media_files": len(media_files),
            }
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                zipped.writestr("manifest.json", json.dumps(manifest, indent=2))
                zipped.write(dump, "content.json")
                root = Path(settings.MEDIA_ROOT)
                for path in media_files:
                    zipped.write(path, "media/" + path.relative_to(root).as_posix())
        rows = sum(counts.values())
        self.stdout.write(f"Exported {rows} rows and {len(media_files)} media files to {archive}.")

    def _media_files(self):
        root = Path(settings.MEDIA_ROOT)
        return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
