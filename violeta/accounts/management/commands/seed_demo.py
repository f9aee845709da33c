from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users_ensure
from violeta.accounts.roles import SECOND_FACTOR_ROLES


class Command(BaseCommand):
    help = "Create one demo account per role (development only) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Create the demo accounts even with DEBUG off (never in production).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Demo accounts have a published password; they are only created with DEBUG on."
            )
        try:
            users = demo_users_ensure()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            second = "  + code" if demo.role in SECOND_FACTOR_ROLES else ""
            self.stdout.write(f"  {demo.role.label:<45} {demo.email}{second}")
        self.stdout.write(
            "Accounts marked '+ code' also ask for a 6-digit code after the password. In another "
            "terminal, run\n"
            "  make codes\n"
            "to print the current code of each, or add the published demo secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app."
        )
