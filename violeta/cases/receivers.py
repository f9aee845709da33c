"""Rows derived from others, kept equal to them inside the writer's transaction.

- ``Case.next_deadline_at``: the earliest unmet deadline of the case's run (and the same on
  each of its active assignments, ``CaseAssignment.next_deadline_at``). Deadlines are
  written by the protocol engine, which knows nothing of cases: it creates them with ``save``
  (post_save), and marks a stage's deadlines met with one bulk update, after which it sends
  ``protocols.signals.deadlines_met``. Each recomputes the column for the run's case in one
  UPDATE, and copies it to the case's active assignments in another.
- ``Case.run_protocol`` and ``Case.run_stage``: the version and current stage of the case's
  run. The engine records every stage a run enters, its first included, as a ``StageChange``
  (post_save); each sets the two columns of the run's case in one UPDATE.
- ``CaseViolenceType`` and ``CaseViolenceModality``: the types and modalities of all the case's
  incidents, recomputed when an incident's classification changes (m2m_changed) or an incident
  is deleted.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save

from violeta.cases.models import (
    Case,
    CaseAssignment,
    CaseViolenceModality,
    CaseViolenceType,
    Incident,
)
from violeta.cases.selectors_inbox import (
    CASE_SUBJECT,
    case_next_deadline,
    next_deadline_of_case,
)
from violeta.protocols.models import Deadline, ProtocolRun, StageChange
from violeta.protocols.signals import deadlines_met


def _case_of(run: ProtocolRun) -> QuerySet[Case]:
    """The case ``run`` runs on, as a queryset to update (empty if it runs on something else)."""
    if run.subject_type != CASE_SUBJECT:
        return Case.objects.none()
    try:
        case_id = uuid.UUID(run.subject_id)
    except ValueError:
        return Case.objects.none()
    return Case.objects.filter(pk=case_id)


def next_deadline_refresh(*, run: ProtocolRun) -> None:
    """Recompute the next deadline of the case that ``run`` runs on (if it runs on a case),
    and give it to the case's active assignments."""
    case = _case_of(run)
    if case.update(next_deadline_at=Subquery(next_deadline_of_case(OuterRef("pk")))):
        CaseAssignment.objects.filter(case__in=case, ended_at__isnull=True).update(
            next_deadline_at=Subquery(case_next_deadline(OuterRef("case_id")))
        )


def run_stage_refresh(*, run: ProtocolRun, stage: str) -> None:
    """Record on the run's case that its run (of ``run.protocol``) is now in ``stage``."""
    _case_of(run).update(run_protocol=run.protocol_id, run_stage=stage)


def _run_of(instance: Deadline | StageChange) -> ProtocolRun | None:
    """The run of a row the engine wrote: it writes them with the run in hand, so it is read
    only when it is not (a row deleted by cascade, a row written elsewhere)."""
    if type(instance).run.is_cached(instance):
        return instance.run
    return ProtocolRun.objects.filter(pk=instance.run_id).first()


def _deadline_written(sender: Any, instance: Deadline, **kwargs: Any) -> None:
    run = _run_of(instance)
    if run is not None:
        next_deadline_refresh(run=run)


def _deadlines_met(sender: Any, run: ProtocolRun, **kwargs: Any) -> None:
    next_deadline_refresh(run=run)


def _stage_entered(sender: Any, instance: StageChange, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    run = _run_of(instance)
    if run is not None:
        run_stage_refresh(run=run, stage=instance.to_stage)


def _run_deleted(sender: Any, instance: ProtocolRun, **kwargs: Any) -> None:
    _case_of(instance).update(run_protocol=None, run_stage="")


# (kept model, its column, the incidents' through model, the through's catalog column's field)
_CLASSIFICATIONS: tuple[tuple[Any, str, Any, str], ...] = (
    (CaseViolenceType, "violence_type_id", Incident.violence_types.through, "violencetype"),
    (
        CaseViolenceModality,
        "violence_modality_id",
        Incident.violence_modalities.through,
        "violencemodality",
    ),
)


def case_violence_refresh(*, case_ids: set[Any]) -> None:
    """Recompute the types and modalities of violence of these cases from their incidents."""
    if not case_ids:
        return
    for model, column, through, catalog in _CLASSIFICATIONS:
        wanted = set(
            through.objects.filter(incident__case__in=case_ids)
            .values_list("incident__case_id", f"{catalog}_id")
            .distinct()
        )
        held = set(model.objects.filter(case__in=case_ids).values_list("case_id", column))
        gone = held - wanted
        if gone:
            model.objects.filter(
                functools.reduce(
                    operator.or_,
                    (Q(case_id=case_id, **{column: entry_id}) for case_id, entry_id in gone),
                )
            ).delete()
        model.objects.bulk_create(
            [model(case_id=case_id, **{column: entry_id}) for case_id, entry_id in wanted - held]
        )


def incidents_classify(
    *, case: Case, classified: Sequence[tuple[Incident, Iterable[Any], Iterable[Any]]]
) -> None:
    """Classify new incidents of ``case`` (each with its types and its modalities), and add
    what they bring to the case's own types and modalities: a statement per table, where
    ``set()`` on each incident would send one per table and incident and refresh the case each
    time. The incidents' rows only add, so the case's rows are only added to."""
    by_table = (
        {(incident.pk, entry.pk) for incident, types, _m in classified for entry in types},
        {
            (incident.pk, entry.pk)
            for incident, _t, modalities in classified
            for entry in modalities
        },
    )
    for (model, column, through, catalog), pairs in zip(_CLASSIFICATIONS, by_table, strict=True):
        through.objects.bulk_create(
            [through(incident_id=incident, **{f"{catalog}_id": entry}) for incident, entry in pairs]
        )
        model.objects.bulk_create(
            [model(case_id=case.pk, **{column: entry}) for entry in {e for _i, e in pairs}],
            ignore_conflicts=True,
        )


def _classification_changed(sender: Any, instance: Incident, action: str, **kwargs: Any) -> None:
    # Always from the incident's side: the catalogs' side has no manager (related_name "+").
    if action in ("post_add", "post_remove", "post_clear"):
        case_violence_refresh(case_ids={instance.case_id})


def _incident_deleted(sender: Any, instance: Incident, **kwargs: Any) -> None:
    case_violence_refresh(case_ids={instance.case_id})


def connect() -> None:
    post_save.connect(_deadline_written, sender=Deadline, dispatch_uid="cases_next_deadline_save")
    post_delete.connect(
        _deadline_written, sender=Deadline, dispatch_uid="cases_next_deadline_delete"
    )
    deadlines_met.connect(_deadlines_met, dispatch_uid="cases_next_deadline_met")
    post_save.connect(_stage_entered, sender=StageChange, dispatch_uid="cases_run_stage")
    post_delete.connect(_run_deleted, sender=ProtocolRun, dispatch_uid="cases_run_deleted")
    for through in (Incident.violence_types.through, Incident.violence_modalities.through):
        m2m_changed.connect(
            _classification_changed,
            sender=through,
            dispatch_uid=f"cases_violence_{through._meta.model_name}",
        )
    post_delete.connect(_incident_deleted, sender=Incident, dispatch_uid="cases_violence_delete")
