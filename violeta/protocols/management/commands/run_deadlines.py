from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.protocols.services import deadlines_run


class Command(BaseCommand):
    help = (
        "Flag overdue protocol deadlines and tasks and notify who must act (in the app and by "
        "e-mail, without case details). Safe to run as often as wanted: nothing is sent twice. "
        "Run it from cron or a systemd timer, e.g. every 15 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(origin=AuditOrigin.COMMAND):
            report = deadlines_run()
        self.stdout.write(
            f"Overdue: {report.deadlines_flagged} deadline(s), {report.tasks_flagged} task(s); "
            f"{report.notices} notice(s), {report.emails} e-mail(s)."
        )
