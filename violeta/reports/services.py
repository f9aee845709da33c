"""Every write of the public channel and its triage. One transaction each.

What the reporter does carries no identity and leaves no trace of where it came from: the
audit entries of the public side name the report, never a person or an address.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case, Channel
from violeta.cases.selectors import case_reading, cases_visible_to
from violeta.cases.services.account import case_account_append
from violeta.cases.services.intake import PartyFacts, case_register
from violeta.catalogs.models import Dependencia
from violeta.crypto.attachments import MB, attachment_check
from violeta.crypto.services import record_shred
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.reports.models import (
    EXPIRING,
    ContactWish,
    Report,
    ReportAttachment,
    ReporterRole,
    ReportMessage,
    ReportStatus,
)
from violeta.reports.receipt import receipt_hash, receipt_new

MIN_TEXT = 20


@dataclasses.dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


@dataclasses.dataclass(frozen=True)
class ReportFacts:
    reporter_role: str
    what: str
    when: str = ""
    where: str = ""
    dependencia: Dependencia | None = None
    who: str = ""
    in_danger: bool = False
    anonymous: bool = True
    name: str = ""
    contact_wish: str = ContactWish.NINGUNO
    contact_detail: str = ""
    safe_times: str = ""


def _check(facts: ReportFacts) -> None:
    problems: dict[str, str] = {}
    if facts.reporter_role not in ReporterRole.values:
        problems["reporter_role"] = _("Elige a quién le pasó.")
    if len(facts.what.strip()) < MIN_TEXT:
        problems["what"] = _("Cuéntanos qué pasó con al menos %(count)d caracteres.") % {
            "count": MIN_TEXT
        }
    if not facts.anonymous and not facts.name.strip():
        problems["name"] = _("Escribe tu nombre, o elige enviar el reporte de forma anónima.")
    if facts.contact_wish != ContactWish.NINGUNO and not facts.contact_detail.strip():
        problems["contact_detail"] = _("Escribe el teléfono o correo seguro para contactarte.")
    if problems:
        raise ValidationError(problems)


def _store_uploads(report: Report, uploads: Sequence[Upload]) -> None:
    if not uploads:
        return
    from violeta.reports.sanitize import metadata_strip

    for upload in uploads:
        content_type = attachment_check(
            upload.data,
            filename=upload.filename,
            allowed=None,
            max_bytes=settings.REPORT_MAX_UPLOAD_MB * MB,
        )
        clean = metadata_strip(upload.data, content_type)
        attachment = ReportAttachment(report=report)
        attachment.attach(clean, filename=upload.filename, content_type=content_type)
        attachment.save()


def report_submit(*, facts: ReportFacts, uploads: Sequence[Upload] = ()) -> tuple[Report, str]:
    """Store a report and return it with its receipt, which exists nowhere else."""
    _check(facts)
    now = timezone.now()
    with transaction.atomic():
        for _attempt in range(3):
            receipt = receipt_new()
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        receipt_hash=receipt_hash(receipt),
                        created_at=now,
                        reporter_role=facts.reporter_role,
                        anonymous=facts.anonymous,
                        name="" if facts.anonymous else facts.name.strip(),
                        contact_wish=facts.contact_wish,
                        contact_detail=facts.contact_detail.strip(),
                        safe_times=facts.safe_times.strip(),
                        what=facts.what.strip(),
                        when=facts.when.strip(),
                        where=facts.where.strip(),
                        dependencia=facts.dependencia,
                        who=facts.who.strip(),
                        in_danger=facts.in_danger,
                        expires_at=now + datetime.timedelta(days=settings.REPORT_RETENTION_DAYS),
                    )
                break
            except IntegrityError:  # the same receipt twice: astronomically rare
                continue
        else:  # pragma: no cover - three collisions in a row
            raise ValidationError(_("No se pudo guardar el reporte. Intenta de nuevo."))
        _store_uploads(report, uploads)
        audit_record(
            action=AuditAction.CREATE,
            target=report,
            detail={"report": True, "in_danger": facts.in_danger, "files": len(uploads)},
            actor=None,
        )
        recipients = list(User.objects.filter(role__in=[roles.Role.COORDINACION], is_active=True))
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients, kind=NotificationKind.REPORT_RECEIVED, folio=report.reference
            )
        )
    return report, receipt


def report_by_receipt(receipt: str) -> Report | None:
    """The report a receipt opens, if any (and not destroyed)."""
    return (
        Report.objects.filter(receipt_hash=receipt_hash(receipt), shredded_at__isnull=True)
        .select_related("data_key")
        .first()
    )


def reporter_message(*, report: Report, body: str, uploads: Sequence[Upload] = ()) -> ReportMessage:
    """The reporter answers or adds information, through her receipt."""
    if report.shredded_at is not None:
        raise ValidationError(_("Este reporte ya no existe."))
    if len(body.strip()) < 2 and not uploads:
        raise ValidationError({"body": _("Escribe tu mensaje.")})
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, from_reporter=True, body=body.strip() or _("(archivos adjuntos)")
        )
        _store_uploads(report, uploads)
        audit_record(
            action=AuditAction.UPDATE,
            target=report,
            detail={"reporter_message": True, "files": len(uploads)},
            actor=None,
        )
        recipients = _triage_people(report)
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.REPORT_MESSAGE,
                folio=report.reference,
            )
        )
    return message


def _triage_people(report: Report) -> list[Any]:
    people = User.objects.filter(role=roles.Role.COORDINACION, is_active=True)
    if report.triaged_by_id:
        people = people | User.objects.filter(pk=report.triaged_by_id)
    return list(people.distinct())


def may_triage(user: Any) -> bool:
    return roles.is_coordinacion(user) or roles.is_atencion(user)


def _require_triage(user: Any) -> None:
    if not may_triage(user):
        raise PermissionDenied


def report_open(*, actor: User, report: Report) -> None:
    """Reading a report is audited; a new one becomes "en revisión"."""
    _require_triage(actor)
    with transaction.atomic():
        if report.status == ReportStatus.NUEVO:
            Report.objects.filter(pk=report.pk, status=ReportStatus.NUEVO).update(
                status=ReportStatus.EN_REVISION, triaged_by=actor, triaged_at=timezone.now()
            )
            report.refresh_from_db()
        audit_record(action=AuditAction.VIEW, target=report, detail={"report": True})


def staff_reply(*, actor: User, report: Report, body: str) -> ReportMessage:
    """A reply or a question to the reporter: she reads it with her receipt."""
    _require_triage(actor)
    if report.shredded_at is not None:
        raise ValidationError(_("Este reporte ya no existe."))
    if len(body.strip()) < 2:
        raise ValidationError({"body": _("Escribe el mensaje.")})
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, from_reporter=False, body=body.strip(), author=actor
        )
        audit_record(action=AuditAction.UPDATE, target=report, detail={"staff_message": True})
    return message


def _account_text(report: Report) -> str:
    parts = [report.what]
    if report.when:
        parts.append(_("Cuándo: %(when)s") % {"when": report.when})
    if report.where:
        parts.append(_("Dónde: %(where)s") % {"where": report.where})
    for message in report.messages.filter(from_reporter=True).select_related("data_key"):
        parts.append(message.body)
    return "\n\n".join(parts)


def report_convert(
    *,
    actor: User,
    report: Report,
    dependencia: Dependencia,
    affected_name: str,
    accused_name: str,
    accused_is_public_servant: bool = False,
) -> Case:
    """Open a case from the report. Its account is what she wrote — never taken again."""
    _require_triage(actor)
    if not roles.can_register_cases(actor):
        raise PermissionDenied
    if report.case_id is not None or report.shredded_at is not None:
        raise ValidationError(_("Este reporte ya se atendió."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.case_id is not None:
            raise ValidationError(_("Este reporte ya se atendió."))
        affected = PartyFacts(display_name=affected_name.strip())
        if report.reporter_role == ReporterRole.AFECTADA and not report.anonymous:
            affected = PartyFacts(
                display_name=affected_name.strip() or report.name,
                phone=report.contact_detail if report.contact_wish == ContactWish.TELEFONO else "",
                email=report.contact_detail if report.contact_wish == ContactWish.CORREO else "",
            )
        case = case_register(
            actor=actor,
            dependencia=dependencia,
            account=_account_text(report),
            affected=affected,
            accused=[
                PartyFacts(
                    display_name=accused_name.strip(),
                    is_public_servant=accused_is_public_servant,
                )
            ],
            channel=Channel.PORTAL,
        ).case
        Report.objects.filter(pk=report.pk).update(
            case=case, status=ReportStatus.CONVERTIDO, triaged_by=actor, triaged_at=timezone.now()
        )
        report.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE, target=report, detail={"converted": True, "case": case.folio}
        )
    return case


def report_link(*, actor: User, report: Report, folio: str) -> Case:
    """Add the report to a case the worker already handles: what it says is appended to the
    case's account as an addition, dated and attributed."""
    _require_triage(actor)
    if report.case_id is not None or report.shredded_at is not None:
        raise ValidationError(_("Este reporte ya se atendió."))
    case = cases_visible_to(user=actor).filter(folio=folio.strip().upper()).first()
    if case is None or not case_reading(user=actor, case=case).act:
        raise ValidationError({"folio": _("No tienes a tu cargo un caso abierto con ese folio.")})
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.case_id is not None:
            raise ValidationError(_("Este reporte ya se atendió."))
        case_account_append(
            actor=actor,
            case=case,
            body=_("Desde el reporte %(reference)s:\n\n%(text)s")
            % {"reference": report.reference, "text": _account_text(report)},
        )
        Report.objects.filter(pk=report.pk).update(
            case=case, status=ReportStatus.VINCULADO, triaged_by=actor, triaged_at=timezone.now()
        )
        report.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE, target=report, detail={"linked": True, "case": case.folio}
        )
    return case


