"""Referral pages: a case's recommendations and referrals, one referral with its consent,
status and oficio, and the figures for coordinación.

A service's PermissionDenied is a 404, as on every case page: never a hint of what exists.
"""

from __future__ import annotations

import csv
import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from violeta.accounts import roles
from violeta.cases.models import Case, ConsentPurpose, SharedItem
from violeta.cases.selectors import CaseReading, consent_scope, consent_states
from violeta.cases.selectors_timeline import TimelineEntry
from violeta.cases.services.consent import ConsentMissing, consent_record
from violeta.cases.views.common import add_errors, visible_case
from violeta.documents.pdf import pdf_response
from violeta.referrals import rules, selectors, services
from violeta.referrals.forms import (
    FiguresForm,
    MoveForm,
    ProposeForm,
    ReferralConsentForm,
    ReferralOverrideForm,
    WishesForm,
)
from violeta.referrals.models import Referral, ReferralEvent, ReferralStatus, Residence, Wish


def _readable_case(request: HttpRequest, pk: Any) -> Case:
    case = visible_case(request, pk)
    if not selectors.may_read_referrals(user=request.user, case=case):
        raise Http404
    return case


def _readable_referral(request: HttpRequest, pk: Any) -> Referral:
    referral = get_object_or_404(
        Referral.objects.select_related("institution", "case", "data_key", "override"), pk=pk
    )
    # The case must be one the viewer may open at all, then one whose referrals she may see.
    _readable_case(request, referral.case_id)
    return referral


@dataclasses.dataclass(frozen=True)
class ReferralsPanel:
    recommendations: list[selectors.Recommendation]
    referrals: list[Referral]
    may_refer: bool

    @property
    def pending_mandatory(self) -> list[selectors.Recommendation]:
        return [
            rec
            for rec in self.recommendations
            if rec.mandatory and (rec.referral is None or not _counts(rec.referral))
        ]


def _counts(referral: Referral) -> bool:
    """A mandatory referral is met once it was sent, whatever came of it after."""
    return referral.status not in (ReferralStatus.PROPUESTA, ReferralStatus.DECLINADA)


def referrals_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    """Context for ``referrals/_section.html`` on the case page."""
    if not selectors.may_read_referrals(user=request.user, case=case):
        return {"referrals_panel": None}
    referrals = list(selectors.referrals_of(user=request.user, case=case))
    return {
        "referrals_panel": ReferralsPanel(
            recommendations=selectors.recommendations_for(
                user=request.user, case=case, referrals=referrals
            ),
            referrals=referrals,
            may_refer=services.may_refer(user=request.user, case=case),
        )
    }


def referral_timeline(user: Any, case: Case, reading: CaseReading) -> list[TimelineEntry]:
    """The case timeline's entries for its referrals: each change of status, never the reason
    or the notes."""
    if not selectors.may_read_referrals(user=user, case=case):
        return []
    events = ReferralEvent.objects.filter(referral__case=case).select_related(
        "referral__institution", "actor"
    )
    return [
        TimelineEntry(
            at=event.at,
            kind=_("Canalización"),
            actor=event.actor.full_name,
            summary=_("%(institution)s: %(status)s")
            % {
                "institution": event.referral.institution.short_name
                or event.referral.institution.name,
                "status": event.get_to_status_display(),
            },
            url=reverse("referrals:detail", args=[event.referral_id]),
            code="referral",
        )
        for event in events
    ]


def _case_page(
    request: HttpRequest, case: Case, *, wishes_form: WishesForm | None = None, status: int = 200
) -> HttpResponse:
    may_refer = services.may_refer(user=request.user, case=case)
    wishes = selectors.wishes_in_force(case=case)
    if wishes_form is None and may_refer:
        initial = (
            {"wants_denuncia": wishes.wants_denuncia, "residence": wishes.residence}
            if wishes
            else {}
        )
        wishes_form = WishesForm(initial=initial, prefix="deseos")
    return render(
        request,
        "referrals/case.html",
        {
            "case": case,
            "recommendations": selectors.recommendations_for(user=request.user, case=case),
            "referrals": selectors.referrals_of(user=request.user, case=case),
            "wishes": wishes,
            "wishes_form": wishes_form,
            "may_refer": may_refer,
        },
        status=status,
    )


