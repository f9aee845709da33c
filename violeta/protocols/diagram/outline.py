"""The protocol as an accessible text outline: the same content as the diagram."""

from __future__ import annotations

from typing import TypedDict

from violeta.protocols.diagram.layout import _breadth_first
from violeta.protocols.diagram.text import _role_labels, deadline_text
from violeta.protocols.schema import Protocol


class TransitionOutline(TypedDict):
    code: str
    name: str
    target: str  # the target stage's name
    target_code: str
    roles: list[str]
    role_codes: list[str]


class StageOutline(TypedDict):
    code: str
    name: str
    description: str
    initial: bool
    final: bool
    current: bool
    responsible: list[str]
    responsible_codes: list[str]
    deadline: str
    legal_basis: str
    transitions: list[TransitionOutline]


def protocol_outline(
    protocol: Protocol, language: str = "es", *, current_stage: str | None = None
) -> list[StageOutline]:
    """Each stage in breadth-first order, with who acts, its deadline and the steps out of it."""
    order, _ = _breadth_first(protocol)
    outline: list[StageOutline] = []
    for code in order:
        stage = protocol.stage(code)
        outline.append(
            StageOutline(
                code=stage.code,
                name=stage.name.text(language),
                description=stage.description.text(language) if stage.description else "",
                initial=stage.code == protocol.initial,
                final=stage.final,
                current=stage.code == current_stage,
                responsible=_role_labels(stage.responsible, language),
                responsible_codes=list(stage.responsible),
                deadline=deadline_text(stage.deadline, language),
                legal_basis=stage.deadline.legal_basis if stage.deadline else "",
                transitions=[
                    TransitionOutline(
                        code=transition.code,
                        name=transition.name.text(language),
                        target=protocol.stage(transition.target).name.text(language),
                        target_code=transition.target,
                        roles=_role_labels(transition.roles, language),
                        role_codes=list(transition.roles),
                    )
                    for transition in protocol.outgoing(stage.code)
                ],
            )
        )
    return outline
