"""Investigation and resolution: evidence, arguments, hearings in días hábiles, the
resolution's rules, its notices, the appeal window and the conclusion; and the conductors'
pages.

Time is frozen: he is notified on Tuesday 1 December 2026. Declared non-working days are not
loaded in tests, so only weekends and federal holidays (25 December, 1 January) are días
inhábiles unless a test declares one; every expected date below is counted by hand.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.notifications.models import Notification, NotificationKind
from violeta.protocols.models import NonWorkingDay
from violeta.sanctions.models import (
    Evidence,
    Hearing,
    HearingKind,
    Outcome,
    Procedure,
    ProcedureStatus,
    Resolution,
    Sanction,
    Side,
)
from violeta.sanctions.selectors_investigation import arrived_late, resolution_firm
from violeta.sanctions.services import accused_notify
from violeta.sanctions.services_investigation import (
    appeal_record,
    argument_add,
    evidence_add,
    hearing_hold,
    hearing_schedule,
    procedure_conclude,
    procedure_resolve,
    resolution_notify,
)
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=-6))
NOTIFIED = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # a Tuesday
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
GROUNDS = (
    "Con las testimoniales y los mensajes ofrecidos se acreditan los comentarios reiterados; "
    "la conducta es falta no grave (LGRA art. 49)."
)


def at(day: int, hour: int = 10, month: int = 12, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


def end_of(day: datetime.date) -> datetime.datetime:
    return timezone.localtime(
        datetime.datetime.combine(day, datetime.time.max, tzinfo=timezone.get_default_timezone())
    )


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


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def resolve(actor: Any, procedure: Procedure, **overrides: Any) -> Resolution:
    values: dict[str, Any] = {
        "actor": actor,
        "procedure": procedure,
        "outcome": Outcome.SANCION,
        "sanctions": [Sanction.AMONESTACION_PRIVADA],
        "suspension_days": None,
        "grounds": GROUNDS,
        "vista_mp": False,
        "vista_mp_note": "Los hechos no encuadran en un tipo penal del Código Penal del Estado.",
    }
    values.update(overrides)
    return procedure_resolve(**values)


@pytest.fixture
def resolved(notified: Procedure, clock: Any, autoridad: Any) -> Resolution:
    # His term ended with 15 December; resolved on Wednesday the 16th.
    clock.move_to(at(16))
    return resolve(autoridad, notified)


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> str:
    """The refusal's messages, lower-cased: dates read "15 de Diciembre" or "15 de diciembre"
    depending on the locale's month names."""
    return " ".join(error.value.messages).lower()


# --- Evidence -------------------------------------------------------------------------------


def test_evidence_round_trips_and_its_sha256_is_that_of_the_file(
    notified: Procedure, autoridad: Any
) -> None:
    evidence = evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description="Capturas de los mensajes que ella recibió.",
        data=PDF,
        filename="capturas.pdf",
    )
    fresh = Evidence.objects.get(pk=evidence.pk)
    assert fresh.read() == PDF
    assert fresh.sha256 == hashlib.sha256(PDF).hexdigest()
    assert fresh.content_type == "application/pdf"
    assert fresh.side == Side.PERSONA_AFECTADA


def test_conductors_add_evidence_of_any_side(
    notified: Procedure, autoridad: Any, coordinacion: Any
) -> None:
    for actor, side in [
        (autoridad, Side.PERSONA_SENALADA),
        (coordinacion, Side.AUTORIDAD),
        (coordinacion, Side.PERSONA_AFECTADA),
    ]:
        evidence_add(
            actor=actor,
            procedure=notified,
            side=side,
            description="Oficio de la dependencia.",
            data=PNG,
            filename="oficio.png",
        )
    assert Evidence.objects.filter(procedure=notified).count() == 3


