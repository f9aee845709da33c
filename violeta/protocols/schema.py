"""The shape of a protocol definition (YAML), validated before anything is stored.

A protocol is stages joined by transitions. A transition says who may take it (roles), what
must be true first (facts the host application answers, checklist items resolved in the
stage), and what happens after (tasks, notices). A stage may carry a deadline: an amount of
hours, calendar days or días hábiles counted from a named event. Events are implicit
(``entered:<stage>``, when a case enters that stage) or emitted by transitions.

A protocol may also say how a case is closed once its procedure has concluded (``closure``):
the reasons a team may record and what it must confirm first. Closing the case is the
institution's act, not a stage of the procedure.
"""

from __future__ import annotations

import datetime
from collections import deque
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
ProtocolCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RoleCode = Literal["servidora", "atencion", "enlace", "coordinacion", "autoridad", "administracion"]
Unit = Literal["hours", "business_days", "calendar_days"]
LawCode = Literal["lgamvlv", "ledmvlv"]

ENTERED = "entered:"
# The reason recorded when a closed case is reopened; no closure reason may take this code.
REOPEN_REASON = "reapertura"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Localized(Strict):
    es: Text
    en: str = ""

    def text(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") and self.en else self.es


class Deadline(Strict):
    amount: int = Field(gt=0, le=10_000)
    unit: Unit
    # "entered:<stage>" or an event a transition emits.
    from_event: str = Field(alias="from", min_length=1)
    legal_basis: str = ""
    # True where the law sets no value and the institution chose it: shown as such in the UI.
    configurable_default: bool = False


class ChecklistItem(Strict):
    code: Code
    label: Localized


class Requirement(Strict):
    facts: list[Code] = []
    checklist: list[ChecklistItem] = []


class Effect(Strict):
    kind: Literal["task", "notify"]
    role: RoleCode
    code: Code | None = None  # task code (required for tasks)
    label: Localized | None = None
    deadline: Deadline | None = None

    @model_validator(mode="after")
    def _task_fields(self) -> Effect:
        if self.kind == "task" and (self.code is None or self.label is None):
            raise ValueError("a task needs code and label")
        if self.kind == "notify" and self.deadline is not None:
            raise ValueError("a notice has no deadline")
        return self


class Stage(Strict):
    code: Code
    name: Localized
    description: Localized | None = None
    responsible: list[RoleCode] = []
    deadline: Deadline | None = None
    final: bool = False


class Transition(Strict):
    code: Code
    name: Localized
    source: Code = Field(alias="from")
    target: Code = Field(alias="to")
    roles: list[RoleCode] = Field(min_length=1)
    requires: Requirement = Requirement()
    effects: list[Effect] = []
    emits: list[Code] = []
    reason_required: bool = False


class ClosureReason(Strict):
    code: Code
    label: Localized


class Closure(Strict):
    """How a case on this protocol is closed: the reasons to choose from and what the team
    confirms before closing."""

    reasons: list[ClosureReason] = Field(min_length=1)
    checklist: list[ChecklistItem] = []

    @field_validator("reasons")
    @classmethod
    def _reasons(cls, reasons: list[ClosureReason]) -> list[ClosureReason]:
        codes = [reason.code for reason in reasons]
        _unique_codes(codes)
        if REOPEN_REASON in codes:
            raise ValueError(f"{REOPEN_REASON!r} is reserved for reopening a case")
        return reasons

    @field_validator("checklist")
    @classmethod
    def _checklist(cls, checklist: list[ChecklistItem]) -> list[ChecklistItem]:
        _unique_codes([item.code for item in checklist])
        return checklist


class Protocol(Strict):
    code: ProtocolCode
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.\-]+$", max_length=30)]
    name: Localized
    description: Localized | None = None
    source: Text
    effective_date: datetime.date
    catalogs: list[LawCode] = Field(min_length=1)
    initial: Code
    stages: list[Stage] = Field(min_length=2)
    transitions: list[Transition] = Field(min_length=1)
    closure: Closure | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Protocol:
        stage_codes = [stage.code for stage in self.stages]
        _unique("stages", stage_codes)
        _unique("transitions", [t.code for t in self.transitions])
        stages = set(stage_codes)
        if self.initial not in stages:
            raise ValueError(f"initial: unknown stage {self.initial!r}")
        final = {stage.code for stage in self.stages if stage.final}
        if not final:
            raise ValueError("stages: at least one stage must be final")
        events = {ENTERED + code for code in stages}
        for transition in self.transitions:
            for end, code in (("from", transition.source), ("to", transition.target)):
                if code not in stages:
                    raise ValueError(f"transition {transition.code}: {end}: unknown stage {code!r}")
            if transition.source in final:
                raise ValueError(
                    f"transition {transition.code}: from: {transition.source!r} is a final stage"
                )
            events.update(transition.emits)
        for stage in self.stages:
            if stage.deadline and stage.deadline.from_event not in events:
                event = stage.deadline.from_event
                raise ValueError(f"stage {stage.code}: deadline.from: unknown event {event!r}")
            if not stage.final and not self.outgoing(stage.code):
                raise ValueError(f"stage {stage.code}: not final and no transition leaves it")
        for transition in self.transitions:
            for effect in transition.effects:
                if effect.deadline and effect.deadline.from_event not in events:
                    raise ValueError(
                        f"transition {transition.code}: effect deadline.from: unknown event "
                        f"{effect.deadline.from_event!r}"
                    )
        unreachable = stages - self.reachable()
        if unreachable:
            raise ValueError(f"stages: unreachable from {self.initial!r}: {sorted(unreachable)}")
        return self

    def stage(self, code: str) -> Stage:
        return next(stage for stage in self.stages if stage.code == code)

    def transition(self, code: str) -> Transition:
        return next(t for t in self.transitions if t.code == code)

    def outgoing(self, stage_code: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == stage_code]

    def reachable(self) -> set[str]:
        seen = {self.initial}
        queue = deque([self.initial])
        while queue:
            current = queue.popleft()
            for transition in self.outgoing(current):
                if transition.target not in seen:
                    seen.add(transition.target)
                    queue.append(transition.target)
        return seen


def _unique_codes(codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"duplicate code {code!r}")
        seen.add(code)


def _unique(what: str, codes: list[str]) -> None:
    try:
        _unique_codes(codes)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
