from django.core.management.base import BaseCommand

from mail.models import Suppression
from mail.suppressions import address_suppress


class Command(BaseCommand):
    help = (
        "Never write to these addresses again. For bounces and complaints reported by the mail "
        "provider (the blog has no bounce webhook); unsubscribe links add addresses by themselves."
    )

    def add_arguments(self, parser):
        parser.add_argument("addresses", nargs="+")
        parser.add_argument("--reason", choices=Suppression.Reason.values, default=Suppression.Reason.BOUNCED)
        parser.add_argument("--note", default="")

    def handle(self, *args, addresses, reason, note, **options):
        for address in addresses:
            suppression = address_suppress(email=address, reason=reason, note=note)
            self.stdout.write(f"{suppression.email}: suppressed ({suppression.reason}).")
