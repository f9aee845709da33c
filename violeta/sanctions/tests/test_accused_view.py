"""The accused's own file: only for him and his representative, once notified; only what is
his; never anything of hers (contact data, account, attention, measures on her, her evidence
or arguments)."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from violeta.cases.models import Service, SessionMode
from violeta.cases.services.attention import session_record
from violeta.sanctions.models import (
    Evidence,
    HearingKind,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureSubject,
    Outcome,
    Procedure,
    Sanction,
    Side,
    VoteResult,
)
from violeta.sanctions.services import accused_notify
from violeta.sanctions.services_investigation import (
    argument_add,
    evidence_add,
    hearing_schedule,
    procedure_resolve,
    resolution_notify,
)
from violeta.testing.second_factor import force_login_verified

from .conftest import ALLEGATIONS, HER_EMAIL, HER_PHONE

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=-6))
NOTIFIED = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # a Tuesday
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
ACCOUNT = "Mi compañero de Obras me hace comentarios sexuales todos los días."
HER_NAME = "Lucía Afectada"
ATTENTION_NOTE = "Refiere insomnio y miedo a encontrarlo en el elevador del piso 3."
HER_EVIDENCE = "Capturas de los mensajes que recibió por WhatsApp."
HER_ARGUMENT = "La persona afectada sostiene que los comentarios fueron diarios."
HER_MEASURE_RESPONSIBLE = "Unidad de Psicología del IMM"
MEASURE_DETAIL = "Reubicarlo lejos del piso 3, donde ella trabaja."
VISTA_NOTE = "Los tocamientos narrados pueden constituir abuso sexual: vista a la FEM."
HER_SECRETS = (
    HER_PHONE,
    HER_EMAIL,
    HER_NAME,
    ACCOUNT,
    ATTENTION_NOTE,
    HER_EVIDENCE,
    HER_ARGUMENT,
    HER_MEASURE_RESPONSIBLE,
    MEASURE_DETAIL,
    VISTA_NOTE,
)


def at(day: int, hour: int = 10, month: int = 12, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOTIFIED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def notified(clock: Any, procedure: Procedure, autoridad: Any) -> Procedure:
    return accused_notify(actor=autoridad, procedure=procedure, when=NOTIFIED)


@pytest.fixture
def full_file(notified: Procedure, autoridad: Any, atencion: Any, accused_user: Any) -> Procedure:
    """Her side of the file as well as his: an attention note, a measure on each of them,
    her evidence and arguments, his evidence and arguments, and the initial hearing."""
    session_record(
        actor=atencion,
        case=notified.case,
        service=Service.PSICOLOGICA,
        held_at=at(1, hour=9),
        mode=SessionMode.PRESENCIAL,
        notes=ATTENTION_NOTE,
    )
    for kind, subject, responsible, detail in [
        (
            MeasureKind.CAMBIO_UNIDAD,
            MeasureSubject.PRESUNTO_AGRESOR,
            "Recursos Humanos de Obras",
            MEASURE_DETAIL,
        ),
        (
            MeasureKind.ATENCION_PSICOLOGICA,
            MeasureSubject.PERSONA_AFECTADA,
            HER_MEASURE_RESPONSIBLE,
            "",
        ),
    ]:
        Measure.objects.create(
            procedure=notified,
            kind=kind,
            subject=subject,
            responsible=responsible,
            detail=detail,
            starts_on=datetime.date(2026, 12, 2),
            ends_on=datetime.date(2027, 1, 30),
            status=MeasureStatus.APROBADA,
            result=VoteResult.UNANIMIDAD,
            proposed_by=autoridad,
        )
    evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description=HER_EVIDENCE,
        data=PDF + b"hers",
        filename="capturas_lucia.pdf",
    )
    argument_add(actor=autoridad, procedure=notified, side=Side.PERSONA_AFECTADA, text=HER_ARGUMENT)
    evidence_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        description="Mi registro de asistencia de marzo a mayo.",
        data=PDF + b"his",
        filename="asistencia.pdf",
    )
    argument_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        text="Niego los hechos y pido que se escuche a mis compañeros de oficina.",
    )
    hearing_schedule(
        actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(15)
    )
    return notified


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def _url(procedure: Procedure) -> str:
    return reverse("sanctions:accused", args=[procedure.pk])


def assert_nothing_of_hers(html: str) -> None:
    for secret in HER_SECRETS:
        assert secret not in html


# --- Who ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(notified: Procedure) -> None:
    response = Client().get(_url(notified))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona",
    ["servidora", "atencion", "enlace", "coordinacion", "autoridad", "admin_sistema", "outsider"],
    indirect=True,
)
def test_everybody_but_the_accused_side_gets_404(notified: Procedure, persona: Any) -> None:
    client = _client(persona)
    assert client.get(_url(notified)).status_code == 404
    argument = client.post(
        reverse("sanctions:accused_argument_add", args=[notified.pk]),
        {"alegatos-text": "Alegatos de alguien que no es parte del procedimiento."},
    )
    assert argument.status_code == 404


def test_before_he_is_notified_there_is_nothing_for_him(
    procedure: Procedure, accused_user: Any
) -> None:
    assert _client(accused_user).get(_url(procedure)).status_code == 404


def test_his_representative_sees_his_file(
    notified: Procedure, servidora: Any, accused_user: Any
) -> None:
    Procedure.objects.filter(pk=notified.pk).update(representative=servidora)
    response = _client(servidora).get(_url(notified))
    assert response.status_code == 200
    assert ALLEGATIONS in response.content.decode()


# --- What he sees, and what he never sees ---------------------------------------------------


def test_his_file_shows_what_is_his(full_file: Procedure, accused_user: Any) -> None:
    html = _client(accused_user).get(_url(full_file)).content.decode()
    assert full_file.case.folio in html
    assert ALLEGATIONS in html
    assert "15 Dic 2026" in html  # his term and the initial hearing
    assert "Audiencia inicial" in html
    assert "Cambio de unidad administrativa" in html
    assert "Recursos Humanos de Obras" in html
    assert "Mi registro de asistencia de marzo a mayo." in html
    assert hashlib.sha256(PDF + b"his").hexdigest() in html
    assert "Niego los hechos" in html
    for right in ("Se presume tu inocencia", "a ser escuchada o escuchado", "ofrecer pruebas"):
        assert right in html
    assert "recurso de revocación dentro de los 15 días hábiles" in html


def test_his_file_never_shows_anything_of_hers(full_file: Procedure, accused_user: Any) -> None:
    response = _client(accused_user).get(_url(full_file))
    assert response.status_code == 200
    html = response.content.decode()
    assert_nothing_of_hers(html)
    assert hashlib.sha256(PDF + b"hers").hexdigest() not in html
    hers = Evidence.objects.get(side=Side.PERSONA_AFECTADA)
    assert reverse("sanctions:evidence_download", args=[hers.pk]) not in html
    assert reverse("cases:detail", args=[full_file.case.pk]) not in html


def test_no_page_he_can_reach_shows_anything_of_hers(
    full_file: Procedure, accused_user: Any
) -> None:
    client = _client(accused_user)
    pages = [
        client.get(_url(full_file)),
        client.post(
            reverse("sanctions:accused_argument_add", args=[full_file.pk]),
            {"alegatos-text": "Muy corto."},
        ),
        client.post(
            reverse("sanctions:accused_evidence_add", args=[full_file.pk]),
            {"prueba-description": "Sin archivo."},
        ),
        client.get(reverse("notifications:inbox")),
        client.get(reverse("accounts:home")),
        client.get(reverse("cases:detail", args=[full_file.case.pk])),
        client.get(reverse("sanctions:detail", args=[full_file.pk])),
    ]
    assert [page.status_code for page in pages] == [200, 400, 400, 200, 200, 404, 404]
    for page in pages:
        assert_nothing_of_hers(page.content.decode())


def test_the_resolution_appears_once_notified_to_him_without_the_vista_note(
    full_file: Procedure, autoridad: Any, accused_user: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    resolution = procedure_resolve(
        actor=autoridad,
        procedure=full_file,
        outcome=Outcome.SANCION,
        sanctions=[Sanction.SUSPENSION],
        suspension_days=10,
        grounds="Se acreditaron los comentarios reiterados con tres testimoniales coincidentes.",
        vista_mp=True,
        vista_mp_note=VISTA_NOTE,
    )
    before = _client(accused_user).get(_url(full_file)).content.decode()
    assert "tres testimoniales" not in before
    assert "Aún no se te ha notificado una resolución." in before
    # Each visit logs in anew: a staff session ends after minutes idle, and days pass here.
    clock.move_to(at(17))
    resolution_notify(actor=autoridad, resolution=resolution, party="senalada")
    html = _client(accused_user).get(_url(full_file)).content.decode()
    assert "tres testimoniales coincidentes" in html
    assert "Suspensión del empleo, cargo o comisión" in html
    assert "10 días naturales de suspensión" in html
    assert "11 Ene 2027" in html  # the end of his window to appeal
    assert_nothing_of_hers(html)
    clock.move_to(at(12, month=1, year=2027))
    firm = _client(accused_user).get(_url(full_file)).content.decode()
    assert "La resolución está firme" in firm


# --- What he does ---------------------------------------------------------------------------


def test_he_presents_evidence_from_his_page(notified: Procedure, accused_user: Any) -> None:
    client = _client(accused_user)
    response = client.post(
        reverse("sanctions:accused_evidence_add", args=[notified.pk]),
        {
            "prueba-description": "Constancia de vacaciones de abril.",
            "prueba-file": SimpleUploadedFile("vacaciones.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Prueba recibida." in html
    evidence = Evidence.objects.get()
    assert evidence.side == Side.PERSONA_SENALADA
    assert evidence.added_by == accused_user
    assert hashlib.sha256(PDF).hexdigest() in html
    download = client.get(reverse("sanctions:evidence_download", args=[evidence.pk]))
    assert download.content == PDF


def test_after_his_term_he_may_still_submit_and_is_told_it_is_late(
    notified: Procedure, accused_user: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    client = _client(accused_user)
    page = client.get(_url(notified)).content.decode()
    assert "Tu plazo para pruebas y alegatos ya venció" in page
    response = client.post(
        reverse("sanctions:accused_argument_add", args=[notified.pk]),
        {"alegatos-text": "Llegan tarde porque estuve incapacitado; anexo la constancia."},
        follow=True,
    )
    html = response.content.decode()
    assert "Alegatos recibidos fuera del plazo" in html
    assert "Fuera de plazo" in html


def test_refused_arguments_keep_what_he_typed(notified: Procedure, accused_user: Any) -> None:
    response = _client(accused_user).post(
        reverse("sanctions:accused_argument_add", args=[notified.pk]),
        {"alegatos-text": "Es falso todo."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Es falso todo." in html
    assert "al menos 20 caracteres" in html
