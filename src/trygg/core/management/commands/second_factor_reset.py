"""Reset a person's second factor when the phone and the recovery codes are both lost."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trygg.core import two_factor


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes, so they log in with the "
        "password alone and (where required) set up a new phone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = two_factor.second_factor_reset(user=user)
        if not removed:
            self.stdout.write(f"{username} had no second factor; nothing changed.")
            return
        self.stdout.write(
            f"Removed {removed} device(s) of {username}: the authenticator app and the "
            "recovery codes no longer work."
        )
        if two_factor.is_required(user):
            self.stdout.write(
                f"{username} must set up a new phone at the next login (TRYGG_SECOND_FACTOR)."
            )
