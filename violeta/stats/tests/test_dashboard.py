"""The dashboard and its exports: suppressed cells, consistent totals, nothing personal."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from violeta.audit.models import AuditEntry
from violeta.catalogs.models import Dependencia
from violeta.stats.banavim import COLUMNS
from violeta.stats.services import pending_refresh
from violeta.stats.suppression import Line, disclosed_keys
from violeta.stats.tables import GRAND, Table, cell_key, col_key, dashboard_build, row_key
from violeta.stats.tests.helpers import stats_case
from violeta.testing.factories import UserFactory
from violeta.testing.second_factor import force_login_verified

TODAY = datetime.date(2026, 11, 28)
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(
        datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def staff(code: str) -> Any:
    return UserFactory(role="enlace", dependencia=Dependencia.objects.get(code=code))


@pytest.fixture
def world(catalogs: None) -> dict[str, Any]:
    """Tesorería: 3 cases of sexual violence and 12 of psychological violence; DIF: 8 of
    psychological and 6 of sexual; Obras: 7 physical. Two more cases without consent."""
    tesoreria, dif, obras = staff("tesoreria"), staff("dif_municipal"), staff("obras_publicas")
    for _ in range(3):
        stats_case(user=tesoreria, month=MARCH, types=("sexual",), risk="alto")
    for _ in range(12):
        stats_case(user=tesoreria, month=APRIL, types=("psicologica",), risk="bajo")
    for _ in range(8):
        stats_case(user=dif, month=MARCH, types=("psicologica",), risk="bajo")
    for _ in range(6):
        stats_case(user=dif, month=APRIL, types=("sexual",), risk="medio")
    for _ in range(7):
        stats_case(user=obras, month=APRIL, types=("fisica",), risk="medio")
    stats_case(user=tesoreria, month=MARCH, types=("sexual",), consent=False)
    stats_case(user=tesoreria, month=MARCH, types=("sexual",), consent=None)
    pending_refresh()
    return {"tesoreria": tesoreria}


def additive_lines(table: Table) -> list[Line]:
    deps = [code for code, _l in table.dependencias]
    values = [code for code, _l in table.values]
    lines = [Line(tuple(cell_key(v, d) for d in deps), row_key(v)) for v in values]
    lines.append(Line(tuple(col_key(d) for d in deps), GRAND))
    return lines


def test_a_cell_of_three_cases_is_suppressed_and_no_total_gives_it_back(world: Any) -> None:
    board = dashboard_build(year=2026)
    assert board is not None
    types = board.table("tipos")
    assert types.cells[("sexual", "tesoreria")] == 3  # the two without consent are not counted
    assert cell_key("sexual", "tesoreria") in types.hidden
    # In its row (sexual violence across dependencias) another cell is hidden with it…
    row = [k for k in types.hidden if k[0] == "c" and k[1] == "sexual"]
    assert len(row) >= 2
    # …and, exactly, nothing hidden can be computed from what the table shows.
    assert disclosed_keys(_entries(types), additive_lines(types), types.hidden) == set()
    risk = board.table("riesgo")
    assert cell_key("alto", "tesoreria") in risk.hidden
    full = [
        *additive_lines(risk),
        *(
            Line(tuple(cell_key(v, d) for v, _l in risk.values), col_key(d))
            for d, _l in risk.dependencias
        ),
    ]
    assert disclosed_keys(_entries(risk), full, risk.hidden) == set()


def _entries(table: Table) -> dict[Any, int]:
    entries: dict[Any, int] = {GRAND: table.grand}
    for code, _l in table.values:
        entries[row_key(code)] = table.row_totals[code]
        for dep, _d in table.dependencias:
            entries[cell_key(code, dep)] = table.cells.get((code, dep), 0)
    for dep, _d in table.dependencias:
        entries[col_key(dep)] = table.col_totals.get(dep, 0)
    return entries


def test_a_dependencias_total_is_hidden_or_shown_alike_in_every_table(world: Any) -> None:
    board = dashboard_build(year=2026)
    assert board is not None
    case_tables = ["meses", "dependencias", "tipos", "modalidades", "riesgo", "edad", "estado"]
    for dep, _label in board.dependencias:
        decisions = {board.table(key).shown(col_key(dep)) for key in case_tables}
        assert len(decisions) == 1, dep


def test_the_page_shows_the_reserved_cell_and_the_filter_selects_a_column(
    world: Any, client: Any, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    page = client.get(reverse("stats:dashboard"), {"anio": 2026, "dependencia": "tesoreria"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reservado" in html
    assert "enero a octubre 2026" in html.lower(), html[
        html.find("Periodo") : html.find("Periodo") + 80
    ]
    tipos = page.context["sections"]["tipos"]
    shown = {label: n for label, n, _p in ((r.label, r.n, r.percent) for r in tipos.rows)}
    assert shown["Sexual"] is None
    assert tipos.total == 15  # 3 + 12 with consent
    whole = client.get(reverse("stats:dashboard"), {"anio": 2026})
    rows = {r.label: r.n for r in whole.context["sections"]["tipos"].rows}
    assert rows["Psicológica"] == 20


def test_a_bad_filter_says_so_and_shows_the_default(
    world: Any, client: Any, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    page = client.get(reverse("stats:dashboard"), {"anio": "1900", "dependencia": "nada"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Algún filtro no es válido" in html
    assert html.count('class="field-error"') == 2
    assert page.context["year"] == 2026


def test_the_csv_export_is_the_whole_table_with_hidden_cells_starred(
    world: Any, client: Any, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    response = client.get(
        reverse("stats:export"), {"anio": 2026, "tabla": "tipos", "formato": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="estadistica-tipos-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    assert header[0] == "Tipo de violencia" and header[-1] == "Total"
    sexual = next(row for row in rows if row[0] == "Sexual")
    assert sexual[header.index("Tesorería")] == "*"
    assert AuditEntry.objects.filter(action="export").exists()


def test_the_xlsx_export_has_every_table_and_the_notes(
    world: Any, client: Any, coordinacion: Any
) -> None:
    force_login_verified(client, coordinacion)
    response = client.get(
        reverse("stats:export"), {"anio": 2026, "tabla": "todas", "formato": "xlsx"}
    )
    book = load_workbook(io.BytesIO(response.content))
    assert {"meses", "tipos", "riesgo", "plazos", "canalizaciones", "medidas", "Notas"} <= set(
        book.sheetnames
    )
    notes = [row[1] for row in book["Notas"].iter_rows(values_only=True)]
    assert any("consintió" in str(text) for text in notes)


def test_an_unknown_table_or_format_is_not_found(client: Any, coordinacion: Any) -> None:
    force_login_verified(client, coordinacion)
    assert (
        client.get(reverse("stats:export"), {"tabla": "nada", "formato": "csv"}).status_code == 404
    )
    assert (
        client.get(reverse("stats:export"), {"tabla": "tipos", "formato": "pdf"}).status_code == 404
    )


def test_the_banavim_export_has_one_row_per_incident_of_consented_cases_and_no_free_text(
    catalogs: None, client: Any, coordinacion: Any
) -> None:
    user = staff("tesoreria")
    stats_case(
        user=user,
        month=MARCH,
        types=("sexual", "fisica"),
        risk="alto",
        account="RELATO-SECRETO de ella",
        affected="María Secretísima",
    )
    stats_case(user=user, month=MARCH, consent=False, affected="Otra Persona Oculta")
    pending_refresh()
    force_login_verified(client, coordinacion)
    response = client.get(reverse("stats:banavim"), {"anio": 2026, "formato": "csv"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == [column.name for column in COLUMNS]
    assert len(rows) == 1
    row = rows[0]
    assert row["tipos_violencia"] == "fisica;sexual"
    assert row["mes_registro"] == "2026-03"
    assert row["mes_hechos"] == "2025-01"
    assert row["nivel_riesgo"] == "alto"
    assert row["entidad"] == "08" and row["municipio"] == "019"
    for secret in ("RELATO-SECRETO", "Secretísima", "Oculta", "Calle Secreta", "IMM-"):
        assert secret not in body
    assert len(row["id_registro"]) == 20
    xlsx = client.get(reverse("stats:banavim"), {"anio": 2026, "formato": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["banavim"].max_row == 2
    assert book["Campos"].max_row == len(COLUMNS) + 1