def test_the_accused_adds_only_evidence_of_his_own_side(
    notified: Procedure, accused_user: Any
) -> None:
    for side in (Side.PERSONA_AFECTADA, Side.AUTORIDAD):
        with pytest.raises(PermissionDenied):
            evidence_add(
                actor=accused_user,
                procedure=notified,
                side=side,
                description="Intento de presentar por otra parte.",
                data=PDF,
                filename="x.pdf",
            )
    evidence = evidence_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        description="Mi registro de asistencia de esos meses.",
        data=PDF,
        filename="asistencia.pdf",
    )
    assert evidence.added_by == accused_user


def test_the_accused_adds_nothing_before_he_is_notified(
    procedure: Procedure, accused_user: Any
) -> None:
    with pytest.raises(PermissionDenied):
        evidence_add(
            actor=accused_user,
            procedure=procedure,
            side=Side.PERSONA_SENALADA,
            description="Mi registro de asistencia.",
            data=PDF,
            filename="asistencia.pdf",
        )


@pytest.mark.parametrize("persona", ["atencion", "enlace", "servidora", "outsider"], indirect=True)
def test_who_neither_conducts_nor_is_accused_adds_no_evidence(
    notified: Procedure, persona: Any
) -> None:
    with pytest.raises(PermissionDenied):
        evidence_add(
            actor=persona,
            procedure=notified,
            side=Side.PERSONA_AFECTADA,
            description="Una prueba.",
            data=PDF,
            filename="x.pdf",
        )


def test_the_type_of_evidence_is_decided_by_its_content_not_its_name(
    notified: Procedure, autoridad: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        evidence_add(
            actor=autoridad,
            procedure=notified,
            side=Side.AUTORIDAD,
            description="Un archivo que dice ser PDF.",
            data=b"MZ\x90\x00 ejecutable",
            filename="acta.pdf",
        )
    assert "tipo de archivo no permitido" in refusal(error)
    assert not Evidence.objects.exists()


def test_evidence_over_the_configured_size_is_refused(
    notified: Procedure, autoridad: Any, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as error:
        evidence_add(
            actor=autoridad,
            procedure=notified,
            side=Side.AUTORIDAD,
            description="Un archivo grande.",
            data=PDF + b"\x00" * (1024 * 1024),
            filename="grande.pdf",
        )
    assert "pesa más de 1 mb" in refusal(error)


def test_evidence_needs_a_description(notified: Procedure, autoridad: Any) -> None:
    with pytest.raises(ValidationError) as error:
        evidence_add(
            actor=autoridad,
            procedure=notified,
            side=Side.AUTORIDAD,
            description="   ",
            data=PDF,
            filename="x.pdf",
        )
    assert "describe la prueba" in refusal(error)


def test_the_audit_of_evidence_holds_codes_never_its_description_or_name(
    notified: Procedure, autoridad: Any
) -> None:
    evidence = evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description="Capturas de WhatsApp de Lucía.",
        data=PDF,
        filename="capturas_lucia.pdf",
    )
    entry = AuditEntry.objects.get(target_id=str(evidence.pk))
    assert entry.detail["side"] == Side.PERSONA_AFECTADA
    assert "Lucía" not in str(entry.detail)
    assert "capturas" not in str(entry.detail)


# --- Arguments ------------------------------------------------------------------------------


def test_arguments_need_twenty_characters(notified: Procedure, accused_user: Any) -> None:
    with pytest.raises(ValidationError) as error:
        argument_add(
            actor=accused_user, procedure=notified, side=Side.PERSONA_SENALADA, text="No es así."
        )
    assert "al menos 20 caracteres" in refusal(error)


def test_the_accused_submits_only_his_own_arguments(notified: Procedure, accused_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        argument_add(
            actor=accused_user,
            procedure=notified,
            side=Side.PERSONA_AFECTADA,
            text="Alegatos escritos como si fueran de ella.",
        )


def test_his_arguments_after_his_term_are_recorded_and_marked_late(
    notified: Procedure, accused_user: Any, clock: Any
) -> None:
    # Ten días hábiles from Tuesday 1 December: the term ends with Tuesday the 15th.
    assert notified.response_due_at == end_of(datetime.date(2026, 12, 15))
    clock.move_to(at(15, hour=23))
    on_time = argument_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        text="Nunca hice esos comentarios; pido que se escuche a mis compañeros.",
    )
    clock.move_to(at(16, hour=9))
    late = argument_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        text="Agrego que ese mes estuve de vacaciones dos semanas.",
    )
    assert not arrived_late(procedure=notified, side=on_time.side, at=on_time.submitted_at)
    assert arrived_late(procedure=notified, side=late.side, at=late.submitted_at)