@login_required
def case_referrals(request: HttpRequest, pk: Any) -> HttpResponse:
    return _case_page(request, _readable_case(request, pk))


@login_required
@require_POST
def wishes_record(request: HttpRequest, pk: Any) -> HttpResponse:
    case = _readable_case(request, pk)
    if not services.may_refer(user=request.user, case=case):
        raise Http404
    form = WishesForm(request.POST, prefix="deseos")
    if not form.is_valid():
        return _case_page(request, case, wishes_form=form, status=400)
    services.wishes_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        wants_denuncia=Wish(form.cleaned_data["wants_denuncia"]),
        residence=Residence(form.cleaned_data["residence"]),
    )
    messages.success(request, _("Registrado. Las recomendaciones se actualizaron."))
    return redirect("referrals:case", pk=case.pk)


@login_required
def propose(request: HttpRequest, pk: Any) -> HttpResponse:
    case = _readable_case(request, pk)
    if not services.may_refer(user=request.user, case=case):
        raise Http404
    recommendation = None
    code = request.POST.get("rule_code") or request.GET.get("recomendacion", "")
    if code:
        recommendation = next(
            (
                rec
                for rec in selectors.recommendations_for(user=request.user, case=case)
                if rec.code == code
            ),
            None,
        )
        if recommendation is None or recommendation.institution is None:
            raise Http404
    initial: dict[str, Any] = {}
    if recommendation is not None:
        initial = {
            "institution": recommendation.institution,
            "service": recommendation.service,
            "reason": recommendation.reason,
            "rule_code": recommendation.code,
        }
    form = ProposeForm(request.POST or None, initial=initial, prefix="canalizar")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                referral = services.referral_propose(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    institution=form.cleaned_data["institution"],
                    service=form.cleaned_data["service"],
                    reason=form.cleaned_data["reason"],
                    rule_code=form.cleaned_data["rule_code"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Canalización propuesta. Antes de enviarla, registra qué acepta ella "
                        "compartir con la institución."
                    ),
                )
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/propose.html",
        {"case": case, "form": form, "recommendation": recommendation},
        status=status,
    )


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    consent_form: ReferralConsentForm | None = None,
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = referral.case
    may_refer = services.may_refer(user=request.user, case=case) and referral.is_open
    scope = consent_scope(case=case, institution=referral.institution)
    state = next(
        (
            s
            for s in consent_states(case=case)
            if s.purpose == ConsentPurpose.CANALIZACION and s.institution == referral.institution
        ),
        None,
    )
    if may_refer and consent_form is None:
        consent_form = ReferralConsentForm(
            initial={"granted": "si", "scope": scope or []}, prefix="consentimiento"
        )
    if may_refer and move_form is None and referral.next_statuses:
        move_form = MoveForm(
            referral=referral,
            initial={"contact_person": referral.contact_person},
            prefix="estado",
        )
    rule = rules.rule_get(referral.rule_code) if referral.rule_code else None
    return render(
        request,
        "referrals/detail.html",
        {
            "case": case,
            "referral": referral,
            "rule": rule,
            "shared_labels": [
                str(SharedItem(code).label)
                for code in referral.shared_items
                if code in SharedItem.values
            ],
            "events": referral.events.select_related("actor", "data_key"),
            "oficios": referral.oficios.select_related("issued_by"),
            "consent": state,
            "may_share": scope is not None or referral.override_id is not None,
            "under_override": services.under_override(referral=referral),
            "consent_form": consent_form if may_refer else None,
            "move_form": move_form if may_refer else None,
            "may_issue": may_refer and services.may_issue_oficio(user=request.user, case=case),
            "may_override": may_refer
            and roles.can_override_consent(request.user)
            and referral.override_id is None,
        },
        status=status,
    )


@login_required
def referral_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return _detail(request, _readable_referral(request, pk))


