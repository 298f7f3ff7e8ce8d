import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trygg.measures.digest import digests, send_digests


class Command(BaseCommand):
    help = (
        "Mail each responsible person their overdue measures and those due within a week; "
        "run it once a week, e.g. on Monday morning from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to reckon from (YYYY-MM-DD); today if left out")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the mails instead of sending them"
        )

    def handle(self, *args, date: str | None, dry_run: bool, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date: {date!r}; give it as YYYY-MM-DD.") from None
        if dry_run:
            for message in digests(today):
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n")
                self.stdout.write(message.body)
            return
        sent = send_digests(today)
        self.stdout.write(f"Sent {sent} digest(s).")
