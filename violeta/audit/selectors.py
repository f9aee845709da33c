"""Reads of the audit log, for pages such as "quién ha consultado este expediente".

These start from the record, not from the viewer: the page first fetches the record through
its own app's selector for the viewer (a 404 if out of reach), then asks for its entries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from violeta.audit.models import AuditAction, AuditEntry, target_reference


def entries_for(*, target: models.Model) -> QuerySet[AuditEntry]:
    """Every entry about ``target``, newest first, with the person who acted."""
    target_type, target_id = target_reference(target)
    return (
        AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
        .select_related("actor")
        .order_by("-seq")
    )


def views_of(*, target: models.Model) -> QuerySet[AuditEntry]:
    """Who consulted ``target`` and when, newest first."""
    return entries_for(target=target).filter(action=AuditAction.VIEW)
