from django.core.management.base import BaseCommand

from comments import tasks


class Command(BaseCommand):
    help = (
        "Do the periodic work once: announce comments that went public since the last run (e-mails to "
        "their writers, reply subscribers and brands), send the moderators' digest, purge old spam. "
        "Run it from cron every few minutes, or use --schedule once: the worker then runs it every "
        "NOTIFICATIONS_PERIOD_MINUTES by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Do nothing now; queue the periodic task for the worker unless it is already queued.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.periodic_schedule()
            self.stdout.write("Periodic task queued." if queued else "Periodic task already queued.")
            return
        summary = tasks.periodic_run()
        self.stdout.write(
            "{announced} comment(s) announced, {digests} digest(s) sent, {purged} item(s) purged.".format(**summary)
        )
