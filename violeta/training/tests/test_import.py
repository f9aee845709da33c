"""Importing a session's attendance from CSV or Excel: every bad row and field reported,
nothing recorded until the whole file is clean, and a list imported twice adds nobody twice."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from violeta.testing.second_factor import force_login_verified
from violeta.training import importing
from violeta.training.importing import attendance_import
from violeta.training.models import Attendance, Course, SessionMode, TrainingSession
from violeta.training.services_sessions import session_create

pytestmark = pytest.mark.django_db

HEADER = "nombre,correo,numero_empleado,dependencia\n"
GOOD_CSV = (
    HEADER
    + "Ana Torres,ana.torres@municipio.gob.mx,,dif_municipal\n"
    + "Luis Ramírez,,E-1001,DIF Municipal\n"
    + "María Núñez,,,instituto de cultura\n"
    + "José Peña,,,DESARROLLO HUMANO Y EDUCACION\n"
    + "Sofía Gil,sofia.gil@municipio.gob.mx,,Cultura Física y Deporte\n"
)


@pytest.fixture
def training_session(catalogs: None, courses: Any, coordinacion: Any) -> TrainingSession:
    return session_create(
        actor=coordinacion,
        course=Course.objects.get(code="tipos-y-modalidades"),
        mode=SessionMode.PRESENCIAL,
        held_on=datetime.date(2021, 12, 4),
        place="DIF Municipal",
        given_by="Instituto Municipal de las Mujeres",
    )


def _import(session: TrainingSession, actor: Any, data: bytes | str) -> importing.ImportResult:
    raw = data.encode() if isinstance(data, str) else data
    return attendance_import(actor=actor, session=session, data=raw, filename="lista.csv")


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_clean_csv_is_recorded_with_dependencias_by_code_or_name(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    result = _import(training_session, coordinacion, GOOD_CSV)
    assert result.ok
    assert (result.added, result.already) == (5, 0)
    recorded = {a.full_name: a.dependencia.code for a in training_session.attendances.all()}
    assert recorded == {
        "Ana Torres": "dif_municipal",
        "Luis Ramírez": "dif_municipal",
        "María Núñez": "instituto_cultura",
        "José Peña": "desarrollo_humano_educacion",
        "Sofía Gil": "cultura_fisica_deporte",
    }
    identities = set(training_session.attendances.values_list("identity", flat=True))
    assert "ana.torres@municipio.gob.mx" in identities
    assert "num:E-1001" in identities
    assert "nombre:maria nunez|instituto_cultura" in identities


def test_importing_the_same_clean_file_twice_adds_nobody_twice(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    _import(training_session, coordinacion, GOOD_CSV)
    again = _import(training_session, coordinacion, GOOD_CSV)
    assert again.ok
    assert (again.added, again.already) == (0, 5)
    # Typed differently, the same people are still the same people.
    retyped = (
        HEADER
        + "ANA TORRES,Ana.Torres@Municipio.gob.mx,,DIF Municipal\n"
        + "Luis Ramírez,,e-1001,dif_municipal\n"
        + "maria  nunez,,,Instituto de Cultura\n"
        + "Pedro Nuevo,,,cultura_fisica_deporte\n"
    )
    third = _import(training_session, coordinacion, retyped)
    assert (third.added, third.already) == (1, 3)
    assert training_session.attendances.count() == 6


def test_the_report_names_every_bad_row_and_field_and_nothing_is_recorded(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    data = (
        HEADER
        + "Ana Torres,ana@municipio.gob.mx,,dif_municipal\n"  # 2: fine
        + ",sin.nombre@municipio.gob.mx,,dif_municipal\n"  # 3: no name
        + "Luis Ramírez,,,Secretaría de Marte\n"  # 4: unknown dependencia
        + "Eva Soto,eva@@municipio,,instituto_cultura\n"  # 5: malformed e-mail
        + "Ana T.,ANA@municipio.gob.mx,,instituto_cultura\n"  # 6: same e-mail as row 2
        + "Rosa Díaz,,,\n"  # 7: no dependencia
        + ",correo-malo,,\n"  # 8: three problems
        + "Luis Ramírez,,,desarrollo_humano_educacion\n"  # 9: fine
        + "luis ramirez,,,Desarrollo Humano y Educación\n"  # 10: same as row 9
    )
    result = _import(training_session, coordinacion, data)
    assert not result.ok
    assert result.rows == 9
    assert [(p.row, p.field) for p in result.problems] == [
        (3, "nombre"),
        (4, "dependencia"),
        (5, "correo"),
        (6, "correo"),
        (7, "dependencia"),
        (8, "nombre"),
        (8, "correo"),
        (8, "dependencia"),
        (10, "nombre"),
    ]
    messages = {(p.row, p.field): p.message for p in result.problems}
    assert messages[(3, "nombre")] == "Falta el nombre."
    assert "Secretaría de Marte" in messages[(4, "dependencia")]
    assert "eva@@municipio" in messages[(5, "correo")]
    assert messages[(6, "correo")] == "Repite a la persona de la fila 2."
    assert messages[(10, "nombre")] == "Repite a la persona de la fila 9."
    assert Attendance.objects.count() == 0


def test_an_xlsx_workbook_is_read_with_rows_numbered_as_the_spreadsheet_shows(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    rows: list[list[Any]] = [
        ["Lista de asistencia, 4 de diciembre de 2021"],
        [],
        ["Nombre", "Correo", "Número de empleado", "Dependencia"],
        ["Ana Torres", None, 12345, "dif_municipal"],
        ["Luis Ramírez", "no-es-correo", None, "Instituto de Cultura"],
    ]
    result = _import(training_session, coordinacion, _xlsx(rows))
    assert [(p.row, p.field) for p in result.problems] == [(5, "correo")]
    assert Attendance.objects.count() == 0

    rows[4][1] = "luis@municipio.gob.mx"
    result = _import(training_session, coordinacion, _xlsx(rows))
    assert (result.added, result.already) == (2, 0)
    # The number Excel keeps as 12345.0 is the employee number 12345.
    assert training_session.attendances.get(full_name="Ana Torres").identity == "num:12345"
    assert _import(training_session, coordinacion, _xlsx(rows)).added == 0


def test_a_csv_saved_by_excel_in_spanish_is_read(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    data = "nombre;correo;numero_empleado;dependencia\r\nMaría Núñez;;;DIF Municipal\r\n"
    result = _import(training_session, coordinacion, data.encode("cp1252"))
    assert result.ok and result.added == 1
    assert training_session.attendances.get().full_name == "María Núñez"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ni un archivo CSV"),
        (b"%PDF-1.7\n\x00\x01\x02binario", "ni un archivo CSV"),
        (b"PK\x03\x04no es un zip de verdad", "ni un archivo CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003"),
        (b"", "vacío"),
        (b"fecha,lugar\n2021-12-04,DIF\n", "títulos de las columnas"),
        (HEADER.encode(), "no tiene filas de asistentes"),
    ],
)
def test_what_is_not_an_attendance_list_is_refused_with_a_clear_message(
    training_session: TrainingSession, coordinacion: Any, data: bytes, message: str
) -> None:
    result = _import(training_session, coordinacion, data)
    assert message in result.refused
    assert Attendance.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lista.csv", GOOD_CSV)
    result = _import(training_session, coordinacion, buffer.getvalue())
    assert "ni un archivo CSV" in result.refused


def test_files_over_the_size_or_row_limits_are_refused(
    training_session: TrainingSession, coordinacion: Any
) -> None:
    too_big = HEADER + "x" * importing.MAX_BYTES
    assert "MB" in _import(training_session, coordinacion, too_big).refused
    too_many = HEADER + "".join(
        f"Persona {n},,E{n},dif_municipal\n" for n in range(importing.MAX_ROWS + 1)
    )
    assert "más de 5000 filas" in _import(training_session, coordinacion, too_many).refused
    assert Attendance.objects.count() == 0


def test_an_attendee_with_a_staff_account_is_linked_to_it(
    training_session: TrainingSession, coordinacion: Any, servidora: Any
) -> None:
    data = HEADER + "Servidora Pública,SERVIDORA@prueba.violeta.mx,,dif_municipal\n"
    _import(training_session, coordinacion, data)
    assert training_session.attendances.get().user == servidora


def test_only_coordinacion_imports(training_session: TrainingSession, atencion: Any) -> None:
    with pytest.raises(PermissionDenied):
        _import(training_session, atencion, GOOD_CSV)


# The upload page -------------------------------------------------------------------------


def _upload(client: Client, session: TrainingSession, name: str, data: bytes) -> Any:
    return client.post(
        reverse("training:session_import", args=[session.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_the_upload_page_shows_the_report_as_a_table(
    client: Client, training_session: TrainingSession, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    data = HEADER + ",x@municipio.gob.mx,,dif_municipal\nEva,,,Marte\n"
    response = _upload(client, training_session, "lista.csv", data.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "no se importó nada" in html
    assert '<th scope="row">2</th><td>nombre</td><td>Falta el nombre.</td>' in html
    assert '<th scope="row">3</th><td>dependencia</td>' in html
    assert "<caption>" in html
    assert Attendance.objects.count() == 0


def test_the_upload_page_says_how_many_were_added_and_already_there(
    client: Client, training_session: TrainingSession, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    _upload(client, training_session, "lista.csv", GOOD_CSV.encode())
    response = _upload(client, training_session, "otra.xlsx", GOOD_CSV.encode())
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Personas agregadas: 0. Ya estaban registradas: 5." in page.content.decode()


def test_the_upload_page_refuses_a_file_that_is_not_a_list(
    client: Client, training_session: TrainingSession, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    response = _upload(client, training_session, "lista.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert response.status_code == 400
    assert "no es una hoja de cálculo" in response.content.decode()


def test_atencion_may_not_import(
    client: Client, training_session: TrainingSession, atencion: Any
) -> None:
    force_login_verified(client, atencion)
    url = reverse("training:session_import", args=[training_session.pk])
    assert client.get(url).status_code == 404
    assert _upload(client, training_session, "l.csv", GOOD_CSV.encode()).status_code == 404
    assert Attendance.objects.count() == 0
