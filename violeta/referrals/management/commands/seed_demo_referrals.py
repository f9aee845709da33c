from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.models import User
from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.referrals.demo import demo_referrals_ensure


class Command(BaseCommand):
    help = "Create a demo referral (development only; needs seed_demo and seed_demo_cases)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo referrals are only created with DEBUG on.")
        try:
            with audit_context(origin=AuditOrigin.COMMAND):
                created = demo_referrals_ensure()
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first: a demo account is missing.") from exc
        self.stdout.write(f"Demo referrals: {created} created.")
