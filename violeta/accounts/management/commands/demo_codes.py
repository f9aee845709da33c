from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.demo import demo_codes_current


class Command(BaseCommand):
    help = "Print the current 6-digit second-factor code of each demo account (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo codes come from a published secret; they are only shown with DEBUG on "
                "(DEBUG=1 .venv/bin/python manage.py demo_codes)."
            )
        codes = demo_codes_current()
        if not codes:
            raise CommandError("There are no demo accounts; run `manage.py seed_demo` first.")
        self.stdout.write("Second-factor codes of the demo accounts (each changes every 30 s):")
        for demo, code in codes:
            self.stdout.write(f"  {demo.email:<32} {code}")
