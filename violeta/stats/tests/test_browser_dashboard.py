"""Coordinación reads the statistics: a suppressed cell shows as reserved in the chart and in
the table, the dependencia filter narrows every section, and a table downloads as CSV."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from violeta.catalogs.models import Dependencia
from violeta.stats.tests.helpers import stats_case
from violeta.testing.browser import axe_report, axe_violations, log_in
from violeta.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinacion_reads_the_statistics_filters_them_and_downloads_a_table(
    page: Page, live_server: Any, catalogs: None, coordinacion: Any
) -> None:
    tesoreria = UserFactory(role="enlace", dependencia=Dependencia.objects.get(code="tesoreria"))
    dif = UserFactory(role="enlace", dependencia=Dependencia.objects.get(code="dif_municipal"))
    march = datetime.date(2026, 3, 1)
    for _ in range(3):
        stats_case(user=tesoreria, month=march, types=("sexual",))
    for _ in range(9):
        stats_case(user=tesoreria, month=march, types=("psicologica",))
    for _ in range(8):
        stats_case(user=dif, month=march, types=("sexual",))
    for _ in range(11):
        stats_case(user=dif, month=march, types=("psicologica",))

    log_in(page, live_server, coordinacion.email)
    page.get_by_role("link", name="Estadística").first.click()
    expect(page.get_by_role("heading", name="Estadística", level=1)).to_be_visible()

    types = page.get_by_role("region", name="Casos por tipo de violencia")
    table = types.get_by_role("table", name="Casos por tipo de violencia")
    expect(table.get_by_role("row", name="Sexual")).to_contain_text("11")
    expect(table.get_by_role("row", name="Total")).to_contain_text("31")

    page.get_by_label("Dependencia", exact=True).select_option(label="Tesorería")
    page.get_by_role("button", name="Ver").click()
    types = page.get_by_role("region", name="Casos por tipo de violencia")
    table = types.get_by_role("table", name="Casos por tipo de violencia")
    expect(table.get_by_role("row", name="Sexual")).to_contain_text("Reservado")
    expect(types.get_by_role("img", name="Casos por tipo de violencia")).to_contain_text(
        "dato reservado"
    )
    # 3 is hidden and so is its complement: the total (12) minus the 9 would give it back.
    expect(table.get_by_role("row", name="Psicológica")).to_contain_text("Reservado")
    expect(table.get_by_role("row", name="Total")).to_contain_text("12")

    violations = axe_violations(page)
    assert violations == [], axe_report(violations)

    with page.expect_download() as download:
        types.get_by_role("link", name="Descargar en CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    header = rows[0]
    sexual = next(row for row in rows if row[0] == "Sexual")
    assert sexual[header.index("Tesorería")] == "*"
    assert sexual[header.index("DIF Municipal")] == "*"
    assert sexual[-1] == "11"
