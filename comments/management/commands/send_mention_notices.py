from django.core.management.base import BaseCommand

from comments.mentions import mention_notices_send


class Command(BaseCommand):
    help = (
        "E-mail verified representatives about public comments that mention their organisation. "
        "Run it every few minutes (cron or a worker): a pending comment becomes public when its time "
        "comes, with nothing else to announce it. Running it again sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = mention_notices_send()
        self.stdout.write(f"{sent} mention notice(s) sent.")
