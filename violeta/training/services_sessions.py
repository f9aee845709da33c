"""Training sessions given in person or online: creating them, recording who attended, and
issuing the attendees' constancias. Coordinación writes; atención may read.

Reads are at the end of the module (``sessions_visible_to`` and friends): each starts from the
viewer, so a page outside her reach is a 404.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.catalogs.models import Dependencia
from violeta.training.certificates import certificate_issue
from violeta.training.models import (
    Attendance,
    Campaign,
    Certificate,
    Course,
    SessionMode,
    TrainingSession,
)

# Attendance.identity is 260 characters; "nombre:" + name + "|" + a 60-character code fits.
_IDENTITY_NAME_MAX = 190


def may_manage_sessions(user: Any) -> bool:
    return roles.is_coordinacion(user)


def may_view_sessions(user: Any) -> bool:
    return roles.is_coordinacion(user) or roles.is_atencion(user)


# Identity --------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "  José  NÚÑEZ " and "jose nunez" are one."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def attendance_identity(
    *, full_name: str, email: str, employee_number: str, dependencia_code: str
) -> str:
    """Who a row is, so the same person is recorded once per session: her e-mail if given,
    else her employee number, else her name within her dependencia."""
    email = email.strip().lower()
    if email:
        return email
    number = re.sub(r"\s+", "", employee_number).upper()
    if number:
        return f"num:{number}"
    return f"nombre:{fold(full_name)[:_IDENTITY_NAME_MAX]}|{dependencia_code}"


@dataclasses.dataclass(frozen=True)
class Attendee:
    """One person to record at a session, as typed or read from a file."""

    full_name: str
    dependencia: Dependencia
    email: str = ""
    employee_number: str = ""

    @property
    def identity(self) -> str:
        return attendance_identity(
            full_name=self.full_name,
            email=self.email,
            employee_number=self.employee_number,
            dependencia_code=self.dependencia.code,
        )


# Writes ----------------------------------------------------------------------------------------


def session_create(
    *,
    actor: Any,
    course: Course,
    mode: SessionMode | str,
    held_on: datetime.date,
    place: str,
    given_by: str,
    campaign: Campaign | None = None,
) -> TrainingSession:
    if not may_manage_sessions(actor):
        raise PermissionDenied
    with transaction.atomic():
        session = TrainingSession(
            course=course,
            mode=SessionMode(mode),
            held_on=held_on,
            place=place.strip(),
            given_by=given_by.strip(),
            campaign=campaign,
            created_by=actor,
        )
        session.full_clean()
        session.save()
        audit_record(
            action=AuditAction.CREATE,
            target=session,
            detail={"course": course.code, "mode": session.mode},
            actor=actor,
        )
    return session


@dataclasses.dataclass(frozen=True)
class Recorded:
    added: int
    already: int


def attendees_record(
    *, actor: Any, session: TrainingSession, attendees: list[Attendee], source: str = ""
) -> Recorded:
    """Record people at a session in one transaction. Someone already recorded (same
    ``identity``) is not added again, so importing the same list twice adds nobody; a person
    whose e-mail is a staff account's is linked to it."""
    if not may_manage_sessions(actor):
        raise PermissionDenied
    with transaction.atomic():
        # One writer per session at a time: two imports of one list cannot both add a person.
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        known = set(Attendance.objects.filter(session=session).values_list("identity", flat=True))
        emails = {a.email.strip().lower() for a in attendees if a.email.strip()}
        accounts = {user.email: user for user in User.objects.filter(email__in=emails)}
        new: list[Attendance] = []
        for attendee in attendees:
            identity = attendee.identity
            if identity in known:
                continue
            known.add(identity)
            email = attendee.email.strip().lower()
            row = Attendance(
                session=session,
                full_name=" ".join(attendee.full_name.split()),
                email=email,
                employee_number=attendee.employee_number.strip(),
                dependencia=attendee.dependencia,
                user=accounts.get(email) if email else None,
                identity=identity,
                imported_from=source[:200],
            )
            row.full_clean(
                exclude=["session", "dependencia", "user"],
                validate_unique=False,
                validate_constraints=False,
            )
            new.append(row)
        Attendance.objects.bulk_create(new)
        recorded = Recorded(added=len(new), already=len(attendees) - len(new))
        audit_record(
            action=AuditAction.UPDATE,
            target=session,
            detail={
                "attendance_added": recorded.added,
                "attendance_already": recorded.already,
                "imported": bool(source),
            },
            actor=actor,
        )
    return recorded


def session_certificates_issue(*, actor: Any, session: TrainingSession) -> int:
    """A constancia for every attendee who has none yet; returns how many were issued."""
    if not may_manage_sessions(actor):
        raise PermissionDenied
    issued = 0
    with transaction.atomic():
        attendances = session.attendances.select_related("dependencia").filter(
            certificate__isnull=True
        )
        for attendance in attendances:
            certificate_issue(
                course=session.course,
                holder_name=attendance.full_name,
                dependencia=attendance.dependencia,
                attendance=attendance,
            )
            issued += 1
    return issued


# Reads -----------------------------------------------------------------------------------------


def sessions_visible_to(*, user: Any) -> QuerySet[TrainingSession]:
    if not may_view_sessions(user):
        return TrainingSession.objects.none()
    return TrainingSession.objects.select_related("course", "campaign").annotate(
        attendee_count=Count("attendances")
    )


@dataclasses.dataclass(frozen=True)
class DependenciaCount:
    code: str
    name: str
    count: int


def attendance_by_dependencia(*, session: TrainingSession) -> list[DependenciaCount]:
    """How many people came from each dependencia, most first."""
    rows = (
        session.attendances.values("dependencia_id")
        .annotate(count=Count("id"))
        .order_by("-count", "dependencia_id")
    )
    found = {
        dep.pk: dep
        for dep in Dependencia.objects.filter(pk__in=[row["dependencia_id"] for row in rows])
    }
    counts = []
    for row in rows:
        dependencia = found[row["dependencia_id"]]
        counts.append(
            DependenciaCount(
                code=dependencia.code,
                name=dependencia.short_name or dependencia.name,
                count=row["count"],
            )
        )
    return counts


def session_attendances(*, session: TrainingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("dependencia", "certificate").order_by(
        "full_name", "id"
    )


def session_certificates(*, session: TrainingSession) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(attendance__session=session)
        .select_related("dependencia", "attendance")
        .order_by("holder_name", "id")
    )


def certificates_visible_to(*, user: Any) -> QuerySet[Certificate]:
    """Constancias of sessions, for the people who may see sessions."""
    if not may_view_sessions(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(attendance__isnull=False).select_related(
        "course", "dependencia", "attendance__session"
    )
