"""Every write that changes what a case contributes marks the case, inside the same transaction
(the intake's new cases get their facts written in it: ``cases_writing``).

Receivers, not calls from the other apps: no app imports ``stats``. Bulk updates send no signal,
so each one that matters is covered by the row written beside it: a closure or reopening writes
a ``StatusChange``, a referral's status change a ``ReferralEvent``, a protocol transition a
``StageChange`` (and new ``Deadline`` rows), the deadline sweep sends ``deadline_flagged``, a
vote on a measure and the daily conclusion of measures send ``measures_changed``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models.signals import m2m_changed, post_save, pre_delete

from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseParty,
    ConsentDecision,
    Incident,
    StatusChange,
)
from violeta.cases.signals import WrittenCase, case_rows_written, cases_writing
from violeta.detection.models import RiskAssessment
from violeta.protocols.models import Deadline, ProtocolRun, StageChange
from violeta.protocols.signals import deadline_flagged
from violeta.referrals.models import Referral, ReferralEvent
from violeta.sanctions.models import Measure, Procedure
from violeta.sanctions.signals import measures_changed
from violeta.stats.facts import SUBJECT, known_case
from violeta.stats.services import (
    fact_remove,
    facts_of_new_cases,
    new_case_known,
    pending_mark,
)


def _case_of_run(run: ProtocolRun) -> UUID | None:
    if run.subject_type != SUBJECT:
        return None
    return UUID(run.subject_id)


def _on_case(sender: Any, instance: Case, **kwargs: Any) -> None:
    pending_mark([instance.pk], written=sender._meta.label)


def _on_case_child(sender: Any, instance: Any, **kwargs: Any) -> None:
    pending_mark([instance.case_id], written=sender._meta.label)


def _on_referral_event(sender: Any, instance: ReferralEvent, **kwargs: Any) -> None:
    case_id = Referral.objects.filter(pk=instance.referral_id).values_list("case_id", flat=True)
    pending_mark(case_id)


def _on_run_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The engine writes these rows with their run in hand; read it only when it is not.
    if type(instance).run.is_cached(instance):
        run = instance.run
    else:
        run = ProtocolRun.objects.only("subject_type", "subject_id").get(pk=instance.run_id)
    pending_mark([_case_of_run(run)], written=sender._meta.label)  # type: ignore[list-item]


def _on_deadline_flagged(sender: Any, run: ProtocolRun, **kwargs: Any) -> None:
    pending_mark([_case_of_run(run)])  # type: ignore[list-item]


def _on_measure(sender: Any, instance: Measure, **kwargs: Any) -> None:
    case_id = Procedure.objects.filter(pk=instance.procedure_id).values_list("case_id", flat=True)
    pending_mark(case_id)


def _on_measures_changed(sender: Any, case_ids: list[UUID], **kwargs: Any) -> None:
    pending_mark(case_ids)


def _on_classification(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        pending_mark([instance.case_id], written=sender._meta.label)
    elif pk_set:
        pending_mark(
            Incident.objects.filter(pk__in=pk_set).values_list("case_id", flat=True),
            written=sender._meta.label,
        )


def _on_cases_writing(sender: Any, case_ids: list[UUID], **kwargs: Any) -> Any:
    return facts_of_new_cases(case_ids)


def _on_case_rows_written(sender: Any, written: WrittenCase, **kwargs: Any) -> None:
    new_case_known(known_case(written))


def _on_case_delete(sender: Any, instance: Case, **kwargs: Any) -> None:
    fact_remove(instance.pk)


def connect() -> None:
    post_save.connect(_on_case, sender=Case, dispatch_uid="stats_case")
    pre_delete.connect(_on_case_delete, sender=Case, dispatch_uid="stats_case_delete")
    cases_writing.connect(_on_cases_writing, dispatch_uid="stats_cases_writing")
    case_rows_written.connect(_on_case_rows_written, dispatch_uid="stats_case_rows_written")
    for model in (
        CaseParty,
        Incident,
        ConsentDecision,
        RiskAssessment,
        AttentionSession,
        StatusChange,
        Referral,
    ):
        post_save.connect(_on_case_child, sender=model, dispatch_uid=f"stats_{model.__name__}")
    post_save.connect(_on_referral_event, sender=ReferralEvent, dispatch_uid="stats_refevent")
    post_save.connect(_on_run_row, sender=StageChange, dispatch_uid="stats_StageChange")
    post_save.connect(_on_run_row, sender=Deadline, dispatch_uid="stats_Deadline")
    deadline_flagged.connect(_on_deadline_flagged, dispatch_uid="stats_deadline_flagged")
    post_save.connect(_on_measure, sender=Measure, dispatch_uid="stats_measure")
    measures_changed.connect(_on_measures_changed, dispatch_uid="stats_measures_changed")
    for through in (Incident.violence_types.through, Incident.violence_modalities.through):
        m2m_changed.connect(
            _on_classification, sender=through, dispatch_uid=f"stats_{through.__name__}"
        )
