from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.sanctions.services import measures_remind


class Command(BaseCommand):
    help = (
        "Warn before medidas de protección end and conclude those past their end. "
        "Idempotent: run it daily from the scheduler."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(origin=AuditOrigin.COMMAND):
            warned, concluded = measures_remind()
        self.stdout.write(f"Measures: {warned} about to end warned, {concluded} concluded.")
