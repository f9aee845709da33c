"""Coordinación looks at how much of the staff is trained: a chart, the table beside it with
the same numbers, and the table downloaded as CSV."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from violeta.catalogs.models import Dependencia
from violeta.testing.browser import log_in
from violeta.testing.factories import UserFactory
from violeta.training.models import Certificate, Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinacion_reads_the_coverage_and_downloads_its_table(
    page: Page, live_server, catalogs, coordinacion
):
    course = Course.objects.create(
        code="tipos-y-modalidades",
        title_es="Tipos y modalidades de la violencia",
        mandatory=True,
        version="1",
    )
    dif = Dependencia.objects.get(code="dif_municipal")
    rosa: Any = UserFactory(full_name="Rosa Elena Chávez", dependencia=dif)
    UserFactory(full_name="Martha Loya", dependencia=dif)
    Certificate.objects.create(
        code="TEST-00001",
        course=course,
        user=rosa,
        holder_name=rosa.full_name,
        issued_at=timezone.now() - datetime.timedelta(days=1),
    )

    log_in(page, live_server, coordinacion.email)
    page.goto(f"{live_server.url}/capacitacion/cobertura/")
    expect(page.get_by_role("heading", name="Cobertura de la capacitación")).to_be_visible()

    chart = page.get_by_role("img", name="porcentaje del personal con constancia, por dependencia")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("50.0 % (1 de 2)")
    table = page.get_by_role("table", name="cobertura por dependencia")
    expect(table.get_by_role("row", name="DIF Municipal")).to_contain_text("50.0 %")
    expect(table.get_by_role("row", name="Total")).to_contain_text("1")

    section = page.get_by_role("region", name="Por dependencia")
    with page.expect_download() as download:
        section.get_by_role("link", name="Descargar en CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Dependencia"
    assert [
        "Sistema para el Desarrollo Integral de la Familia del Municipio de Chihuahua "
        "(DIF Municipal)",
        "2",
        "1",
        "1",
        "50.0",
    ] in rows

    owes = page.get_by_role("region", name="Quién adeuda la capacitación obligatoria")
    expect(owes).to_contain_text("Martha Loya")
    expect(owes).not_to_contain_text("Rosa Elena Chávez")
