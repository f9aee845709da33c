"""Reads of protocol runs, shaped for the pages that show them."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from violeta.accounts.roles import Role
from violeta.protocols.models import ChecklistResolution, Deadline, ProtocolRun, RunTask
from violeta.protocols.schema import ChecklistItem, Protocol, Stage
from violeta.protocols.services import Step, definition_of, steps_for

ROLE_LABELS = dict(Role.choices)


@dataclasses.dataclass
class ChecklistRow:
    code: str
    label: str
    resolved: ChecklistResolution | None


@dataclasses.dataclass
class HistoryRow:
    at: Any
    from_name: str
    to_name: str
    actor: Any
    reason: str


@dataclasses.dataclass
class Panel:
    run: ProtocolRun
    definition: Protocol
    stage: Stage
    stage_name: str
    responsible: list[str]
    deadline: Deadline | None
    overdue: bool
    steps: list[Step]
    checklist: list[ChecklistRow]
    tasks: list[RunTask]
    history: list[HistoryRow]
    can_act: bool

    def name_of(self, code: str) -> str:
        return self.definition.stage(code).name.text(get_language())


def stage_checklist(definition: Protocol, stage: str) -> dict[str, ChecklistItem]:
    """The checklist items the ways out of ``stage`` require, by code: one per item, even
    when several ways out require it."""
    return {
        item.code: item
        for transition in definition.outgoing(stage)
        for item in transition.requires.checklist
    }


def protocol_panel(
    *, run: ProtocolRun | None, user: Any, can_act: bool, unmet_deadlines: bool = True
) -> Panel | None:
    """The run's panel. ``unmet_deadlines`` False: the caller knows the run has no unmet
    deadline (a case keeps its run's earliest in ``next_deadline_at``), and none is read."""
    if run is None:
        return None
    language = get_language()
    definition = definition_of(run)
    stage = definition.stage(run.stage)
    deadline = (
        Deadline.objects.filter(run=run, stage=run.stage, met_at__isnull=True)
        .order_by("-due_at")
        .first()
        if unmet_deadlines
        else None
    )
    items = stage_checklist(definition, run.stage)
    # Resolutions matter only for the items the ways out require (the checklist and the
    # steps): a stage that requires none has nothing to read.
    resolutions = (
        {
            r.item: r
            for r in ChecklistResolution.objects.filter(run=run, stage=run.stage).select_related(
                "resolved_by"
            )
        }
        if items
        else {}
    )
    checklist = [
        ChecklistRow(code, item.label.text(language), resolutions.get(code))
        for code, item in items.items()
    ]
    names = {s.code: s.name.text(language) for s in definition.stages}
    history = [
        HistoryRow(
            change.at,
            names.get(change.from_stage, ""),
            names.get(change.to_stage, change.to_stage),
            change.actor,
            change.reason,
        )
        for change in run.history.select_related("actor")
    ]
    return Panel(
        run=run,
        definition=definition,
        stage=stage,
        stage_name=stage.name.text(language),
        responsible=[str(ROLE_LABELS.get(role, role)) for role in stage.responsible],
        deadline=deadline,
        overdue=bool(deadline and deadline.due_at < timezone.now()),
        steps=steps_for(run=run, user=user, resolved=set(resolutions)) if can_act else [],
        checklist=checklist,
        tasks=list(run.tasks.filter(done_at__isnull=True).order_by("due_at", "pk")),
        history=history,
        can_act=can_act,
    )
