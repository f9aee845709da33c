"""Reads for closing and reopening: the protocol's closure terms, what blocks closure now, and
who may close or reopen. The writes are in ``services.closure``."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.cases.models import Case, CaseAssignment, CaseTask
from violeta.cases.selectors import active_assignment_kind, is_party
from violeta.protocols.schema import Closure
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services import definition_of, run_for
from violeta.protocols.services_definitions import protocol_definition


@dataclasses.dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclasses.dataclass(frozen=True)
class ClosureTerms:
    """A case's closure reasons and checklist, in one language."""

    reasons: list[Choice]
    checklist: list[Choice]

    def reason_label(self, code: str) -> str:
        return next((reason.label for reason in self.reasons if reason.code == code), code)


def closure_definition(*, case: Case) -> Closure | None:
    """The ``closure`` block that governs the case, or None if it has none."""
    run = run_for(case)
    if run is None:
        return None
    closure = definition_of(run).closure
    if closure is not None:
        return closure
    # A case that started on a version loaded before closure reasons existed closes with those
    # of its protocol's current version: closing is the institution's act on its file, not a
    # rule of the procedure the case runs on.
    current = next((v for v in protocols_current() if v.code == run.protocol.code), None)
    return protocol_definition(current).closure if current is not None else None


def closure_terms(*, case: Case, language: str | None = None) -> ClosureTerms | None:
    """The reasons and checklist to show, in ``language`` (the active one by default)."""
    closure = closure_definition(case=case)
    if closure is None:
        return None
    language = language or get_language()
    return ClosureTerms(
        reasons=[Choice(r.code, r.label.text(language)) for r in closure.reasons],
        checklist=[Choice(i.code, i.label.text(language)) for i in closure.checklist],
    )


def closure_blockers(*, case: Case) -> list[str]:
    """What stops the case from being closed now, each as a sentence for the viewer."""
    blockers: list[str] = []
    run = run_for(case)
    if run is None:
        blockers.append(_("Este caso no sigue un protocolo; no puede cerrarse desde aquí."))
    else:
        stage = definition_of(run).stage(run.stage)
        if not stage.final:
            blockers.append(
                _(
                    "El protocolo está en la etapa «%(stage)s». Para cerrar el caso, primero el "
                    "procedimiento debe concluir o retirarse la solicitud."
                )
                % {"stage": stage.name.text(get_language())}
            )
    open_tasks = CaseTask.objects.filter(case=case, done_at__isnull=True).count()
    if open_tasks:
        blockers.append(
            ngettext(
                "Hay %(count)d tarea abierta en el caso; termínala antes de cerrarlo.",
                "Hay %(count)d tareas abiertas en el caso; termínalas antes de cerrarlo.",
                open_tasks,
            )
            % {"count": open_tasks}
        )
    return blockers


def _is_assigned(user: Any, case: Case, *, active_only: bool) -> bool:
    if active_assignment_kind(user=user, case=case) is not None:
        return True
    return not active_only and CaseAssignment.objects.filter(case=case, user=user).exists()


def close_allowed(*, actor: Any, case: Case) -> bool:
    """Coordinación, or atención actively assigned to the case; never a party to it. Whether
    the case is still open is checked by the caller (see ``case_close``)."""
    if is_party(user=actor, case=case):
        return False
    return roles.is_coordinacion(actor) or (
        roles.is_atencion(actor) and _is_assigned(actor, case, active_only=True)
    )


def reopen_allowed(*, actor: Any, case: Case) -> bool:
    """Coordinación, or atención who was assigned to the case (the assignment may have ended
    with the closure); never a party to it."""
    if is_party(user=actor, case=case):
        return False
    return roles.is_coordinacion(actor) or (
        roles.is_atencion(actor) and _is_assigned(actor, case, active_only=False)
    )