@login_required
@require_POST
def referral_consent(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _readable_referral(request, pk)
    if not (services.may_refer(user=request.user, case=referral.case) and referral.is_open):
        raise Http404
    form = ReferralConsentForm(request.POST, prefix="consentimiento")
    if form.is_valid():
        granted = form.cleaned_data["granted"] == "si"
        try:
            consent_record(
                actor=request.user,  # type: ignore[arg-type]
                case=referral.case,
                purpose=ConsentPurpose.CANALIZACION,
                institution=referral.institution,
                granted=granted,
                scope=form.cleaned_data["scope"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Consentimiento registrado.")
                if granted
                else _("Registrado: no consiente. No se comparte nada con esa institución."),
            )
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, consent_form=form, status=400)


@login_required
def referral_override(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _readable_referral(request, pk)
    if not (
        services.may_refer(user=request.user, case=referral.case)
        and roles.can_override_consent(request.user)
        and referral.is_open
    ):
        raise Http404
    form = ReferralOverrideForm(request.POST or None, prefix="excepcion")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.referral_override(
                    actor=request.user,  # type: ignore[arg-type]
                    referral=referral,
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
                    _("Excepción registrada para esta canalización. Coordinación fue avisada."),
                )
                return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/override.html",
        {"case": referral.case, "referral": referral, "form": form},
        status=status,
    )


@login_required
@require_POST
def referral_move(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _readable_referral(request, pk)
    if not services.may_refer(user=request.user, case=referral.case):
        raise Http404
    form = MoveForm(request.POST, referral=referral, prefix="estado")
    if form.is_valid():
        try:
            services.referral_move(
                actor=request.user,  # type: ignore[arg-type]
                referral=referral,
                to=ReferralStatus(form.cleaned_data["to"]),
                note=form.cleaned_data["note"],
                contact_person=form.cleaned_data["contact_person"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ConsentMissing:
            form.add_error(
                None,
                _(
                    "No se puede enviar: ella no ha aceptado compartir su caso con esta "
                    "institución, o lo retiró. Registra su decisión primero."
                ),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Estado actualizado: %(status)s.") % {"status": referral.get_status_display()},
            )
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, move_form=form, status=400)


@login_required
@require_POST
def referral_oficio(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _readable_referral(request, pk)
    try:
        oficio = services.oficio_issue(
            actor=request.user,  # type: ignore[arg-type]
            referral=referral,
        )
    except PermissionDenied:
        raise Http404 from None
    except ConsentMissing:
        messages.error(
            request,
            _(
                "No se generó el oficio: ella no ha aceptado compartir su caso con esta "
                "institución, o lo retiró."
            ),
        )
        return redirect("referrals:detail", pk=referral.pk)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("referrals:detail", pk=referral.pk)
    return pdf_response(oficio.content, filename=oficio.filename)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    if not roles.is_coordinacion(request.user):
        raise Http404
    form = FiguresForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    rows = selectors.referral_figures(since=since, until=until)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.GET.get("formato") == "csv" and status == 200:
        return _figures_csv(rows)
    return render(request, "referrals/figures.html", {"form": form, "rows": rows}, status=status)


def _figures_csv(rows: list[selectors.InstitutionFigures]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="canalizaciones.csv"'
    response["Cache-Control"] = "no-store, private"
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Institución"),
            _("Enviadas"),
            _("Atendidas"),
            _("Tasa de atención"),
            _("Días a la atención (mediana)"),
            _("Días a la atención (promedio)"),
            _("Sin respuesta"),
            _("Rechazadas"),
            _("Declinadas por ella"),
            _("En curso"),
        ]
    )
    for row in rows:
        rate = row.completion_rate
        writer.writerow(
            [
                row.institution.name,
                row.sent,
                row.attended,
                "" if rate is None else f"{rate:.2f}",
                "" if row.median_days is None else row.median_days,
                "" if row.mean_days is None else row.mean_days,
                row.unanswered,
                row.rejected,
                row.declined,
                row.in_progress,
            ]
        )
    return response