# --- Hearings -------------------------------------------------------------------------------


def test_no_hearing_before_he_is_notified(procedure: Procedure, autoridad: Any, clock: Any) -> None:
    with pytest.raises(ValidationError) as error:
        hearing_schedule(
            actor=autoridad, procedure=procedure, kind=HearingKind.INICIAL, scheduled_for=at(15)
        )
    assert "notificación a la persona señalada" in refusal(error)


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (14, False),  # the 9th día hábil
        (15, True),  # the 10th
        (22, True),  # the 15th
        (23, False),  # the 16th
    ],
)
def test_the_initial_hearing_falls_between_the_10th_and_15th_dia_habil(
    notified: Procedure, autoridad: Any, day: int, allowed: bool
) -> None:
    def schedule() -> Hearing:
        return hearing_schedule(
            actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(day)
        )

    if allowed:
        assert schedule().kind == HearingKind.INICIAL
        return
    with pytest.raises(ValidationError) as error:
        schedule()
    assert "lgra art. 208 fr. ii" in refusal(error)
    assert "del 15 de diciembre de 2026 al 22 de diciembre de 2026" in refusal(error)


def test_a_declared_non_working_day_moves_the_initial_hearing_window(
    notified: Procedure, autoridad: Any
) -> None:
    NonWorkingDay.objects.create(date=datetime.date(2026, 12, 14), description="Día inhábil")
    with pytest.raises(ValidationError):
        hearing_schedule(
            actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(15)
        )
    hearing_schedule(
        actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(23)
    )


@pytest.mark.parametrize("day", [19, 25])  # a Saturday; Christmas, a federal holiday
def test_hearings_are_held_on_dias_habiles(notified: Procedure, autoridad: Any, day: int) -> None:
    with pytest.raises(ValidationError) as error:
        hearing_schedule(
            actor=autoridad, procedure=notified, kind=HearingKind.PRUEBAS, scheduled_for=at(day)
        )
    assert "no es día hábil" in refusal(error)


def test_a_hearing_is_scheduled_in_the_future(notified: Procedure, autoridad: Any) -> None:
    with pytest.raises(ValidationError) as error:
        hearing_schedule(
            actor=autoridad,
            procedure=notified,
            kind=HearingKind.PRUEBAS,
            scheduled_for=at(1, hour=9),
        )
    assert "a futuro" in refusal(error)


def test_a_held_hearing_keeps_its_minutes_encrypted_and_is_held_once(
    notified: Procedure, autoridad: Any, clock: Any
) -> None:
    hearing = hearing_schedule(
        actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(15)
    )
    clock.move_to(at(15, hour=13))
    with pytest.raises(ValidationError) as error:
        hearing_hold(actor=autoridad, hearing=hearing, minutes="Compareció.", held_at=at(14))
    assert "no pudo celebrarse antes" in refusal(error)
    with pytest.raises(ValidationError) as error:
        hearing_hold(actor=autoridad, hearing=hearing, minutes="  ")
    assert "constancia" in refusal(error)
    held = hearing_hold(
        actor=autoridad, hearing=hearing, minutes="Compareció con su defensor; ofreció pruebas."
    )
    assert held.held_at == at(15, hour=13)
    raw = Hearing.objects.filter(pk=hearing.pk).values_list("minutes", flat=True).get()
    assert "defensor" not in raw
    assert Hearing.objects.get(pk=hearing.pk).minutes.startswith("Compareció")
    with pytest.raises(ValidationError) as error:
        hearing_hold(actor=autoridad, hearing=hearing, minutes="Otra vez.")
    assert "ya se registró" in refusal(error)


