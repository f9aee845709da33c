"""Keep ``Case.next_deadline_at`` equal to the earliest unmet deadline of the case's run.

Deadlines are written by the protocol engine, which knows nothing of cases: it creates them with
``save`` (post_save), and marks a stage's deadlines met with one bulk update, after which it
sends ``protocols.signals.deadlines_met``. Each of these recomputes the column for the run's
case in one UPDATE, inside the writer's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from violeta.cases.models import Case
from violeta.cases.selectors_inbox import CASE_SUBJECT, next_deadline_of_case
from violeta.protocols.models import Deadline, ProtocolRun
from violeta.protocols.signals import deadlines_met


def next_deadline_refresh(*, run: ProtocolRun) -> None:
    """Recompute the next deadline of the case that ``run`` runs on (if it runs on a case)."""
    if run.subject_type != CASE_SUBJECT:
        return
    try:
        case_id = uuid.UUID(run.subject_id)
    except ValueError:
        return
    Case.objects.filter(pk=case_id).update(
        next_deadline_at=Subquery(next_deadline_of_case(OuterRef("pk")))
    )


def _deadline_written(sender: Any, instance: Deadline, **kwargs: Any) -> None:
    run = ProtocolRun.objects.filter(pk=instance.run_id).first()
    if run is not None:
        next_deadline_refresh(run=run)


def _deadlines_met(sender: Any, run: ProtocolRun, **kwargs: Any) -> None:
    next_deadline_refresh(run=run)


def connect() -> None:
    post_save.connect(_deadline_written, sender=Deadline, dispatch_uid="cases_next_deadline_save")
    post_delete.connect(
        _deadline_written, sender=Deadline, dispatch_uid="cases_next_deadline_delete"
    )
    deadlines_met.connect(_deadlines_met, dispatch_uid="cases_next_deadline_met")
