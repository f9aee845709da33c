from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from violeta.notifications.models import Notification, NotificationKind


def notifications_send(
    *, recipients: Iterable[Any], kind: NotificationKind, folio: str = "", actor_name: str = ""
) -> list[Notification]:
    with transaction.atomic():
        return Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, folio=folio, actor_name=actor_name)
            for user in recipients
        )


def notifications_mark_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
