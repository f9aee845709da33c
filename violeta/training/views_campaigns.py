"""Campaign pages (list, detail, create, edit, add an activity) and the coverage indicators
with their charts and exports.

Coordinación manages campaigns and sees the coverage; atención may look at campaigns. For
everybody else these pages do not exist (404), as elsewhere in the staff area.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.training import charts, services_campaigns
from violeta.training.coverage import (
    Cell,
    CoverageReport,
    Table,
    coverage_data,
    coverage_report,
)
from violeta.training.forms_campaigns import ActivityForm, CampaignForm, CoverageForm
from violeta.training.models import Campaign, CampaignKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return
    for text in error.messages:
        form.add_error(None, text)


def _viewable_campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(services_campaigns.campaigns_visible_to(user=request.user), pk=pk)


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    if not services_campaigns.may_manage_campaigns(request.user):
        raise Http404
    return _viewable_campaign(request, pk)


# --- Campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not services_campaigns.may_view_campaigns(request.user):
        raise Http404
    today = timezone.localdate()
    starts, ends = services_campaigns.sixteen_days(today.year)
    return render(
        request,
        "training/campaigns_list.html",
        {
            "campaigns": services_campaigns.campaigns_visible_to(user=request.user),
            "may_manage": services_campaigns.may_manage_campaigns(request.user),
            "sixteen_days": {"year": today.year, "starts": starts, "ends": ends},
            "next_orange_day": services_campaigns.next_orange_day(today),
            "kinds": CampaignKind,
        },
    )


def _campaign_values(form: CampaignForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "action_lines": list(data["action_lines"]),
        "description": data["description"],
    }


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not services_campaigns.may_manage_campaigns(request.user):
        raise Http404
    year = request.GET.get("anio", "")
    initial = services_campaigns.campaign_defaults(
        request.GET.get("tipo", ""),
        today=timezone.localdate(),
        year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
    )
    form = CampaignForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                campaign = services_campaigns.campaign_create(
                    actor=request.user, **_campaign_values(form)
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Campaña registrada."))
                return redirect("training:campaign_detail", pk=campaign.pk)
    return render(
        request, "training/campaigns_form.html", {"form": form, "campaign": None}, status=status
    )


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    initial = {
        "name": campaign.name,
        "kind": campaign.kind,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "action_lines": list(campaign.action_lines.all()),
        "description": campaign.description,
    }
    form = CampaignForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services_campaigns.campaign_update(
                    actor=request.user, campaign=campaign, **_campaign_values(form)
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Campaña actualizada."))
                return redirect("training:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "training/campaigns_form.html",
        {"form": form, "campaign": campaign},
        status=status,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _viewable_campaign(request, pk)
    return render(
        request,
        "training/campaigns_detail.html",
        {
            "campaign": campaign,
            "summary": services_campaigns.campaign_summary(campaign=campaign),
            "may_manage": services_campaigns.may_manage_campaigns(request.user),
        },
    )


@login_required
def campaign_activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    initial = {"held_on": campaign.starts_on}
    form = ActivityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services_campaigns.activity_add(
                    actor=request.user,
                    campaign=campaign,
                    held_on=form.cleaned_data["held_on"],
                    title=form.cleaned_data["title"],
                    reach=form.cleaned_data["reach"],
                    dependencia=form.cleaned_data["dependencia"],
                    place=form.cleaned_data["place"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Actividad registrada."))
                return redirect("training:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "training/campaigns_activity_form.html",
        {"form": form, "campaign": campaign},
        status=status,
    )


# --- Coverage -------------------------------------------------------------------------------


def _charts(report: CoverageReport) -> dict[str, Any]:
    if report.course is None:
        return {}
    course = report.course.title
    return {
        "dependencias": charts.bar_chart(
            chart_id="grafica-dependencias",
            title=_("%(course)s: porcentaje del personal con constancia, por dependencia")
            % {"course": course},
            description=_(
                "Barras horizontales de 0 a 100 %%, una por dependencia, al %(date)s. Los mismos "
                "datos están en la tabla que sigue."
            )
            % {"date": report.as_of.isoformat()},
            bars=[
                charts.Bar(
                    label.short_name or label.name,
                    share.percent,
                    _("%(trained)s de %(staff)s")
                    % {"trained": share.trained, "staff": share.staff},
                )
                for label, share in report.by_dependencia
            ],
        ),
        "meses": charts.step_chart(
            chart_id="grafica-meses",
            title=_("%(course)s: cobertura acumulada por mes") % {"course": course},
            description=_(
                "Línea escalonada del porcentaje del personal activo con constancia al cierre de "
                "cada mes. Los mismos datos están en la tabla que sigue."
            ),
            points=[
                charts.Point(
                    label=str(MONTHS_3[row.month.month]),
                    label_second_line=str(row.month.year),
                    percent=row.share.percent,
                )
                for row in report.by_month
            ],
        ),
    }


def _safe_cell(cell: Cell) -> Cell:
    """A text that a spreadsheet would take for a formula is kept as text (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def _export_headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _csv(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow([_safe_cell(header) for header in table.headers])
    for row in table.all_rows():
        writer.writerow(["" if cell is None else _safe_cell(cell) for cell in row])
    return _export_headers(response, filename)


def _xlsx(table: Table, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = table.key[:31]
    sheet.append([_safe_cell(header) for header in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.all_rows():
        sheet.append([_safe_cell(cell) for cell in row])
    for column in table.percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "0.0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _export_headers(HttpResponse(buffer.getvalue(), content_type=XLSX), filename)


def _export(request: HttpRequest, report: CoverageReport, tables: dict[str, Table]) -> HttpResponse:
    fmt, key = request.GET.get("formato"), request.GET.get("tabla", "")
    table = tables.get(key)
    if table is None or fmt not in ("csv", "xlsx"):
        raise Http404
    course = f"-{report.course.code}" if report.course and key in ("dependencias", "meses") else ""
    filename = f"cobertura-{key}{course}-{report.as_of.isoformat()}.{fmt}"
    # The owes list names people: its export is audited like any export of personal data.
    audit_record(
        action=AuditAction.EXPORT,
        detail={"table": key, "format": fmt, "rows": len(table.rows)},
    )
    return _csv(table, filename) if fmt == "csv" else _xlsx(table, filename)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    if not roles.is_coordinacion(request.user):
        raise Http404
    form = CoverageForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "training/coverage.html",
            {"form": form, "report": None, "tables": {}, "charts": {}},
            status=400,
        )
    course = form.cleaned_data["course"]
    report = coverage_report(
        coverage_data(),
        course_id=course.pk if course else None,
        first_month=form.cleaned_data["since"],
        last_month=form.cleaned_data["until"],
    )
    tables = report.tables()
    if "formato" in request.GET:
        return _export(request, report, tables)
    # The filters as applied (the defaults filled in), shown in the form and carried by the
    # download links so that a file holds exactly what the page shows.
    applied = {
        "since": form.cleaned_data["since"].strftime("%Y-%m"),
        "until": form.cleaned_data["until"].strftime("%Y-%m"),
        **({"course": str(course.pk)} if course else {}),
    }
    return render(
        request,
        "training/coverage.html",
        {
            "form": CoverageForm(initial={**applied, "course": course}),
            "report": report,
            "tables": tables,
            "charts": _charts(report),
            "query": urlencode(applied),
        },
    )


urlpatterns = [
    path("campanas/", campaign_list, name="campaign_list"),
    path("campanas/nueva/", campaign_new, name="campaign_new"),
    path("campanas/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campanas/<int:pk>/editar/", campaign_edit, name="campaign_edit"),
    path("campanas/<int:pk>/actividad/", campaign_activity_add, name="campaign_activity_add"),
    path("cobertura/", coverage, name="coverage"),
]
