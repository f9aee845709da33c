"""Coverage indicators: the arithmetic on plain rows, the query that feeds it, the page, its
charts and its exports."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from violeta.accounts.roles import Role
from violeta.testing.factories import DependenciaFactory, UserFactory
from violeta.testing.second_factor import force_login_verified
from violeta.training.coverage import (
    CourseRow,
    HeldRow,
    Share,
    StaffRow,
    coverage_by_course,
    coverage_by_dependencia,
    coverage_by_month,
    coverage_data,
    coverage_overall,
    coverage_report,
    months_between,
    owing_mandatory,
)
from violeta.training.models import (
    Attendance,
    Certificate,
    Course,
    SessionMode,
    TrainingSession,
)

D = datetime.date
TIPOS = CourseRow(1, "tipos-y-modalidades", "Tipos y modalidades de la violencia", mandatory=True)
PROTOCOLO = CourseRow(2, "protocolo-de-atencion", "Protocolo de atención", mandatory=True)
OPTIONAL = CourseRow(3, "masculinidades", "Masculinidades", mandatory=False)
STAFF = [
    StaffRow(1, "dif", "Ana"),
    StaffRow(2, "dif", "Beatriz"),
    StaffRow(3, "dif", "Carmen"),
    StaffRow(4, "cultura", "Dolores"),
    StaffRow(5, "cultura", "Elena"),
    StaffRow(6, "deporte", "Fabiola"),
]
HELD = [
    HeldRow(1, TIPOS.id, D(2021, 12, 4)),
    HeldRow(2, TIPOS.id, D(2022, 1, 10)),
    HeldRow(4, TIPOS.id, D(2021, 12, 4)),
    HeldRow(4, PROTOCOLO.id, D(2022, 3, 1)),
    HeldRow(1, PROTOCOLO.id, D(2022, 3, 1)),
    # Somebody who no longer works here (not in STAFF) never counts.
    HeldRow(99, TIPOS.id, D(2021, 12, 4)),
]


# --- The arithmetic on plain rows -------------------------------------------------------------


def test_shares_per_dependencia_add_up_to_the_overall_share() -> None:
    per_dependencia = coverage_by_dependencia(STAFF, HELD, course_id=TIPOS.id)
    overall = coverage_overall(STAFF, HELD, course_id=TIPOS.id)

    assert per_dependencia == {
        "dif": Share(staff=3, trained=2),
        "cultura": Share(staff=2, trained=1),
        "deporte": Share(staff=1, trained=0),
    }
    assert overall == Share(staff=6, trained=3)
    assert sum(s.staff for s in per_dependencia.values()) == overall.staff
    assert sum(s.trained for s in per_dependencia.values()) == overall.trained
    assert sum(s.pending for s in per_dependencia.values()) == overall.pending == 3
    assert (overall.percent, per_dependencia["dif"].percent) == (50.0, 66.7)


def test_a_share_with_nobody_to_count_has_no_percentage() -> None:
    assert Share(staff=0, trained=0).percent is None
    assert coverage_overall([], HELD, course_id=TIPOS.id) == Share(0, 0)
    assert coverage_by_dependencia([], HELD, course_id=TIPOS.id) == {}
    months = coverage_by_month([], HELD, course_id=TIPOS.id, months=[D(2021, 12, 1)])
    assert months[0].share.percent is None


def test_as_of_counts_only_constancias_issued_by_that_day() -> None:
    assert coverage_overall(STAFF, HELD, course_id=TIPOS.id, as_of=D(2021, 12, 31)).trained == 2
    assert coverage_overall(STAFF, HELD, course_id=TIPOS.id, as_of=D(2021, 12, 3)).trained == 0


def test_coverage_by_month_is_cumulative() -> None:
    months = months_between(D(2021, 11, 15), D(2022, 2, 3))
    rows = coverage_by_month(STAFF, HELD, course_id=TIPOS.id, months=months)

    assert [row.month for row in rows] == [
        D(2021, 11, 1),
        D(2021, 12, 1),
        D(2022, 1, 1),
        D(2022, 2, 1),
    ]
    assert [row.new for row in rows] == [0, 2, 1, 0]
    assert [row.share.trained for row in rows] == [0, 2, 3, 3]
    assert [row.share.percent for row in rows] == [0.0, 33.3, 50.0, 50.0]
    for earlier, later in itertools.pairwise(rows):
        assert later.share.trained == earlier.share.trained + later.new


def test_a_person_counts_once_however_many_constancias_she_holds() -> None:
    held = [HeldRow(1, TIPOS.id, D(2022, 5, 1)), HeldRow(1, TIPOS.id, D(2021, 12, 4))]
    rows = coverage_by_month(
        STAFF, held, course_id=TIPOS.id, months=[D(2021, 12, 1), D(2022, 5, 1)]
    )
    assert [(row.new, row.share.trained) for row in rows] == [(1, 1), (0, 1)]


def test_coverage_per_course() -> None:
    shares = coverage_by_course(STAFF, HELD, [TIPOS, PROTOCOLO, OPTIONAL])
    assert [(course.code, share) for course, share in shares] == [
        ("tipos-y-modalidades", Share(6, 3)),
        ("protocolo-de-atencion", Share(6, 2)),
        ("masculinidades", Share(6, 0)),
    ]


def test_who_owes_which_mandatory_course() -> None:
    owing = {
        owe.person.full_name: [c.code for c in owe.courses]
        for owe in owing_mandatory(STAFF, HELD, [TIPOS, PROTOCOLO, OPTIONAL])
    }
    # Ana and Dolores hold both; an optional course is never owed.
    assert owing == {
        "Beatriz": ["protocolo-de-atencion"],
        "Carmen": ["tipos-y-modalidades", "protocolo-de-atencion"],
        "Elena": ["tipos-y-modalidades", "protocolo-de-atencion"],
        "Fabiola": ["tipos-y-modalidades", "protocolo-de-atencion"],
    }


# --- The query that feeds it ------------------------------------------------------------------


@pytest.fixture
def courses(db: None) -> dict[str, Course]:
    return {
        "tipos": Course.objects.create(
            code="tipos-y-modalidades",
            title_es="Tipos y modalidades de la violencia",
            mandatory=True,
            version="1",
            position=1,
        ),
        "protocolo": Course.objects.create(
            code="protocolo-de-atencion",
            title_es="Protocolo de atención",
            mandatory=True,
            version="1",
            position=2,
        ),
    }


def _certificate(course: Course, *, user: Any = None, attendance: Any = None, **extra: Any) -> Any:
    number = Certificate.objects.count() + 1
    return Certificate.objects.create(
        code=f"TEST-{number:05d}",
        course=course,
        user=user,
        attendance=attendance,
        holder_name=(user or attendance).full_name,
        **extra,
    )


def _attendance(course: Course, *, user: Any, held_on: datetime.date, by: Any) -> Attendance:
    session = TrainingSession.objects.create(
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=held_on,
        given_by="IMM",
        created_by=by,
    )
    return Attendance.objects.create(
        session=session,
        full_name=user.full_name,
        email=user.email,
        dependencia=user.dependencia,
        user=user,
        identity=user.email,
    )


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def staff(db: None) -> dict[str, Any]:
    dif = DependenciaFactory(code="dif_cov", name_es="DIF Municipal", short_name="DIF")
    cultura = DependenciaFactory(code="cultura_cov", name_es="Instituto de Cultura")
    return {
        "dif": dif,
        "cultura": cultura,
        "ana": UserFactory(full_name="Ana", role=Role.SERVIDORA, dependencia=dif),
        "bea": UserFactory(full_name="Beatriz", role=Role.ENLACE, dependencia=dif),
        "carmen": UserFactory(full_name="Carmen", role=Role.SERVIDORA, dependencia=cultura),
        "gone": UserFactory(
            full_name="Inactiva", role=Role.SERVIDORA, dependencia=cultura, is_active=False
        ),
        "admin": UserFactory(full_name="Soporte", role=Role.ADMINISTRACION, dependencia=dif),
    }


def test_inactive_staff_and_administracion_are_not_counted(staff: Any, courses: Any) -> None:
    data = coverage_data()
    assert sorted(row.full_name for row in data.staff) == ["Ana", "Beatriz", "Carmen"]
    assert set(data.dependencias) == {"dif_cov", "cultura_cov"}


def test_a_revoked_constancia_does_not_count(staff: Any, courses: Any, coordinacion: Any) -> None:
    tipos = courses["tipos"]
    _certificate(tipos, user=staff["ana"])
    _certificate(tipos, user=staff["bea"], revoked_at=timezone.now(), revoked_by=coordinacion)
    data = coverage_data()
    assert coverage_overall(data.staff, data.held, course_id=tipos.pk).trained == 1
    owing = {owe.person.full_name for owe in owing_mandatory(data.staff, data.held, data.courses)}
    assert "Beatriz" in owing


def test_a_constancia_of_an_attendance_linked_to_her_account_counts(
    staff: Any, courses: Any
) -> None:
    tipos = courses["tipos"]
    attendance = _attendance(tipos, user=staff["carmen"], held_on=D(2021, 12, 4), by=staff["ana"])
    # Issued to the attendance before it was matched with her account.
    _certificate(tipos, attendance=attendance, issued_at=_aware(D(2021, 12, 4)))
    data = coverage_data()
    assert data.held == [HeldRow(staff["carmen"].pk, tipos.pk, D(2021, 12, 4))]
    assert coverage_by_dependencia(data.staff, data.held, course_id=tipos.pk) == {
        "dif_cov": Share(2, 0),
        "cultura_cov": Share(1, 1),
    }


def test_the_query_count_does_not_grow_with_the_staff(
    staff: Any, courses: Any, django_assert_num_queries: Any
) -> None:
    for person in ("ana", "bea", "carmen"):
        _certificate(courses["tipos"], user=staff[person])
    with django_assert_num_queries(3):
        small = coverage_data()
    for index in range(8):
        user = UserFactory(full_name=f"Nueva {index}", dependencia=staff["cultura"])
        _certificate(courses["protocolo"], user=user)
    with django_assert_num_queries(3):
        large = coverage_data()
    assert (len(small.staff), len(large.staff)) == (3, 11)


def test_the_report_tables_agree_with_each_other(staff: Any, courses: Any) -> None:
    _certificate(courses["tipos"], user=staff["ana"], issued_at=_aware(D(2026, 3, 2)))
    _certificate(courses["tipos"], user=staff["carmen"], issued_at=_aware(D(2026, 5, 20)))
    report = coverage_report(
        coverage_data(),
        course_id=courses["tipos"].pk,
        first_month=D(2026, 1, 1),
        last_month=D(2026, 6, 1),
        today=D(2026, 6, 15),
    )
    tables = report.tables()
    assert report.as_of == D(2026, 6, 15)
    assert tables["dependencias"].rows == [
        ["DIF Municipal", 2, 1, 1, 50.0],
        ["Instituto de Cultura", 1, 1, 0, 100.0],
    ]
    assert tables["dependencias"].total == ["Total", 3, 2, 1, 66.7]
    assert tables["meses"].rows[-1] == ["2026-06", 0, 2, 3, 66.7]
    assert [row[1] for row in tables["meses"].rows] == [0, 0, 1, 0, 1, 0]
    assert tables["cursos"].rows[0][2:] == [3, 2, 1, 66.7]
    assert [row[1] for row in tables["adeudos"].rows] == ["Ana", "Beatriz", "Carmen"]


# --- The page ---------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


@pytest.fixture
def trained_world(staff: Any, courses: Any) -> dict[str, Any]:
    _certificate(courses["tipos"], user=staff["ana"], issued_at=_aware(D(2026, 3, 2)))
    _certificate(courses["protocolo"], user=staff["ana"], issued_at=_aware(D(2026, 3, 2)))
    return {**staff, **courses}


def test_the_coverage_page_draws_each_chart_beside_a_table_with_the_same_numbers(
    trained_world: Any, coordinacion: Any
) -> None:
    with time_machine.travel("2026-06-15 10:00:00-06:00", tick=False):
        page = _client(coordinacion).get(reverse("training:coverage"), {"since": "2026-01"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="grafica-dependencias-title grafica-dependencias-desc"' in html
    assert '<title id="grafica-meses-title">' in html
    # Ana of two at DIF: the bar and the table say 50.0 %; coordinación (IMM) counts too.
    assert ">50.0 % (1 de 2)</text>" in html
    assert "<td>50.0 %</td>" in html
    assert 'id="tabla-dependencias"' in html and 'id="tabla-meses"' in html
    assert "<script" not in html.split("<main", 1)[1]
    # Who owes: Beatriz and Carmen (and the coordinación persona, who holds nothing).
    assert "Beatriz" in html and "Carmen" in html


def test_the_tables_download_as_csv_and_xlsx(trained_world: Any, coordinacion: Any) -> None:
    client = _client(coordinacion)
    url = reverse("training:coverage")
    with time_machine.travel("2026-06-15 10:00:00-06:00", tick=False):
        exported = client.get(url, {"formato": "csv", "tabla": "dependencias", "since": "2026-01"})
        workbook_response = client.get(
            url, {"formato": "xlsx", "tabla": "meses", "since": "2026-01"}
        )
        owes = client.get(url, {"formato": "xlsx", "tabla": "adeudos"})

    assert exported["Content-Type"].startswith("text/csv")
    assert "no-store" in exported["Cache-Control"]
    assert (
        'filename="cobertura-dependencias-tipos-y-modalidades-2026-06-15.csv"'
        in (exported["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == [
        "Dependencia",
        "Personal activo",
        "Con constancia vigente",
        "Sin constancia",
        "% con constancia",
    ]
    assert ["DIF Municipal", "2", "1", "1", "50.0"] in rows
    assert rows[-1] == ["Total", "4", "1", "3", "25.0"]

    assert "no-store" in workbook_response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(workbook_response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Mes"
    assert len(values) == 1 + 6  # January to June
    assert values[-1] == ["2026-06", 0, 1, 4, 25.0]

    people = list(load_workbook(io.BytesIO(owes.content)).active.iter_rows(values_only=True))
    assert people[0] == ("Dependencia", "Nombre", "Correo", "Cursos obligatorios pendientes")
    assert {row[1] for row in people[1:]} == {"Beatriz", "Carmen", "Coordinación"}


def test_an_unknown_table_or_format_is_not_found(trained_world: Any, coordinacion: Any) -> None:
    client = _client(coordinacion)
    url = reverse("training:coverage")
    assert client.get(url, {"formato": "pdf", "tabla": "meses"}).status_code == 404
    assert client.get(url, {"formato": "csv", "tabla": "casos"}).status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(coordinacion: Any) -> None:
    response = _client(coordinacion).get(
        reverse("training:coverage"), {"since": "2026-05", "until": "2026-01"}
    )
    assert response.status_code == 400
    assert "anterior al inicial" in response.content.decode()


def test_a_spreadsheet_formula_in_a_name_is_kept_as_text(courses: Any, coordinacion: Any) -> None:
    UserFactory(full_name="=HYPERLINK(1)", dependencia=DependenciaFactory(code="x_cov"))
    exported = _client(coordinacion).get(
        reverse("training:coverage"), {"formato": "csv", "tabla": "adeudos"}
    )
    assert "'=HYPERLINK(1)" in exported.content.decode()


@pytest.mark.parametrize(
    "persona", ["servidora", "atencion", "enlace", "autoridad", "admin_sistema", "outsider"]
)
def test_the_coverage_page_is_for_coordinacion_only(persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    client = _client(user)
    assert client.get(reverse("training:coverage")).status_code == 404
    assert (
        client.get(reverse("training:coverage"), {"formato": "csv", "tabla": "adeudos"}).status_code
        == 404
    )


def test_the_coverage_page_asks_a_visitor_to_log_in(db: None) -> None:
    response = Client().get(reverse("training:coverage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
