from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.accounts.models import User
from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.training.demo import demo_training_ensure


class Command(BaseCommand):
    help = (
        "Create the demo training session of 4 December 2021 with its attendees and "
        "constancias (development only; needs seed_demo and load_catalogs)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo training session is only created with DEBUG on.")
        try:
            with audit_context(origin=AuditOrigin.COMMAND):
                session = demo_training_ensure()
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first: a demo account is missing.") from exc
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo training session {session.held_on}: {session.attendances.count()} attendees, "
            f"{session.attendances.filter(certificate__isnull=False).count()} constancias."
        )
