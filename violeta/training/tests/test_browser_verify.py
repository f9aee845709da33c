"""Anyone, without logging in or JavaScript, checks the code on a constancia: a real one is
valid, with the holder and the course; a forged one is not. The page passes axe's WCAG 2.2 AA
rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from violeta.catalogs.selectors import dependencias
from violeta.testing.browser import axe_report, axe_violations
from violeta.training.certificates import certificate_issue, code_new
from violeta.training.models import Course, SessionMode
from violeta.training.services_sessions import Attendee, attendees_record, session_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anyone_verifies_a_real_constancia_and_a_forged_code_is_not_valid(
    browser: Browser, page: Page, live_server: Any, catalogs: None, courses: Any, coordinacion: Any
) -> None:
    cache.clear()
    course = Course.objects.get(code="tipos-y-modalidades")
    session = session_create(
        actor=coordinacion,
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=datetime.date(2021, 12, 4),
        place="",
        given_by="Instituto Municipal de las Mujeres",
    )
    deporte = next(dep for dep in dependencias() if dep.code == "cultura_fisica_deporte")
    attendees_record(
        actor=coordinacion,
        session=session,
        attendees=[Attendee("Mónica Olivas Gándara", deporte, employee_number="DEP-0118")],
    )
    attendance = session.attendances.get()
    certificate = certificate_issue(
        course=course, holder_name=attendance.full_name, dependencia=deporte, attendance=attendance
    )

    context = browser.new_context(
        java_script_enabled=False, locale="es-MX", timezone_id="America/Chihuahua"
    )
    visitor = context.new_page()
    try:
        visitor.goto(live_server.url + reverse("verify:check"))
        expect(visitor.get_by_role("link", name="Salida rápida")).to_be_visible()
        visitor.get_by_label("Código de verificación").fill(certificate.code.lower())
        visitor.get_by_role("button", name="Verificar").click()
        result = visitor.get_by_role("region", name="Constancia válida")
        expect(result).to_contain_text("Mónica Olivas Gándara")
        expect(result).to_contain_text(course.title_es)
        expect(result).to_contain_text("Instituto Municipal de Cultura Física y Deporte")

        visitor.get_by_label("Código de verificación").fill(code_new())
        visitor.get_by_role("button", name="Verificar").click()
        expect(visitor.get_by_role("heading", level=2)).to_have_text(
            "No existe una constancia con ese código"
        )
        expect(visitor.get_by_text("no es una constancia válida")).to_be_visible()
        expect(visitor.get_by_text("Mónica Olivas Gándara")).to_have_count(0)
    finally:
        context.close()

    # axe needs scripts; the page it checks is the one the QR code opens.
    page.goto(live_server.url + reverse("verify:code", args=[certificate.code]))
    expect(page.get_by_role("region", name="Constancia válida")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
