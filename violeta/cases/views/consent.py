"""Her consent per purpose, overrides required by law, and how she may be contacted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from violeta.accounts import roles
from violeta.cases import services
from violeta.cases.forms_consent import (
    ConsentDecisionForm,
    ConsentOverrideForm,
    ContactPreferenceForm,
)
from violeta.cases.models import Case, ConsentPurpose, ContactMethod
from violeta.cases.selectors import consent_states
from violeta.cases.shared_reads import known_absent
from violeta.cases.views.common import acting_case, add_errors


def consent_section(request: HttpRequest, case: Case, reading: Any) -> dict[str, Any]:
    """Whether she consented is visible to whoever opens the case (it decides what they may
    do); how to contact her only to those who read her account."""
    context: dict[str, Any] = {"consents": consent_states(case=case)}
    if reading.act:
        context["consent_form"] = ConsentDecisionForm(prefix="consentimiento")
        context["may_override"] = roles.can_override_consent(request.user)
    if reading.account:
        context["contact"] = (
            None
            if known_absent(case, "has_contact_preferences")
            else case.contact_preferences.select_related("data_key").last()
        )
    return context


@login_required
@require_POST
def consent_decide(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    form = ConsentDecisionForm(request.POST, prefix="consentimiento")
    if form.is_valid():
        try:
            services.consent_record(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                purpose=ConsentPurpose(form.cleaned_data["purpose"]),
                institution=form.cleaned_data["institution"],
                granted=form.cleaned_data["granted"] == "si",
                scope=form.cleaned_data["scope"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            if form.cleaned_data["granted"] == "si":
                messages.success(request, _("Consentimiento registrado."))
            else:
                messages.success(
                    request,
                    _(
                        "Registrado: no consiente. Desde ahora no se comparte nada para esa "
                        "finalidad."
                    ),
                )
            return redirect("cases:detail", pk=case.pk)
    for problem in [*form.non_field_errors(), *[e for f in form.errors.values() for e in f]]:
        messages.error(request, problem)
    return redirect("cases:detail", pk=case.pk)


@login_required
def consent_override(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    if not roles.can_override_consent(request.user):
        raise Http404
    form = ConsentOverrideForm(request.POST or None, prefix="excepcion")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.consent_override(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    purpose=ConsentPurpose(form.cleaned_data["purpose"]),
                    institution=form.cleaned_data["institution"],
                    reason=form.cleaned_data["reason"],
                    scope=form.cleaned_data["scope"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.warning(
                    request,
                    _("Excepción registrada para un solo envío. Coordinación fue avisada."),
                )
                return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/consent_override.html", {"case": case, "form": form}, status=status
    )


@login_required
def contact_preference(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    form = ContactPreferenceForm(request.POST or None, prefix="contacto")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.contact_preference_record(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                method=ContactMethod(form.cleaned_data["method"]),
                safe_times=form.cleaned_data["safe_times"],
            )
            messages.success(request, _("Forma de contacto registrada."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/contact.html", {"case": case, "form": form}, status=status)
