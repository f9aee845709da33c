from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.models import User
from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.training.demo_campaigns import demo_campaigns_ensure


class Command(BaseCommand):
    help = (
        "Create the demo campaigns: 16 días de activismo 2021 and 2026 (development only; "
        "needs seed_demo and load_catalogs)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo campaigns are only created with DEBUG on.")
        try:
            with audit_context(origin=AuditOrigin.COMMAND):
                created = demo_campaigns_ensure()
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first: a demo account is missing.") from exc
        self.stdout.write(f"Demo campaigns: {created} created.")
