"""The public channel (no login, no JavaScript needed) and its triage by staff.

Public pages never store who sent anything: the throttles count in the cache under a keyed
hash of the address that expires, and the receipt opens a report only for this browser
session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.views.common import add_errors
from violeta.crypto.attachments import attachment_response
from violeta.reports import services
from violeta.reports.forms import (
    ConvertForm,
    LinkForm,
    ReceiptForm,
    ReplyForm,
    ReporterMessageForm,
    ReportForm,
    form_started_token,
)
from violeta.reports.models import Report, ReportAttachment, ReportStatus
from violeta.reports.receipt import throttle_count, throttled

SESSION_KEY = "violeta_report"
SUBMIT_WINDOW = 60 * 60
RECEIPT_WINDOW = 15 * 60


def _uploads(files: list[Any]) -> list[services.Upload]:
    return [services.Upload(data=f.read(), filename=f.name) for f in files]


# Public side -------------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    """Before anything else: is she in danger now?"""
    return render(request, "reports/start.html")


def danger(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/danger.html")


def _refused(request: HttpRequest, form: ReportForm, status: int) -> HttpResponse:
    # A new time token, so the form she corrects can be sent again.
    data = form.data.copy()  # type: ignore[attr-defined]
    data["started"] = form_started_token()
    form.data = data
    return render(request, "reports/form.html", {"form": form}, status=status)


@never_cache
def report_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {"in_danger": request.GET.get("peligro") == "1"}
        return render(request, "reports/form.html", {"form": ReportForm(initial=initial)})
    form = ReportForm(request.POST, request.FILES)
    if throttled(request, "submit", limit=settings.REPORT_SUBMIT_LIMIT, window=SUBMIT_WINDOW):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Recibimos muchos reportes desde esta conexión en la última hora. Tus datos "
                "siguen aquí: inténtalo más tarde, o llama al 072 ext. 2604. En una emergencia, "
                "llama al 911."
            ),
        )
        return _refused(request, form, 429)
    if not form.is_valid():
        return _refused(request, form, 400)
    data = form.cleaned_data
    facts = services.ReportFacts(
        reporter_role=data["reporter_role"],
        what=data["what"],
        when=data["when"],
        where=data["where"],
        dependencia=data["dependencia"],
        who=data["who"],
        in_danger=data["in_danger"],
        anonymous=data["anonymous"] == "si",
        name=data["name"],
        contact_wish=data["contact_wish"],
        contact_detail=data["contact_detail"],
        safe_times=data["safe_times"],
    )
    try:
        report, receipt = services.report_submit(facts=facts, uploads=_uploads(data["attachments"]))
    except ValidationError as error:
        add_errors(form, error)
        return _refused(request, form, 400)
    throttle_count(request, "submit", window=SUBMIT_WINDOW)
    # Shown once, never stored: the page must not be cached anywhere.
    return render(
        request,
        "reports/receipt.html",
        {"receipt": receipt, "in_danger": report.in_danger},
    )


@never_cache
def follow_up(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if throttled(
            request, "receipt", limit=settings.RECEIPT_FAILURE_LIMIT, window=RECEIPT_WINDOW
        ):
            form.add_error(
                None,
                _(
                    "Demasiados intentos con recibos que no existen. Por seguridad, espera 15 "
                    "minutos antes de intentar de nuevo."
                ),
            )
            return render(request, "reports/follow_up.html", {"form": form}, status=429)
        if form.is_valid():
            report = services.report_by_receipt(form.cleaned_data["receipt"])
            if report is not None:
                request.session.cycle_key()
                request.session[SESSION_KEY] = str(report.pk)
                return redirect("report:thread")
            throttle_count(request, "receipt", window=RECEIPT_WINDOW)
            form.add_error(
                "receipt",
                _("Ese recibo no corresponde a ningún reporte. Revisa los 16 números."),
            )
    return render(request, "reports/follow_up.html", {"form": form}, status=status)


def _session_report(request: HttpRequest) -> Report | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Report.objects.filter(pk=pk, shredded_at__isnull=True).select_related("data_key").first()


@never_cache
def thread(request: HttpRequest) -> HttpResponse:
    report = _session_report(request)
    if report is None:
        return redirect("report:follow_up")
    form = ReporterMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reporter_message(
                    report=report,
                    body=form.cleaned_data["body"],
                    uploads=_uploads(form.cleaned_data["attachments"]),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Recibimos tu mensaje."))
                return redirect("report:thread")
    return render(
        request,
        "reports/thread.html",
        {
            "report": report,
            "thread": report.messages.select_related("data_key"),
            "form": form,
        },
        status=status,
    )


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("report:start")


# Staff side --------------------------------------------------------------------------------


def _triager(request: HttpRequest) -> None:
    if not services.may_triage(request.user):
        raise Http404


def _report(request: HttpRequest, pk: Any) -> Report:
    _triager(request)
    return get_object_or_404(
        Report.objects.select_related("data_key", "dependencia", "case"),
        pk=pk,
        shredded_at__isnull=True,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _triager(request)
    reports = Report.objects.select_related("dependencia").order_by("-created_at")
    open_statuses = (ReportStatus.NUEVO, ReportStatus.EN_REVISION)
    # Every pending report; of the handled ones, the newest hundred. Two queries, no scan.
    pending = list(reports.filter(status__in=open_statuses))
    done = list(reports.exclude(status__in=open_statuses)[:100])
    return render(request, "reports/queue.html", {"pending": pending, "done": done})


def _detail(
    request: HttpRequest, report: Report, *, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "thread": report.messages.select_related("author", "data_key"),
            "attachments": report.attachments.select_related("data_key"),
            "reply_form": forms.get("reply_form") or ReplyForm(prefix="respuesta"),
            "convert_form": forms.get("convert_form")
            or ConvertForm(
                prefix="caso",
                initial={
                    "dependencia": report.dependencia,
                    "affected_name": report.name
                    if report.reporter_role == "afectada" and not report.anonymous
                    else _("Persona afectada (reporte %(reference)s)")
                    % {"reference": report.reference},
                    "accused_name": report.who[:200],
                },
            ),
            "link_form": forms.get("link_form") or LinkForm(prefix="vincular"),
            "open": report.case_id is None,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    report = _report(request, pk)
    services.report_open(actor=request.user, report=report)  # type: ignore[arg-type]
    return _detail(request, report)


@login_required
@require_POST
def reply(request: HttpRequest, pk: Any) -> HttpResponse:
    report = _report(request, pk)
    form = ReplyForm(request.POST, prefix="respuesta")
    if form.is_valid():
        try:
            services.staff_reply(actor=request.user, report=report, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Mensaje enviado: lo leerá al entrar con su recibo."))
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, status=400, reply_form=form)


@login_required
@require_POST
def convert(request: HttpRequest, pk: Any) -> HttpResponse:
    report = _report(request, pk)
    form = ConvertForm(request.POST, prefix="caso")
    if form.is_valid():
        try:
            case = services.report_convert(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                dependencia=form.cleaned_data["dependencia"],
                affected_name=form.cleaned_data["affected_name"],
                accused_name=form.cleaned_data["accused_name"],
                accused_is_public_servant=form.cleaned_data["accused_is_public_servant"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Caso %(folio)s abierto con lo que escribió: no se le pedirá que lo repita.")
                % {"folio": case.folio},
            )
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, report, status=400, convert_form=form)


@login_required
@require_POST
def link(request: HttpRequest, pk: Any) -> HttpResponse:
    report = _report(request, pk)
    form = LinkForm(request.POST, prefix="vincular")
    if form.is_valid():
        try:
            case = services.report_link(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                folio=form.cleaned_data["folio"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Reporte agregado al caso %(folio)s.") % {"folio": case.folio}
            )
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, report, status=400, link_form=form)


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: Any) -> HttpResponse:
    report = _report(request, pk)
    try:
        services.report_dismiss(actor=request.user, report=report)  # type: ignore[arg-type]
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Reporte cerrado sin caso. Se destruirá al vencer su plazo."))
    return redirect("reports:detail", pk=report.pk)


@login_required
def attachment(request: HttpRequest, pk: Any) -> HttpResponse:
    _triager(request)
    item = get_object_or_404(
        ReportAttachment.objects.select_related("report", "data_key"),
        pk=pk,
        report__shredded_at__isnull=True,
    )
    audit_record(action=AuditAction.VIEW, target=item.report, detail={"attachment": str(item.pk)})
    return attachment_response(item)