def report_dismiss(*, actor: User, report: Report) -> Report:
    """Closed without a case (e.g. not a matter for this protocol). It still expires."""
    _require_triage(actor)
    if report.case_id is not None:
        raise ValidationError(_("Este reporte ya se atendió."))
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.DESCARTADO, triaged_by=actor, triaged_at=timezone.now()
        )
        report.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, target=report, detail={"dismissed": True})
    return report


@dataclasses.dataclass
class ExpiryReport:
    warned: int = 0
    shredded: int = 0


def reports_expire(*, now: datetime.datetime | None = None) -> ExpiryReport:
    """Warn coordinación before reports never turned into a case are destroyed, and destroy
    those that are due: every data key (report, messages, files) is shredded and the stored
    files deleted. Idempotent."""
    now = now or timezone.now()
    result = ExpiryReport()
    warn_from = now + datetime.timedelta(days=settings.REPORT_EXPIRY_WARNING_DAYS)
    to_warn = Report.objects.filter(
        status__in=EXPIRING, expiry_warned_at__isnull=True, expires_at__lte=warn_from
    )
    for report in to_warn:
        with transaction.atomic():
            if not Report.objects.filter(pk=report.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            ):
                continue
            recipients = _triage_people(report)
            reference = report.reference
            transaction.on_commit(
                lambda recipients=recipients, reference=reference: notifications_send(  # type: ignore[misc]
                    recipients=recipients, kind=NotificationKind.REPORT_EXPIRING, folio=reference
                )
            )
            result.warned += 1
    due = Report.objects.filter(status__in=EXPIRING, expires_at__lte=now).select_related("data_key")
    for report in due:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if locked.status not in EXPIRING:
                continue
            for attachment in report.attachments.select_related("data_key"):
                attachment.blob_delete()
                record_shred(record=attachment)
            for message in report.messages.select_related("data_key"):
                record_shred(record=message)
            record_shred(record=report)
            Report.objects.filter(pk=report.pk).update(
                status=ReportStatus.DESTRUIDO, shredded_at=now
            )
            audit_record(
                action=AuditAction.SHRED, target=report, detail={"expired": True}, actor=None
            )
            result.shredded += 1
    return result