def test_only_conductors_schedule_hearings(notified: Procedure, accused_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        hearing_schedule(
            actor=accused_user,
            procedure=notified,
            kind=HearingKind.INICIAL,
            scheduled_for=at(15),
        )


# --- Resolution -----------------------------------------------------------------------------


def test_coordinacion_conducts_but_does_not_resolve(
    notified: Procedure, coordinacion: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    with pytest.raises(PermissionDenied):
        resolve(coordinacion, notified)


def test_no_resolution_before_he_is_notified(
    procedure: Procedure, autoridad: Any, clock: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        resolve(autoridad, procedure)
    assert "derecho a ser oída" in refusal(error)


def test_no_resolution_before_his_term_runs(notified: Procedure, autoridad: Any) -> None:
    with pytest.raises(ValidationError) as error:
        resolve(autoridad, notified)
    assert "vence el 15 de diciembre de 2026" in refusal(error)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sanctions": []}, "sanctions", "al menos una sanción"),
        (
            {"outcome": Outcome.NO_RESPONSABILIDAD, "sanctions": [Sanction.DESTITUCION]},
            "sanctions",
            "no hay sanciones",
        ),
        ({"outcome": "absolucion"}, "outcome", "Elige el sentido"),
        ({"sanctions": ["multa_inventada"]}, "sanctions", "Elige sanciones de la lista"),
        (
            {"sanctions": [Sanction.AMONESTACION_PUBLICA, Sanction.AMONESTACION_PRIVADA]},
            "sanctions",
            "no son compatibles",
        ),
        (
            {"sanctions": [Sanction.DESTITUCION, Sanction.SUSPENSION], "suspension_days": 5},
            "sanctions",
            "no son compatibles",
        ),
        ({"sanctions": [Sanction.SUSPENSION]}, "suspension_days", "de 1 a 30 días naturales"),
        (
            {"sanctions": [Sanction.SUSPENSION], "suspension_days": 0},
            "suspension_days",
            "de 1 a 30 días naturales",
        ),
        (
            {"sanctions": [Sanction.SUSPENSION], "suspension_days": 31},
            "suspension_days",
            "de 1 a 30 días naturales",
        ),
        ({"suspension_days": 3}, "suspension_days", "sólo se indican si hay suspensión"),
        ({"grounds": "Se acreditó la falta."}, "grounds", "al menos 50 caracteres"),
        ({"vista_mp": None}, "vista_mp", "Ministerio Público"),
        ({"vista_mp": True, "vista_mp_note": " "}, "vista_mp_note", "constituir un delito"),
        ({"vista_mp": False, "vista_mp_note": ""}, "vista_mp_note", "constituir un delito"),
    ],
)
def test_each_rule_of_the_resolution_refuses_with_its_reason(
    notified: Procedure,
    autoridad: Any,
    clock: Any,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    clock.move_to(at(16))
    with pytest.raises(ValidationError) as error:
        resolve(autoridad, notified, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not Resolution.objects.exists()
    notified.refresh_from_db()
    assert notified.status == ProcedureStatus.ABIERTO


def test_a_suspension_of_one_to_thirty_days_is_accepted(
    notified: Procedure, autoridad: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    resolution = resolve(
        autoridad,
        notified,
        sanctions=[Sanction.SUSPENSION, Sanction.AMONESTACION_PUBLICA],
        suspension_days=30,
    )
    assert resolution.suspension_days == 30


def test_the_sancion_economica_is_allowed(notified: Procedure, autoridad: Any, clock: Any) -> None:
    clock.move_to(at(16))
    resolution = resolve(autoridad, notified, sanctions=[Sanction.SANCION_ECONOMICA])
    assert resolution.sanctions == [Sanction.SANCION_ECONOMICA]


def test_a_resolution_resolves_the_procedure_once(resolved: Resolution, autoridad: Any) -> None:
    procedure = Procedure.objects.get(pk=resolved.procedure_id)
    assert procedure.status == ProcedureStatus.RESUELTO
    with pytest.raises(ValidationError) as error:
        resolve(autoridad, procedure, outcome=Outcome.NO_RESPONSABILIDAD, sanctions=[])
    assert "ya tiene resolución" in refusal(error)
    assert Resolution.objects.count() == 1


def test_no_resolution_is_recorded_without_sanctions_when_there_is_no_responsibility(
    notified: Procedure, autoridad: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    resolution = resolve(
        autoridad, notified, outcome=Outcome.NO_RESPONSABILIDAD, sanctions=[], vista_mp=True
    )
    assert resolution.sanctions == []
    assert resolution.vista_mp is True


def test_the_resolution_audit_holds_codes_not_the_grounds(resolved: Resolution) -> None:
    entry = AuditEntry.objects.get(target_id=str(resolved.pk))
    assert entry.detail["outcome"] == Outcome.SANCION
    assert entry.detail["sanctions"] == [Sanction.AMONESTACION_PRIVADA]
    assert "testimoniales" not in str(entry.detail)


def test_nothing_is_added_once_resolved(resolved: Resolution, accused_user: Any) -> None:
    with pytest.raises(ValidationError) as error:
        argument_add(
            actor=accused_user,
            procedure=resolved.procedure,
            side=Side.PERSONA_SENALADA,
            text="Alegatos que llegan después de la resolución.",
        )
    assert "ya se resolvió" in refusal(error)


# --- Notices, appeal, firmness, conclusion ------------------------------------------------


def test_notifying_him_opens_fifteen_dias_habiles_to_appeal_and_tells_him(
    resolved: Resolution,
    autoridad: Any,
    accused_user: Any,
    servidora: Any,
    clock: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Procedure.objects.filter(pk=resolved.procedure_id).update(representative=servidora)
    resolved.procedure.refresh_from_db()
    clock.move_to(at(17))
    with django_capture_on_commit_callbacks(execute=True):
        resolution_notify(actor=autoridad, resolution=resolved, party="senalada")
    # From Thursday 17 December: 18, 21, 22, 23, 24, (25 holiday), 28, 29, 30, 31, (1 January
    # holiday), 4, 5, 6, 7, 8, 11 January.
    assert resolved.appeal_due_at == end_of(datetime.date(2027, 1, 11))
    assert set(
        Notification.objects.filter(kind=NotificationKind.RESOLUTION_NOTICE).values_list(
            "recipient", flat=True
        )
    ) == {accused_user.pk, servidora.pk}


def test_each_notice_is_recorded_once_and_never_in_the_future(
    resolved: Resolution, autoridad: Any, clock: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        resolution_notify(actor=autoridad, resolution=resolved, party="afectada", when=at(18))
    assert "no puede ser futura" in refusal(error)
    resolution_notify(actor=autoridad, resolution=resolved, party="afectada")
    with pytest.raises(ValidationError) as error:
        resolution_notify(actor=autoridad, resolution=resolved, party="afectada")
    assert "ya estaba registrada" in refusal(error)
    with pytest.raises(ValidationError):
        resolution_notify(actor=autoridad, resolution=resolved, party="testigo")


def test_an_appeal_after_the_window_is_refused(
    resolved: Resolution, autoridad: Any, clock: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        appeal_record(actor=autoridad, resolution=resolved)
    assert "primero registra la notificación" in refusal(error)
    clock.move_to(at(17))
    resolution_notify(actor=autoridad, resolution=resolved, party="senalada")
    clock.move_to(at(12, month=1, year=2027))
    with pytest.raises(ValidationError) as error:
        appeal_record(actor=autoridad, resolution=resolved)
    assert "venció el 11 de enero de 2027" in refusal(error)
    appeal_record(actor=autoridad, resolution=resolved, filed_at=at(11, month=1, year=2027))
    assert resolved.appeal_filed_at == at(11, month=1, year=2027)


def test_the_resolution_is_firm_once_the_window_passes_without_appeal(
    resolved: Resolution, autoridad: Any, clock: Any
) -> None:
    clock.move_to(at(17))
    resolution_notify(actor=autoridad, resolution=resolved, party="senalada")
    assert not resolution_firm(resolution=resolved)
    clock.move_to(at(11, hour=23, month=1, year=2027))
    assert not resolution_firm(resolution=resolved)
    clock.move_to(at(12, hour=8, month=1, year=2027))
    assert resolution_firm(resolution=resolved)


def test_the_procedure_concludes_after_both_notices_and_the_window(
    resolved: Resolution, autoridad: Any, clock: Any
) -> None:
    procedure = resolved.procedure
    with pytest.raises(ValidationError) as error:
        procedure_conclude(actor=autoridad, procedure=procedure)
    assert "persona afectada" in refusal(error)
    assert "persona señalada" in refusal(error)
    clock.move_to(at(17))
    resolution_notify(actor=autoridad, resolution=resolved, party="afectada")
    resolution_notify(actor=autoridad, resolution=resolved, party="senalada")
    with pytest.raises(ValidationError) as error:
        procedure_conclude(actor=autoridad, procedure=procedure)
    assert "corre el plazo para impugnar (vence el 11 de enero de 2027)" in refusal(error)
    clock.move_to(at(12, month=1, year=2027))
    procedure_conclude(actor=autoridad, procedure=procedure)
    assert Procedure.objects.get(pk=procedure.pk).status == ProcedureStatus.CONCLUIDO


def test_a_recorded_appeal_lets_the_procedure_conclude(
    resolved: Resolution, coordinacion: Any, clock: Any
) -> None:
    clock.move_to(at(17))
    resolution_notify(actor=coordinacion, resolution=resolved, party="afectada")
    resolution_notify(actor=coordinacion, resolution=resolved, party="senalada")
    appeal_record(actor=coordinacion, resolution=resolved)
    procedure_conclude(actor=coordinacion, procedure=resolved.procedure)
    assert Procedure.objects.get(pk=resolved.procedure_id).status == ProcedureStatus.CONCLUIDO


# --- The conductors' pages ------------------------------------------------------------------


def test_the_procedure_page_shows_evidence_with_its_sha256_and_link(
    notified: Procedure, autoridad: Any
) -> None:
    evidence = evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description="Capturas de los mensajes.",
        data=PDF,
        filename="capturas.pdf",
    )
    page = _client(autoridad).get(reverse("sanctions:detail", args=[notified.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert hashlib.sha256(PDF).hexdigest() in html
    assert reverse("sanctions:evidence_download", args=[evidence.pk]) in html
    assert "del 15 dic 2026 al 22 dic 2026" in html.lower()


def test_uploading_and_downloading_evidence_through_the_pages(
    notified: Procedure, coordinacion: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(coordinacion)
    response = client.post(
        reverse("sanctions:evidence_add", args=[notified.pk]),
        {
            "prueba-side": Side.AUTORIDAD,
            "prueba-description": "Oficio de Recursos Humanos.",
            "prueba-file": SimpleUploadedFile("oficio rh.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("sanctions:detail", args=[notified.pk]) + "#investigacion-pruebas"
    )
    evidence = Evidence.objects.get()
    download = client.get(reverse("sanctions:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Cache-Control"] == "no-store, private"
    entry = AuditEntry.objects.filter(target_id=str(evidence.pk)).last()
    assert entry is not None
    assert entry.action == "view"
    assert entry.actor_id == coordinacion.pk


def test_a_refused_upload_keeps_what_was_typed(notified: Procedure, autoridad: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(autoridad).post(
        reverse("sanctions:evidence_add", args=[notified.pk]),
        {
            "prueba-side": Side.PERSONA_AFECTADA,
            "prueba-description": "Audio de la reunión del 3 de marzo.",
            "prueba-file": SimpleUploadedFile("audio.exe", b"MZ\x90\x00", "audio/mpeg"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Audio de la reunión del 3 de marzo." in html
    assert "Tipo de archivo no permitido" in html


def test_the_resolve_page_is_for_the_autoridad_only(
    notified: Procedure, autoridad: Any, coordinacion: Any
) -> None:
    url = reverse("sanctions:resolve", args=[notified.pk])
    assert _client(coordinacion).get(url).status_code == 404
    assert _client(autoridad).get(url).status_code == 200


def test_a_refused_resolution_keeps_what_was_typed(
    notified: Procedure, autoridad: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    response = _client(autoridad).post(
        reverse("sanctions:resolve", args=[notified.pk]),
        {
            "resolucion-outcome": Outcome.SANCION,
            "resolucion-sanctions": [Sanction.SUSPENSION],
            "resolucion-suspension_days": "45",
            "resolucion-grounds": GROUNDS,
            "resolucion-vista_mp_note": "Sin elementos de delito.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "de 1 a 30 días naturales" in html
    assert "Indica si se da vista al Ministerio Público" in html
    assert "Con las testimoniales" in html
    assert not Resolution.objects.exists()


def test_resolving_through_the_page_with_a_sancion_economica_warns(
    notified: Procedure, autoridad: Any, clock: Any
) -> None:
    clock.move_to(at(16))
    client = _client(autoridad)
    response = client.post(
        reverse("sanctions:resolve", args=[notified.pk]),
        {
            "resolucion-outcome": Outcome.SANCION,
            "resolucion-sanctions": [Sanction.SANCION_ECONOMICA],
            "resolucion-grounds": GROUNDS,
            "resolucion-vista_mp": "no",
            "resolucion-vista_mp_note": "Sin elementos de delito.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Tribunal de Justicia Administrativa" in html
    assert Resolution.objects.get().vista_mp is False


def test_the_accused_cannot_download_her_evidence(
    notified: Procedure, autoridad: Any, accused_user: Any
) -> None:
    hers = evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description="Capturas de los mensajes.",
        data=PDF,
        filename="capturas.pdf",
    )
    his = evidence_add(
        actor=accused_user,
        procedure=notified,
        side=Side.PERSONA_SENALADA,
        description="Registro de asistencia.",
        data=PNG,
        filename="asistencia.png",
    )
    client = _client(accused_user)
    assert client.get(reverse("sanctions:evidence_download", args=[hers.pk])).status_code == 404
    mine = client.get(reverse("sanctions:evidence_download", args=[his.pk]))
    assert mine.status_code == 200
    assert mine.content == PNG


@pytest.mark.parametrize(
    "persona", ["servidora", "atencion", "enlace", "admin_sistema", "outsider"], indirect=True
)
def test_the_investigation_pages_are_404_for_who_does_not_conduct(
    notified: Procedure, autoridad: Any, persona: Any
) -> None:
    evidence = evidence_add(
        actor=autoridad,
        procedure=notified,
        side=Side.PERSONA_AFECTADA,
        description="Capturas.",
        data=PDF,
        filename="c.pdf",
    )
    client = _client(persona)
    assert client.get(reverse("sanctions:detail", args=[notified.pk])).status_code == 404
    assert client.get(reverse("sanctions:resolve", args=[notified.pk])).status_code == 404
    download = client.get(reverse("sanctions:evidence_download", args=[evidence.pk]))
    assert download.status_code == 404


def test_the_accused_gets_404_on_the_conductors_pages(
    notified: Procedure, accused_user: Any
) -> None:
    client = _client(accused_user)
    assert client.get(reverse("sanctions:detail", args=[notified.pk])).status_code == 404
    response = client.post(
        reverse("sanctions:argument_add", args=[notified.pk]),
        {"alegatos-side": Side.PERSONA_AFECTADA, "alegatos-text": "x" * 40},
    )
    assert response.status_code == 404


def test_a_refused_hearing_record_keeps_the_minutes_typed(
    notified: Procedure, autoridad: Any
) -> None:
    hearing = hearing_schedule(
        actor=autoridad, procedure=notified, kind=HearingKind.INICIAL, scheduled_for=at(15)
    )
    # Still 1 December: the hearing cannot have been held yet.
    response = _client(autoridad).post(
        reverse("sanctions:hearing_hold", args=[hearing.pk]),
        {f"audiencia-{hearing.pk}-minutes": "Compareció con su defensor y ofreció testigos."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Compareció con su defensor y ofreció testigos." in html
    assert "no pudo celebrarse antes" in html
    assert Hearing.objects.get(pk=hearing.pk).held_at is None
