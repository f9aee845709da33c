"""The constancia PDF, its audited download, and the public verification page: valid, forged,
malformed and revoked codes, without logging in, throttled against guessing."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from violeta.audit.models import AuditAction, AuditEntry
from violeta.catalogs.selectors import dependencias
from violeta.documents.testing import pdf_metadata, pdf_text
from violeta.testing.second_factor import force_login_verified
from violeta.training.certificates import certificate_issue, certificate_revoke, code_new
from violeta.training.constancia import certificate_pdf
from violeta.training.models import Certificate, Course, SessionMode
from violeta.training.services_sessions import (
    Attendee,
    attendees_record,
    session_create,
)
from violeta.training.views_public import FAILURE_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(catalogs: None, courses: Any, coordinacion: Any) -> Certificate:
    session = session_create(
        actor=coordinacion,
        course=Course.objects.get(code="tipos-y-modalidades"),
        mode=SessionMode.PRESENCIAL,
        held_on=datetime.date(2021, 12, 4),
        place="DIF Municipal",
        given_by="Instituto Municipal de las Mujeres",
    )
    dif = next(dep for dep in dependencias() if dep.code == "dif_municipal")
    attendees_record(
        actor=coordinacion,
        session=session,
        attendees=[Attendee("Patricia Meléndez Ruiz", dif, employee_number="DIF-1042")],
    )
    attendance = session.attendances.get()
    return certificate_issue(
        course=session.course,
        holder_name=attendance.full_name,
        dependencia=dif,
        attendance=attendance,
    )


# The PDF ---------------------------------------------------------------------------------


def test_the_pdf_names_holder_course_date_dependencia_and_code(certificate: Certificate) -> None:
    data = certificate_pdf(certificate)
    text = " ".join(pdf_text(data).split())
    assert "Constancia" in text
    assert "Patricia Meléndez Ruiz" in text
    assert certificate.course.title_es in text
    assert "4 de diciembre de 2021" in text
    assert "DIF Municipal" in text
    assert certificate.code in text
    # Without a configured public address, the path on the site is printed.
    assert f"/constancia/{certificate.code}/" in text
    # No personal data in the file's metadata.
    assert pdf_metadata(data)["/Title"] == "Constancia"


def test_the_pdf_carries_a_qr_code_and_the_absolute_address_when_configured(
    certificate: Certificate, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://violeta.chihuahua.gob.mx/"
    data = certificate_pdf(certificate)
    text = "".join(pdf_text(data).split())
    assert f"https://violeta.chihuahua.gob.mx/constancia/{certificate.code}/" in text
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1


def test_a_revoked_constancia_prints_as_revoked(
    certificate: Certificate, coordinacion: Any
) -> None:
    certificate_revoke(actor=coordinacion, certificate=certificate, reason="Emitida por error.")
    certificate.refresh_from_db()
    assert "Revocada" in pdf_text(certificate_pdf(certificate))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("servidora", 404),
        ("atencion", 200),
        ("enlace", 404),
        ("coordinacion", 200),
        ("autoridad", 404),
        ("admin_sistema", 404),
        ("outsider", 404),
    ],
    indirect=["persona"],
)
def test_staff_who_see_sessions_download_constancias_and_it_is_audited(
    client: Client, certificate: Certificate, persona: Any, expected: int
) -> None:
    force_login_verified(client, persona)
    response = client.get(reverse("training:session_certificate_pdf", args=[certificate.pk]))
    assert response.status_code == expected
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=persona)
    assert exports.count() == (1 if expected == 200 else 0)


def test_the_download_is_a_pdf_and_the_audit_holds_codes_only(
    client: Client, certificate: Certificate, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    response = client.get(reverse("training:session_certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert certificate.code in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.target_id == str(certificate.pk)
    assert entry.detail == {"document": "constancia", "course": "tipos-y-modalidades"}


def test_anonymous_visitors_cannot_download(certificate: Certificate) -> None:
    response = Client().get(reverse("training:session_certificate_pdf", args=[certificate.pk]))
    assert response.headers["Location"].startswith(reverse("accounts:login"))


# Public verification ---------------------------------------------------------------------


def test_anyone_sees_a_valid_constancia_with_its_holder_course_date_and_dependencia(
    certificate: Certificate,
) -> None:
    response = Client().get(reverse("verify:code", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Constancia válida" in html
    assert "Patricia Meléndez Ruiz" in html
    assert certificate.course.title_es in html
    assert "4 de diciembre de 2021" in html.lower()
    assert "Sistema para el Desarrollo Integral de la Familia" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_the_form_accepts_the_code_as_people_type_it(certificate: Certificate) -> None:
    typed = certificate.code.lower().replace("-", " ")
    response = Client().get(reverse("verify:check"), {"codigo": typed})
    assert response.status_code == 200
    assert "Constancia válida" in response.content.decode()


def test_a_forged_code_is_reported_as_not_existing(certificate: Certificate) -> None:
    forged = code_new()
    response = Client().get(reverse("verify:code", args=[forged]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "No existe una constancia con ese código" in html
    assert "Constancia válida" not in html


def test_a_malformed_code_is_reported_as_malformed(certificate: Certificate) -> None:
    wrong = ("3" if certificate.code[0] != "3" else "4") + certificate.code[1:]
    for url in (
        reverse("verify:code", args=[wrong]),
        reverse("verify:check") + "?codigo=ABC",
    ):
        response = Client().get(url)
        assert response.status_code == 400
        assert "El código no tiene el formato correcto" in response.content.decode()


def test_a_revoked_constancia_shows_the_date_but_not_the_reason(
    certificate: Certificate, coordinacion: Any
) -> None:
    certificate_revoke(
        actor=coordinacion, certificate=certificate, reason="Se capturó a otra persona."
    )
    certificate.refresh_from_db()
    response = Client().get(reverse("verify:code", args=[certificate.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Constancia revocada" in html
    assert f"{certificate.revoked_at:%Y}" in html
    assert "Se capturó a otra persona" not in html
    assert "Constancia válida" not in html


def test_the_public_page_needs_no_login_keeps_the_quick_exit_and_loads_nothing_from_outside(
    certificate: Certificate,
) -> None:
    response = Client().get(reverse("verify:check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="salida-rapida"' in html
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css|woff2?|png|svg)"', html)
    assert 'method="get"' in html


def test_guessing_codes_is_throttled_per_client(certificate: Certificate) -> None:
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(FAILURE_LIMIT):
        assert guesser.get(reverse("verify:code", args=[code_new()])).status_code == 404
    # Even a real code waits once the limit is reached, so guesses learn nothing.
    refused = guesser.get(reverse("verify:code", args=[certificate.code]))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Demasiadas consultas" in html
    assert "Patricia" not in html
    # Another client is not affected, and valid lookups never count.
    other = Client(REMOTE_ADDR="198.51.100.2")
    for _ in range(FAILURE_LIMIT + 5):
        assert other.get(reverse("verify:code", args=[certificate.code])).status_code == 200
