"""Reads of loaded protocol versions. Definitions are public procedure, not case data, so
these take a date rather than a viewer: which version governs a case started on that day."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from violeta.protocols.models import ProtocolVersion


def protocols_current(*, on: datetime.date | None = None) -> list[ProtocolVersion]:
    """Per protocol code, the newest version in effect on the day (today by default).

    Newest means the latest effective_date; between versions in effect from the same day, the
    one loaded last.
    """
    day = on or timezone.localdate()
    newest = (
        ProtocolVersion.objects.filter(code=OuterRef("code"), effective_date__lte=day)
        .order_by("-effective_date", "-loaded_at", "-pk")
        .values("pk")[:1]
    )
    return list(
        ProtocolVersion.objects.filter(effective_date__lte=day, pk=Subquery(newest)).order_by(
            "code"
        )
    )


def protocol_version_get(*, code: str, version: str) -> ProtocolVersion:
    """The loaded version; raises ProtocolVersion.DoesNotExist if it was never loaded."""
    return ProtocolVersion.objects.get(code=code, version=version)
