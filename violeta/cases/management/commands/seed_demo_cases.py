from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.cases.demo import demo_cases_ensure


class Command(BaseCommand):
    help = "Create demo cases (development only; needs the demo accounts from seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo cases are only created with DEBUG on.")
        try:
            with audit_context(origin=AuditOrigin.COMMAND):
                created = demo_cases_ensure()
        except KeyError as exc:
            raise CommandError("Run seed_demo first: a demo account is missing.") from exc
        self.stdout.write(f"Demo cases: {created} created.")
