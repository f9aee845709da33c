from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.reports.demo import demo_report_ensure


class Command(BaseCommand):
    help = "Create a demo report from the public channel (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo report is only created with DEBUG on.")
        with audit_context(origin=AuditOrigin.COMMAND):
            created = demo_report_ensure()
        self.stdout.write(f"Demo report: {created} created.")
