"""A case's history in one list, as one viewer may see it.

Each source is read with one query (names joined in), whatever the number of entries, and
only the sources the viewer may see are read at all. Contents never appear here: no account,
no notes, no plan, no reasons; a party's name only for those who read the account.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from violeta.cases.models import (
    AccountAddition,
    AccountTaking,
    AttentionSession,
    Case,
    CaseAssignment,
    CaseNote,
    CaseParty,
    CaseStatus,
    CaseTask,
    ConsentDecision,
    ConsentOverride,
    ContactPreference,
    EmergencyAccess,
    Incident,
    SafetyPlan,
    StatusChange,
)
from violeta.cases.selectors import CaseReading, case_reading
from violeta.cases.selectors_attention import AttentionAccess, attention_access
from violeta.protocols.models import RunEvent, StageChange
from violeta.protocols.schema import ENTERED
from violeta.protocols.services import definition_of, run_for


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # a label in the viewer's language
    actor: str  # the person's name, or "" when nobody in person
    summary: str
    url: str | None = None
    code: str = ""  # a stable code for the kind (styling, tests)


# Sources other apps add (e.g. referrals): each takes (user, case, reading) and returns the
# entries that viewer may see, with one query whatever their number.
ExternalSource = Callable[[Any, Case, CaseReading], list[TimelineEntry]]
_external_sources: list[ExternalSource] = []


def timeline_source_register(source: ExternalSource) -> None:
    """Add a source of timeline entries from an app that ``cases`` does not import."""
    if source not in _external_sources:
        _external_sources.append(source)


def _name(user: Any) -> str:
    return user.full_name if user is not None else ""


def timeline_for(*, user: Any, case: Case) -> list[TimelineEntry]:
    """Everything that happened on the case that ``user`` may know of, oldest first."""
    access = attention_access(user=user, case=case)
    if not access.opens:
        return []
    reading = case_reading(user=user, case=case)
    detail = reverse("cases:detail", kwargs={"pk": case.pk})
    entries: list[TimelineEntry] = []
    sources: list[Callable[[Case, CaseReading, AttentionAccess, str], list[TimelineEntry]]] = [
        _registration,
        _account,
        _incidents,
        _parties,
        _assignments,
        _consent,
        _contact,
        _sessions,
        _plans,
        _tasks,
        _notes,
        _protocol,
        _status,
        _emergency,
    ]
    for source in sources:
        entries.extend(source(case, reading, access, detail))
    for external in _external_sources:
        entries.extend(external(user, case, reading))
    # Stable: entries at the same moment keep the order of the sources (registration first).
    entries.sort(key=lambda entry: entry.at)
    return entries


def _registration(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    registered_by = (
        Case.objects.filter(pk=case.pk).select_related("registered_by").get().registered_by
    )
    return [
        TimelineEntry(
            at=case.registered_at,
            kind=_("Registro"),
            actor=_name(registered_by),
            summary=_("Caso registrado (vía de entrada: %(channel)s).")
            % {"channel": case.get_channel_display()},
            url=detail,
            code="registration",
        )
    ]


def _account(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    url = f"{detail}#relato" if reading.account else None
    entries = [
        TimelineEntry(
            at=taking.taken_at,
            kind=_("Relato"),
            actor=_name(taking.taken_by),
            summary=_("Ella narró los hechos (%(reason)s).")
            % {"reason": taking.get_reason_display()},
            url=url,
            code="account_taking",
        )
        for taking in AccountTaking.objects.filter(case=case).select_related("taken_by")
    ]
    entries += [
        TimelineEntry(
            at=addition.created_at,
            kind=_("Relato"),
            actor=_name(addition.author),
            summary=_("Se agregó información al relato."),
            url=url,
            code="account_addition",
        )
        for addition in AccountAddition.objects.filter(case=case)
        .select_related("author")
        .defer("body")
    ]
    return entries


def _incidents(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    entries = []
    for incident in Incident.objects.filter(case=case).select_related("recorded_by").defer("place"):
        if reading.account and incident.occurred_on is not None:
            summary = _("Hecho registrado, ocurrido el %(date)s.") % {
                "date": date_format(incident.occurred_on, "DATE_FORMAT")
            }
        else:
            summary = _("Hecho registrado.")
        entries.append(
            TimelineEntry(
                at=incident.recorded_at,
                kind=_("Hechos"),
                actor=_name(incident.recorded_by),
                summary=summary,
                code="incident",
            )
        )
    return entries


def _parties(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    parties = CaseParty.objects.filter(case=case).select_related("added_by")
    if reading.account:
        parties = parties.select_related("data_key")
    entries = []
    for party in parties:
        kind = party.get_kind_display()
        if reading.account and party.display_name:
            summary = _("Persona agregada al caso: %(kind)s, %(name)s.") % {
                "kind": kind,
                "name": party.name_to_show,
            }
        else:
            summary = _("Persona agregada al caso: %(kind)s.") % {"kind": kind}
        entries.append(
            TimelineEntry(
                at=party.added_at,
                kind=_("Personas"),
                actor=_name(party.added_by),
                summary=summary,
                code="party",
            )
        )
    return entries


def _assignments(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    entries = []
    for assignment in CaseAssignment.objects.filter(case=case).select_related(
        "user", "assigned_by", "attends"
    ):
        values = {
            "name": assignment.user.full_name,
            "kind": assignment.get_kind_display(),
            "party": assignment.attends.get_kind_display(),
        }
        entries.append(
            TimelineEntry(
                at=assignment.assigned_at,
                kind=_("Equipo"),
                actor=_name(assignment.assigned_by),
                summary=_("%(name)s asignada: %(kind)s, atiende a %(party)s.") % values,
                code="assignment_start",
            )
        )
        if assignment.ended_at is not None:
            entries.append(
                TimelineEntry(
                    at=assignment.ended_at,
                    kind=_("Equipo"),
                    actor="",
                    summary=_("Terminó la asignación de %(name)s (%(kind)s).") % values,
                    code="assignment_end",
                )
            )
    return entries


def _consent(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    entries = []
    for decision in ConsentDecision.objects.filter(case=case).select_related("recorded_by"):
        purpose = {"purpose": decision.get_purpose_display()}
        entries.append(
            TimelineEntry(
                at=decision.decided_at,
                kind=_("Consentimiento"),
                actor=_name(decision.recorded_by),
                summary=(
                    _("Ella dio su consentimiento: %(purpose)s.") % purpose
                    if decision.granted
                    else _("Ella no dio o retiró su consentimiento: %(purpose)s.") % purpose
                ),
                code="consent",
            )
        )
    entries += [
        TimelineEntry(
            at=override.created_at,
            kind=_("Consentimiento"),
            actor=_name(override.actor),
            summary=_("Se compartió sin su consentimiento por obligación legal: %(purpose)s.")
            % {"purpose": override.get_purpose_display()},
            code="consent_override",
        )
        for override in ConsentOverride.objects.filter(case=case)
        .select_related("actor")
        .defer("reason")
    ]
    return entries


def _contact(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=preference.recorded_at,
            kind=_("Contacto"),
            actor=_name(preference.recorded_by),
            summary=_("Cambió cómo se le puede contactar: %(method)s.")
            % {"method": preference.get_method_display()},
            code="contact",
        )
        for preference in ContactPreference.objects.filter(case=case)
        .select_related("recorded_by")
        .defer("safe_times")
    ]


def _sessions(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    if not access.sessions:
        return []
    return [
        TimelineEntry(
            at=session.held_at,
            kind=_("Sesión"),
            actor=_name(session.author),
            summary=_("Sesión de atención %(service)s (%(mode)s).")
            % {"service": session.get_service_display(), "mode": session.get_mode_display()},
            url=f"{detail}#sesion-{session.pk}",
            code="session",
        )
        for session in AttentionSession.objects.filter(case=case)
        .select_related("author")
        .defer("notes")
    ]


def _plans(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    if not access.plans:
        return []
    url = reverse("cases:safety_plan", kwargs={"pk": case.pk})
    plans = (
        SafetyPlan.objects.filter(case=case)
        .select_related("author")
        .defer("warning_signs", "safe_contacts", "safe_places", "steps")
    )
    return [
        TimelineEntry(
            at=plan.created_at,
            kind=_("Plan de seguridad"),
            actor=_name(plan.author),
            summary=_("Plan de seguridad, versión %(number)s.") % {"number": number},
            url=url,
            code="safety_plan",
        )
        for number, plan in enumerate(plans, start=1)
    ]


def _tasks(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    if not access.tasks:
        return []
    entries = []
    for task in CaseTask.objects.filter(case=case).select_related(
        "created_by", "assigned_to", "done_by", "data_key"
    ):
        values = {
            "title": task.title or "—",
            "name": task.assigned_to.full_name,
            "date": date_format(task.due_on, "DATE_FORMAT"),
        }
        entries.append(
            TimelineEntry(
                at=task.created_at,
                kind=_("Tarea"),
                actor=_name(task.created_by),
                summary=_("Tarea «%(title)s» para %(name)s, fecha límite %(date)s.") % values,
                code="task_created",
            )
        )
        if task.done_at is not None:
            entries.append(
                TimelineEntry(
                    at=task.done_at,
                    kind=_("Tarea"),
                    actor=_name(task.done_by),
                    summary=_("Tarea «%(title)s» hecha.") % values,
                    code="task_done",
                )
            )
    return entries


def _notes(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    if not reading.notes:
        return []
    return [
        TimelineEntry(
            at=note.created_at,
            kind=_("Nota del equipo"),
            actor=_name(note.author),
            summary=_("Nota de atención agregada."),
            url=f"{detail}#notas",
            code="note",
        )
        for note in CaseNote.objects.filter(case=case).select_related("author").defer("body")
    ]


def _protocol(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    run = run_for(case)
    if run is None:
        return []
    language = get_language()
    definition = definition_of(run)
    names = {stage.code: stage.name.text(language) for stage in definition.stages}
    transitions = {t.code: t.name.text(language) for t in definition.transitions}
    entries = []
    for change in StageChange.objects.filter(run=run).select_related("actor"):
        to_name = names.get(change.to_stage, change.to_stage)
        if change.from_stage:
            summary = _("%(transition)s: de «%(from)s» a «%(to)s».") % {
                "transition": transitions.get(change.transition, change.transition),
                "from": names.get(change.from_stage, change.from_stage),
                "to": to_name,
            }
        else:
            summary = _("Protocolo iniciado en la etapa «%(stage)s».") % {"stage": to_name}
        entries.append(
            TimelineEntry(
                at=change.at,
                kind=_("Protocolo"),
                actor=_name(change.actor),
                summary=summary,
                url=f"{detail}#protocolo",
                code="stage_change",
            )
        )
    # Entering a stage is already told by the stage change; the rest are named moments
    # that deadlines count from.
    entries += [
        TimelineEntry(
            at=event.at,
            kind=_("Protocolo"),
            actor="",
            summary=_("Evento del protocolo: %(code)s.") % {"code": event.code},
            code="run_event",
        )
        for event in RunEvent.objects.filter(run=run).exclude(code__startswith=ENTERED)
    ]
    return entries


def _status(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=change.created_at,
            kind=_("Estado"),
            actor=_name(change.actor),
            summary=(
                _("Caso cerrado.")
                if change.to_status == CaseStatus.CLOSED
                else _("Caso reabierto.")
            ),
            code="status_change",
        )
        for change in StatusChange.objects.filter(case=case).select_related("actor").defer("note")
    ]


def _emergency(
    case: Case, reading: CaseReading, access: AttentionAccess, detail: str
) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=access_row.granted_at,
            kind=_("Acceso de emergencia"),
            actor=_name(access_row.user),
            summary=_("Acceso de emergencia al expediente, hasta %(time)s.")
            % {"time": date_format(timezone.localtime(access_row.expires_at), "DATETIME_FORMAT")},
            code="emergency_access",
        )
        for access_row in EmergencyAccess.objects.filter(case=case)
        .select_related("user")
        .defer("reason")
    ]
