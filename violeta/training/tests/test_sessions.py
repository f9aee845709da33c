"""Training sessions: who may create and see them, attendance by hand and by dependencia,
issuing and revoking constancias, and the demo session of 4 December 2021."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from violeta.catalogs.selectors import dependencias
from violeta.testing.second_factor import force_login_verified
from violeta.training.models import (
    Attendance,
    Certificate,
    Course,
    SessionMode,
    TrainingSession,
)
from violeta.training.services_sessions import (
    Attendee,
    attendance_by_dependencia,
    attendees_record,
    session_certificates_issue,
    session_create,
)

pytestmark = pytest.mark.django_db

DEMO_DEPENDENCIAS = {
    "dif_municipal",
    "instituto_cultura",
    "desarrollo_humano_educacion",
    "cultura_fisica_deporte",
}


def _dependencia(code: str) -> Any:
    return next(dep for dep in dependencias() if dep.code == code)


@pytest.fixture
def course(catalogs: None, courses: Any) -> Course:
    return Course.objects.get(code="tipos-y-modalidades")


@pytest.fixture
def training_session(course: Course, coordinacion: Any) -> TrainingSession:
    session = session_create(
        actor=coordinacion,
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=datetime.date(2021, 12, 4),
        place="Auditorio del DIF Municipal",
        given_by="Instituto Municipal de las Mujeres",
    )
    attendees_record(
        actor=coordinacion,
        session=session,
        attendees=[
            Attendee("Ana Torres", _dependencia("dif_municipal"), email="ana@municipio.gob.mx"),
            Attendee("Luis Ramírez", _dependencia("dif_municipal"), employee_number="E-1"),
            Attendee("María Núñez", _dependencia("instituto_cultura")),
        ],
    )
    return session


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def test_coordinacion_registers_a_session_and_finds_it_in_the_list(
    course: Course, coordinacion: Any
) -> None:
    client = _client(coordinacion)
    response = client.post(
        reverse("training:session_create"),
        {
            "course": course.pk,
            "mode": SessionMode.PRESENCIAL,
            "held_on": "2021-12-04",
            "place": "DIF Municipal",
            "given_by": "Instituto Municipal de las Mujeres",
        },
    )
    session = TrainingSession.objects.get()
    assert response.headers["Location"] == reverse("training:session_detail", args=[session.pk])
    assert session.created_by == coordinacion
    assert session.held_on == datetime.date(2021, 12, 4)
    listing = client.get(reverse("training:sessions")).content.decode()
    assert reverse("training:session_detail", args=[session.pk]) in listing
    assert course.title in listing


def test_a_refused_session_keeps_what_was_typed(course: Course, coordinacion: Any) -> None:
    response = _client(coordinacion).post(
        reverse("training:session_create"),
        {"course": course.pk, "mode": "a_distancia", "held_on": "", "place": "Sala 4"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Sala 4"' in html
    assert 'role="alert"' in html
    assert not TrainingSession.objects.exists()


def test_only_coordinacion_creates_sessions(course: Course, atencion: Any) -> None:
    with pytest.raises(PermissionDenied):
        session_create(
            actor=atencion,
            course=course,
            mode=SessionMode.EN_LINEA,
            held_on=datetime.date(2026, 3, 8),
            place="",
            given_by="IMM",
        )


NOTHING = (404, 404, 404, 404)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("servidora", NOTHING),
        ("atencion", (200, 200, 404, 404)),
        ("enlace", NOTHING),
        ("coordinacion", (200, 200, 200, 200)),
        ("autoridad", NOTHING),
        ("admin_sistema", NOTHING),
        ("outsider", NOTHING),
    ],
    indirect=["persona"],
)
def test_atencion_views_coordinacion_manages_and_nobody_else_sees_sessions(
    persona: Any, expected: tuple[int, ...], training_session: TrainingSession
) -> None:
    client = _client(persona)
    answers = (
        client.get(reverse("training:sessions")).status_code,
        client.get(reverse("training:session_detail", args=[training_session.pk])).status_code,
        client.get(reverse("training:session_create")).status_code,
        client.get(
            reverse("training:session_attendee_add", args=[training_session.pk])
        ).status_code,
    )
    assert answers == expected


def test_anonymous_visitors_are_sent_to_log_in(training_session: TrainingSession) -> None:
    response = Client().get(reverse("training:session_detail", args=[training_session.pk]))
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_the_session_page_counts_attendance_by_dependencia(
    training_session: TrainingSession, atencion: Any
) -> None:
    counts = attendance_by_dependencia(session=training_session)
    assert [(row.code, row.count) for row in counts] == [
        ("dif_municipal", 2),
        ("instituto_cultura", 1),
    ]
    html = (
        _client(atencion)
        .get(reverse("training:session_detail", args=[training_session.pk]))
        .content.decode()
    )
    assert '<th scope="row">DIF Municipal</th><td>2</td>' in html
    assert '<th scope="row">Instituto de Cultura</th><td>1</td>' in html
    assert "3 personas en total" in html
    # Atención looks; the buttons to change anything are coordinación's.
    assert reverse("training:session_import", args=[training_session.pk]) not in html


def test_adding_a_person_by_hand_twice_records_her_once_linked_to_her_account(
    training_session: TrainingSession, coordinacion: Any, servidora: Any
) -> None:
    client = _client(coordinacion)
    url = reverse("training:session_attendee_add", args=[training_session.pk])
    data = {
        "full_name": "Servidora Pública",
        "dependencia": _dependencia("dif_municipal").pk,
        "email": "Servidora@prueba.violeta.mx",
        "employee_number": "",
    }
    assert client.post(url, data).status_code == 302
    page = client.post(url, data, follow=True).content.decode()
    assert "ya estaba registrada" in page
    attendance = training_session.attendances.get(email="servidora@prueba.violeta.mx")
    assert attendance.user == servidora
    assert training_session.attendances.count() == 4


def test_a_refused_attendee_keeps_what_was_typed(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    response = _client(coordinacion).post(
        reverse("training:session_attendee_add", args=[training_session.pk]),
        {"full_name": "Eva Soto", "email": "eva@@x", "dependencia": ""},
    )
    assert response.status_code == 400
    assert 'value="Eva Soto"' in response.content.decode()
    assert training_session.attendances.count() == 3


def test_every_attendee_gets_one_constancia_however_often_they_are_issued(
    training_session: TrainingSession, coordinacion: Any, atencion: Any
) -> None:
    client = _client(coordinacion)
    url = reverse("training:session_certificates_issue", args=[training_session.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Se emitieron 3 constancias." in page
    assert session_certificates_issue(actor=coordinacion, session=training_session) == 0
    certificates = Certificate.objects.filter(attendance__session=training_session)
    assert certificates.count() == 3
    ana = certificates.get(holder_name="Ana Torres")
    assert ana.dependencia == _dependencia("dif_municipal")
    assert ana.course.code == "tipos-y-modalidades"
    assert ana.code in page
    # Atención sees the list but may not issue.
    assert _client(atencion).post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        session_certificates_issue(actor=atencion, session=training_session)


def test_coordinacion_revokes_with_a_reason_and_the_public_page_says_so(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    session_certificates_issue(actor=coordinacion, session=training_session)
    certificate = Certificate.objects.get(holder_name="María Núñez")
    client = _client(coordinacion)
    url = reverse("training:session_certificate_revoke", args=[certificate.pk])
    refused = client.post(url, {"reason": "Error"})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.content.decode()
    response = client.post(url, {"reason": "No asistió; se registró por error."})
    assert response.headers["Location"] == reverse(
        "training:session_certificates", args=[training_session.pk]
    )
    certificate.refresh_from_db()
    assert certificate.revoked_by == coordinacion
    public = Client().get(reverse("verify:code", args=[certificate.code])).content.decode()
    assert "Constancia revocada" in public
    assert "se registró por error" not in public


def test_atencion_may_not_revoke(
    training_session: TrainingSession, coordinacion: Any, atencion: Any
) -> None:
    session_certificates_issue(actor=coordinacion, session=training_session)
    certificate = Certificate.objects.first()
    assert certificate is not None
    url = reverse("training:session_certificate_revoke", args=[certificate.pk])
    assert _client(atencion).post(url, {"reason": "Por error de captura."}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.valid


# The demo session (acceptance criterion) ---------------------------------------------------


def test_the_demo_session_of_4_december_2021_has_the_four_dependencias(
    settings: Any, catalogs: None, courses: Any
) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_training", stdout=StringIO())
    call_command("seed_demo_training", stdout=StringIO())
    session = TrainingSession.objects.get()
    assert session.held_on == datetime.date(2021, 12, 4)
    assert session.mode == SessionMode.PRESENCIAL
    assert session.course.code == "tipos-y-modalidades"
    assert "Instituto Municipal de las Mujeres" in session.given_by
    per_dependencia = {row.code: row.count for row in attendance_by_dependencia(session=session)}
    assert set(per_dependencia) == DEMO_DEPENDENCIAS
    assert all(count >= 2 for count in per_dependencia.values())
    attendances = Attendance.objects.filter(session=session)
    assert attendances.filter(certificate__isnull=True).count() == 0
    assert Certificate.objects.count() == attendances.count()
    assert attendances.get(email="servidora@demo.violeta.mx").user is not None


def test_the_demo_session_needs_debug_and_the_demo_accounts(
    settings: Any, catalogs: None, courses: Any
) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_training")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_training")
