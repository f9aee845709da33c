from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.models import User
from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.sanctions.demo import demo_procedure_ensure


class Command(BaseCommand):
    help = "Create a demo comité and procedure (development only; needs the demo cases)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo procedure is only created with DEBUG on.")
        try:
            with audit_context(origin=AuditOrigin.COMMAND):
                created = demo_procedure_ensure()
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first: a demo account is missing.") from exc
        self.stdout.write(f"Demo procedure: {created} created.")
