from django.conf import settings
from django.core.management.base import BaseCommand

from comments import retention


class Command(BaseCommand):
    help = (
        "Delete spam and rejected comments whose last decision is older than COMMENTS_RETENTION_DAYS, "
        "and erase IP addresses and user agents older than COMMENTS_IP_RETENTION_DAYS, printing each one. "
        "Nothing else is purged. --dry-run prints without deleting."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be deleted, delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        verb = "Would delete" if dry_run else "Deleted"
        total = 0
        for purge in retention.PURGES:
            for line in purge(dry_run=dry_run):
                self.stdout.write(f"{verb} {line}")
                total += 1
        self.stdout.write(
            f"{verb} {total} item(s); retention {settings.COMMENTS_RETENTION_DAYS} days for spam and rejected "
            f"comments, {settings.COMMENTS_IP_RETENTION_DAYS} days for IP addresses."
        )
