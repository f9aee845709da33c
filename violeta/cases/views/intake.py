"""Intake: the single form, and the people and incidents added to the case afterwards."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from violeta.accounts import roles
from violeta.cases import services
from violeta.cases.forms_intake import (
    AccusedFormSet,
    AffectedForm,
    IncidentForm,
    IncidentFormSet,
    IntakeForm,
    PartyAddForm,
    WitnessFormSet,
    intake_cross_check,
)
from violeta.cases.models import Case, Channel, PartyKind
from violeta.cases.selectors import derived_context, repeat_accused_links
from violeta.cases.shared_reads import case_incidents, case_parties
from violeta.cases.views.common import acting_case, add_errors
from violeta.catalogs.selectors import catalog_reads_shared

logger = logging.getLogger(__name__)

DATABASE_FAILURE = gettext_lazy(
    "No se pudo guardar por una falla de la base de datos. No se guardó nada a medias y lo que "
    "escribiste sigue aquí: intenta de nuevo en un momento."
)


def _database_failure(form: Any) -> None:
    logger.exception("Database failure while saving a case form")
    form.add_error(None, DATABASE_FAILURE)


@login_required
def case_register(request: HttpRequest) -> HttpResponse:
    if not roles.can_register_cases(request.user):
        raise Http404
    # The forms and the service read the same catalogs, once per subform: once is enough.
    with catalog_reads_shared():
        return _case_register(request)


def _case_register(request: HttpRequest) -> HttpResponse:
    data = request.POST or None
    form = IntakeForm(data)
    affected = AffectedForm(data, prefix="afectada")
    accused = AccusedFormSet(data, prefix="senalada")
    witnesses = WitnessFormSet(data, prefix="testigo")
    incidents = IncidentFormSet(data, prefix="hecho")
    status = 200
    if request.method == "POST":
        status = 400
        valid = [f.is_valid() for f in (form, affected, accused, witnesses, incidents)]
        if all(valid) and intake_cross_check(form, affected):
            try:
                registration = services.case_register(
                    actor=request.user,  # type: ignore[arg-type]
                    dependencia=form.cleaned_data["dependencia"],
                    channel=Channel(form.cleaned_data["channel"]),
                    referred_by=form.cleaned_data["referred_by"],
                    account=form.cleaned_data["account"],
                    affected=affected.facts(),
                    accused=[f.facts() for f in accused if f.has_changed()],
                    witnesses=[f.facts() for f in witnesses if f.has_changed()],
                    incidents=[f.facts() for f in incidents if f.has_changed()],
                    consents=form.consents(),
                    contact_method=form.cleaned_data["contact_method"] or None,
                    contact_safe_times=form.cleaned_data["contact_safe_times"],
                    protocol=form.cleaned_data["protocol"],
                )
            except ValidationError as error:
                add_errors(form, error)
            except DatabaseError:
                _database_failure(form)
                status = 503
            else:
                case = registration.case
                messages.success(
                    request, _("Caso registrado con el folio %(folio)s.") % {"folio": case.folio}
                )
                if registration.registrant_may_open:
                    return redirect("cases:detail", pk=case.pk)
                return redirect("cases:list")
    return render(
        request,
        "cases/register.html",
        {
            "form": form,
            "affected": affected,
            "accused": accused,
            "witnesses": witnesses,
            "incidents": incidents,
        },
        status=status,
    )


def intake_section(request: HttpRequest, case: Case, reading: Any) -> dict[str, Any]:
    """The intake facts. People and incidents are for those who read the account; the derived
    context (no names) for everyone who opens the case; repeat-accused links for coordinación."""
    context: dict[str, Any] = {
        "derived_context": derived_context(case=case),
        "repeat_links": repeat_accused_links(user=request.user, case=case),
    }
    if reading.account:
        context["parties"] = case_parties(case)
        context["incidents"] = case_incidents(case)
    return context


@login_required
def party_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    form = PartyAddForm(request.POST or None, prefix="persona")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.party_add(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    kind=PartyKind(form.cleaned_data["kind"]),
                    facts=form.facts(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            except DatabaseError:
                _database_failure(form)
                status = 503
            else:
                messages.success(request, _("Persona agregada al caso."))
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/party_add.html", {"case": case, "form": form}, status=status)


@login_required
def incident_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    form = IncidentForm(request.POST or None, prefix="hecho")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.incident_add(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    facts=form.facts(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            except DatabaseError:
                _database_failure(form)
                status = 503
            else:
                messages.success(request, _("Hecho agregado al caso."))
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/incident_add.html", {"case": case, "form": form}, status=status)
