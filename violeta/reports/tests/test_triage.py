"""Triage: replies through the receipt, a report becoming a case (its account never taken
again), a report added to a case, and the expiry of reports that never became one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.cases.models import AccountTaking, Channel
from violeta.catalogs.models import Dependencia
from violeta.crypto.attachments import AttachmentShreddedError
from violeta.notifications.models import Notification
from violeta.reports import services
from violeta.reports.models import Report, ReportStatus
from violeta.testing.factories import assign_to_affected, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

WHAT = "El coordinador de la biblioteca me toca el hombro y me dice cosas sobre mi ropa."
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\x8e\xb2"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _report(**extra: Any) -> tuple[Report, str]:
    facts = services.ReportFacts(
        reporter_role="afectada",
        what=WHAT,
        when="Desde octubre",
        where="Biblioteca central",
        who="El coordinador",
        **extra,
    )
    return services.report_submit(facts=facts)


@pytest.fixture
def storage(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    return tmp_path / "attachments"


def test_a_staff_reply_reaches_the_reporter_through_the_receipt(
    catalogs: None, coordinacion: Any
) -> None:
    report, receipt = _report()
    services.staff_reply(actor=coordinacion, report=report, body="¿Sigues trabajando ahí?")
    client = Client()
    client.post(reverse("report:follow_up"), {"receipt": receipt})
    assert "¿Sigues trabajando ahí?" in client.get(reverse("report:thread")).content.decode()


def test_only_coordinacion_and_atencion_triage(
    catalogs: None, servidora: Any, enlace: Any, autoridad: Any
) -> None:
    report, _receipt = _report()
    for user in (servidora, enlace, autoridad):
        with pytest.raises(PermissionDenied):
            services.staff_reply(actor=user, report=report, body="Hola")


def test_a_report_becomes_a_case_with_its_words_as_the_account(
    catalogs: None, coordinacion: Any
) -> None:
    report, _receipt = _report(
        anonymous=False, name="Karla Rivas", contact_wish="telefono", contact_detail="614 000 1111"
    )
    services.reporter_message(report=report, body="Además me mandó mensajes por la noche.")
    dependencia = Dependencia.objects.get(code="instituto_cultura")
    case = services.report_convert(
        actor=coordinacion,
        report=report,
        dependencia=dependencia,
        affected_name="Karla Rivas",
        accused_name="Coordinador de la biblioteca",
    )
    assert case.channel == Channel.PORTAL
    assert WHAT in case.account
    assert "Además me mandó mensajes por la noche." in case.account
    # Heard once: the only telling on record is the intake from her own words.
    assert AccountTaking.objects.filter(case=case).count() == 1
    affected = case.parties.get(kind="persona_afectada")
    assert affected.phone == "614 000 1111"
    report.refresh_from_db()
    assert (report.status, report.case) == (ReportStatus.CONVERTIDO, case)
    with pytest.raises(ValidationError, match="ya se atendió"):
        services.report_convert(
            actor=coordinacion,
            report=report,
            dependencia=dependencia,
            affected_name="X",
            accused_name="Y",
        )


def test_a_report_is_added_to_a_case_the_worker_handles(
    catalogs: None, enlace: Any, coordinacion: Any, atencion: Any
) -> None:
    case = make_case(registered_by=enlace)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    report, _receipt = _report()
    with pytest.raises(ValidationError):
        services.report_link(actor=atencion, report=report, folio="IMM-0000-99999")
    services.report_link(actor=atencion, report=report, folio=case.folio.lower())
    addition = case.account_additions.get()
    assert WHAT in addition.body
    assert report.reference in addition.body
    report.refresh_from_db()
    assert report.status == ReportStatus.VINCULADO


def test_reports_without_a_case_are_warned_about_then_destroyed(
    catalogs: None, coordinacion: Any, storage: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old, _receipt = _report()
    services.reporter_message(report=old, body="Un dato más.")
    from violeta.reports.models import ReportAttachment

    attachment = ReportAttachment(report=old)
    attachment.attach(PNG, filename="foto.png", content_type="image/png")
    attachment.save()
    converted, _other = _report()
    Report.objects.filter(pk__in=[old.pk, converted.pk]).update(
        expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    Report.objects.filter(pk=converted.pk).update(status=ReportStatus.CONVERTIDO)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.reports_expire()
    assert (first.warned, first.shredded) == (1, 0)
    assert Notification.objects.filter(recipient=coordinacion, kind="report_expiring").exists()
    assert services.reports_expire().warned == 0

    later = timezone.now() + datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_expire(now=later).shredded == 1
    old.refresh_from_db()
    assert old.status == ReportStatus.DESTRUIDO
    assert old.data_key is not None and old.data_key.destroyed_at is not None
    assert old.what is None  # the words cannot be read any more
    attachment.refresh_from_db()
    with pytest.raises(AttachmentShreddedError):
        attachment.read()
    # The stored (encrypted) file is gone too.
    assert [p for p in storage.rglob("*") if p.is_file()] == []
    converted.refresh_from_db()
    assert converted.status == ReportStatus.CONVERTIDO
    assert services.reports_expire(now=later).shredded == 0


def test_the_queue_and_the_detail_are_for_triage_and_reading_is_audited(
    catalogs: None, coordinacion: Any, servidora: Any
) -> None:
    from violeta.audit.models import AuditEntry

    report, _receipt = _report(in_danger=True)
    client = Client()
    force_login_verified(client, coordinacion)
    queue = client.get(reverse("reports:queue")).content.decode()
    assert report.reference in queue and "En peligro" in queue
    detail = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert WHAT in detail
    assert AuditEntry.objects.filter(action="view", target_id=str(report.pk)).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.EN_REVISION
    other = Client()
    force_login_verified(other, servidora)
    assert other.get(reverse("reports:detail", args=[report.pk])).status_code == 404
