"""Training sessions for staff: the list, a new session, its attendance (by hand or from a
file), and its constancias (issue, download, revoke). Coordinación manages; atención may look.

A service's PermissionDenied is a 404, as on every staff page: never a hint of what exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.documents.pdf import pdf_response
from violeta.training import services_sessions as services
from violeta.training.certificates import certificate_revoke
from violeta.training.constancia import certificate_filename, certificate_pdf
from violeta.training.forms_sessions import AttendeeForm, ImportForm, RevokeForm, SessionForm
from violeta.training.importing import MAX_BYTES, attendance_import
from violeta.training.models import Certificate, TrainingSession


def _viewer(request: HttpRequest) -> None:
    if not services.may_view_sessions(request.user):
        raise Http404


def _manager(request: HttpRequest) -> None:
    if not services.may_manage_sessions(request.user):
        raise Http404


def _session(request: HttpRequest, pk: Any) -> TrainingSession:
    return get_object_or_404(services.sessions_visible_to(user=request.user), pk=pk)


def _certificate(request: HttpRequest, pk: Any) -> Certificate:
    return get_object_or_404(services.certificates_visible_to(user=request.user), pk=pk)


@login_required
def sessions_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    return render(
        request,
        "training/sessions_list.html",
        {
            "sessions": services.sessions_visible_to(user=request.user),
            "may_manage": services.may_manage_sessions(request.user),
        },
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = SessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_create(
                    actor=request.user,
                    course=data["course"],
                    mode=data["mode"],
                    held_on=data["held_on"],
                    place=data["place"],
                    given_by=data["given_by"],
                    campaign=data["campaign"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                messages.success(
                    request, _("Sesión registrada. Ahora registra a quienes asistieron.")
                )
                return redirect("training:session_detail", pk=session.pk)
    return render(request, "training/sessions_form.html", {"form": form}, status=status)


@login_required
def session_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    by_dependencia = services.attendance_by_dependencia(session=session)
    attendances = services.session_attendances(session=session)
    return render(
        request,
        "training/sessions_detail.html",
        {
            "session": session,
            "by_dependencia": by_dependencia,
            "total": sum(row.count for row in by_dependencia),
            "attendances": attendances,
            "may_manage": services.may_manage_sessions(request.user),
        },
    )


@login_required
def session_attendee_add(request: HttpRequest, pk: Any) -> HttpResponse:
    _manager(request)
    session = _session(request, pk)
    form = AttendeeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            attendee = services.Attendee(
                full_name=data["full_name"],
                dependencia=data["dependencia"],
                email=data["email"],
                employee_number=data["employee_number"],
            )
            try:
                recorded = services.attendees_record(
                    actor=request.user, session=session, attendees=[attendee]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                for text in error.messages:
                    form.add_error(None, text)
            else:
                if recorded.added:
                    messages.success(request, _("Asistencia registrada."))
                else:
                    messages.info(request, _("Esa persona ya estaba registrada en la sesión."))
                return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/sessions_attendee.html",
        {"session": session, "form": form},
        status=status,
    )


@login_required
def session_import(request: HttpRequest, pk: Any) -> HttpResponse:
    _manager(request)
    session = _session(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    result = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte past the cap is enough to refuse an oversized file.
            data = upload.read(MAX_BYTES + 1)
            try:
                result = attendance_import(
                    actor=request.user, session=session, data=data, filename=upload.name or ""
                )
            except PermissionDenied:
                raise Http404 from None
            if result.refused:
                form.add_error("file", result.refused)
            elif result.ok:
                messages.success(
                    request,
                    _(
                        "Lista importada. Personas agregadas: %(added)s. Ya estaban "
                        "registradas: %(already)s."
                    )
                    % {"added": result.added, "already": result.already},
                )
                return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/sessions_import.html",
        {"session": session, "form": form, "result": result},
        status=status,
    )


@login_required
def session_certificates(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    pending = session.attendances.filter(certificate__isnull=True).aggregate(n=Count("id"))["n"]
    return render(
        request,
        "training/sessions_certificates.html",
        {
            "session": session,
            "certificates": services.session_certificates(session=session),
            "pending": pending,
            "may_manage": services.may_manage_sessions(request.user),
        },
    )


@login_required
@require_POST
def session_certificates_issue(request: HttpRequest, pk: Any) -> HttpResponse:
    _manager(request)
    session = _session(request, pk)
    try:
        issued = services.session_certificates_issue(actor=request.user, session=session)
    except PermissionDenied:
        raise Http404 from None
    if issued:
        messages.success(
            request,
            ngettext(
                "Se emitió %(count)s constancia.", "Se emitieron %(count)s constancias.", issued
            )
            % {"count": issued},
        )
    else:
        messages.info(request, _("Todas las personas asistentes ya tenían su constancia."))
    return redirect("training:session_certificates", pk=session.pk)


@login_required
def session_certificate_pdf(request: HttpRequest, pk: Any) -> HttpResponse:
    certificate = _certificate(request, pk)
    content = certificate_pdf(certificate)
    audit_record(
        action=AuditAction.EXPORT,
        target=certificate,
        detail={"document": "constancia", "course": certificate.course.code},
    )
    return pdf_response(content, filename=certificate_filename(certificate))


@login_required
def session_certificate_revoke(request: HttpRequest, pk: Any) -> HttpResponse:
    _manager(request)
    certificate = _certificate(request, pk)
    session = certificate.attendance.session if certificate.attendance else None
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                certificate_revoke(
                    actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Constancia %(code)s revocada. La página pública ya lo indica.")
                    % {"code": certificate.code},
                )
                if session is None:
                    return redirect("training:sessions")
                return redirect("training:session_certificates", pk=session.pk)
    return render(
        request,
        "training/sessions_revoke.html",
        {"certificate": certificate, "session": session, "form": form},
        status=status,
    )


urlpatterns = [
    path("sesiones/", sessions_list, name="sessions"),
    path("sesiones/nueva/", session_create, name="session_create"),
    path("sesiones/<int:pk>/", session_detail, name="session_detail"),
    path("sesiones/<int:pk>/asistente/", session_attendee_add, name="session_attendee_add"),
    path("sesiones/<int:pk>/importar/", session_import, name="session_import"),
    path("sesiones/<int:pk>/constancias/", session_certificates, name="session_certificates"),
    path(
        "sesiones/<int:pk>/constancias/emitir/",
        session_certificates_issue,
        name="session_certificates_issue",
    ),
    path(
        "sesiones/constancias/<int:pk>/pdf/",
        session_certificate_pdf,
        name="session_certificate_pdf",
    ),
    path(
        "sesiones/constancias/<int:pk>/revocar/",
        session_certificate_revoke,
        name="session_certificate_revoke",
    ),
]
