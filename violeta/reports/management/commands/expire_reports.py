from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.reports.services import reports_expire


class Command(BaseCommand):
    help = (
        "Warn coordinación before reports that never became a case are destroyed, and destroy "
        "(crypto-shred) those that are due. Idempotent: run it daily from the scheduler."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(origin=AuditOrigin.COMMAND):
            result = reports_expire()
        self.stdout.write(f"Reports: {result.warned} warned, {result.shredded} destroyed.")
