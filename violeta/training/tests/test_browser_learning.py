"""A public servant takes the mandatory course on types and modalities of violence: the initial
evaluation, the lessons, the final evaluation with its explanations, and her constancia."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from violeta.documents.testing import pdf_text
from violeta.testing.browser import axe_report, axe_violations, log_in
from violeta.training.models import Course
from violeta.training.services_learning import quiz_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Tipos y modalidades de violencia"


def _accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, axe_report(violations)


def _answer(page: Page, course: Course, stage: str, *, correctly: bool) -> None:
    """Choose, in each question's group, the right option or else the first wrong one."""
    questions = quiz_questions(course, stage)
    for number, question in enumerate(questions, start=1):
        option = next(o for o in question.options if o["correct"] is correctly)
        group = page.get_by_role("group", name=f"Pregunta {number} de {len(questions)}")
        group.get_by_label(option["text"]["es"], exact=True).check()


def test_a_servidora_takes_the_course_and_downloads_her_constancia(
    page: Page, live_server: Any, catalogs: None, courses: None, servidora: Any
) -> None:
    course = Course.objects.get(code="tipos-y-modalidades")
    log_in(page, live_server, servidora.email)
    page.goto(f"{live_server.url}/capacitacion/cursos/")

    card = page.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("Obligatorio")
    expect(card).to_contain_text("Aún no empiezas este curso.")
    card.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The initial evaluation comes before the lessons.
    page.get_by_role("link", name="Empezar la evaluación inicial").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluación inicial")
    _accessible(page)
    _answer(page, course, "pre", correctly=False)
    page.get_by_role("button", name="Enviar respuestas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluación inicial: tu resultado")
    expect(page.get_by_role("heading", name="Tu calificación: 0%")).to_be_visible()
    expect(page.get_by_text("Respuesta correcta:").first).to_be_visible()

    # She reads the lessons, one after the other, up to the final evaluation.
    page.get_by_role("link", name="Ir a la primera lección").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Qué son los tipos y las modalidades de violencia"
    )
    expect(page.get_by_role("table").first).to_contain_text("LEDMVLV")
    _accessible(page)
    page.get_by_role("link", name="Siguiente: Los tipos de violencia").click()
    expect(page.get_by_role("heading", name="Los tipos en la ley general")).to_be_visible()
    page.get_by_role("link", name="Siguiente: Las modalidades de violencia").click()
    page.get_by_role("link", name="Siguiente: Cómo reconocer y clasificar").click()
    page.get_by_role("link", name="Hacer la evaluación final").click()

    _answer(page, course, "post", correctly=True)
    page.get_by_role("button", name="Enviar respuestas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluación final: tu resultado")
    expect(page.get_by_role("heading", name="Tu calificación: 100%")).to_be_visible()
    expect(page.get_by_text("¡Aprobaste!")).to_be_visible()
    explained = page.get_by_role("article", name="Pregunta 1: correcta")
    expect(explained).to_contain_text("hay subordinación: es hostigamiento sexual")
    _accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar mi constancia (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Servidora Pública" in text
    assert TITLE in text

    page.goto(f"{live_server.url}/capacitacion/cursos/")
    card = page.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("Aprobado.")
    expect(card).to_contain_text("Avance desde la evaluación inicial: +100 puntos")
