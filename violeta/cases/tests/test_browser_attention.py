"""The assigned psychologist works the case by keyboard alone: a session with its next
appointment, the safety plan, a task done, and the timeline."""

import datetime

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Page, expect

from violeta.testing.browser import follow, log_in_by_keyboard, submit
from violeta.testing.factories import assign_to_affected, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = "Identificamos sus redes de apoyo; se siente más segura en casa de su hermana."
STEPS = "Salir por la puerta de atrás, ir con su hermana y llamar al 911."


def as_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_psychologist_records_a_session_plans_tasks_and_reads_the_timeline(
    page: Page, live_server, catalogs, enlace, coordinacion, atencion
):
    case = make_case(registered_by=enlace, account="Relato de la prueba de navegador.")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    held = timezone.now() - datetime.timedelta(hours=1)
    appointment = (timezone.localtime() + datetime.timedelta(days=7)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    with translation.override("es-mx"):
        appointment_text = dateformat.format(appointment, r"l j \d\e F Y, H:i")

    log_in_by_keyboard(page, live_server, atencion)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    attention = page.get_by_role("region", name="Atención", exact=True)
    expect(attention.get_by_text("Aún no hay sesiones registradas.")).to_be_visible()

    # A session, with her next appointment.
    follow(page, "Registrar sesión")
    expect(page.get_by_role("heading", name="Registrar sesión")).to_be_visible()
    expect(page.get_by_label("Servicio")).to_have_value("psicologia")
    page.get_by_label("Fecha y hora de la sesión").fill(as_input(held))
    page.get_by_label("Notas de la sesión").fill(NOTES)
    page.get_by_label("Próxima cita").fill(as_input(appointment))
    submit(page, "Guardar sesión")
    expect(page.get_by_role("status").first).to_contain_text("Sesión registrada.")
    expect(page.get_by_text(NOTES)).to_be_visible()
    expect(attention.get_by_text(appointment_text).first).to_be_visible()

    # Her safety plan.
    follow(page, "Actualizar plan de seguridad")
    expect(page.get_by_role("heading", name="Plan de seguridad", exact=True)).to_be_visible()
    page.get_by_label("Señales de riesgo").fill("Él llega tomado los viernes.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Personas de confianza")).to_be_focused()
    page.keyboard.type("Su hermana Lucía.")
    page.get_by_label("Qué hacer si hay peligro").fill(STEPS)
    submit(page, "Guardar nueva versión")
    expect(page.get_by_role("status").first).to_contain_text("Plan de seguridad actualizado.")
    expect(page.get_by_text(STEPS)).to_be_visible()
    expect(page.get_by_text("Versión 1")).to_be_visible()

    # A task for herself, then done.
    follow(page, "Nueva tarea")
    page.get_by_label("Tarea", exact=True).fill("Confirmar la cita por teléfono")
    due = timezone.localdate() + datetime.timedelta(days=2)
    page.get_by_label("Fecha límite").fill(due.isoformat())
    page.get_by_label("Responsable").select_option(label=atencion.full_name)
    submit(page, "Crear tarea")
    expect(page.get_by_role("status").first).to_contain_text("Tarea creada.")
    tasks = page.get_by_role("region", name="Tareas del equipo")
    expect(tasks.get_by_text("Confirmar la cita por teléfono")).to_be_visible()
    submit(page, "Marcar como hecha")
    expect(page.get_by_role("status").first).to_contain_text("Tarea marcada como hecha.")
    expect(tasks.get_by_text("No hay tareas pendientes.")).to_be_visible()

    # The timeline tells it all, without the contents.
    follow(page, "Línea de tiempo")
    expect(
        page.get_by_role("heading", name=f"Línea de tiempo del caso {case.folio}")
    ).to_be_visible()
    history = page.get_by_role("list").filter(has_text="Caso registrado")
    expect(history.get_by_text("Sesión de atención Psicológica (Presencial).")).to_be_visible()
    expect(history.get_by_text("Plan de seguridad, versión 1.")).to_be_visible()
    expect(history.get_by_text("Tarea «Confirmar la cita por teléfono» hecha.")).to_be_visible()
    expect(page.get_by_text(NOTES)).to_have_count(0)
    expect(page.get_by_text(STEPS)).to_have_count(0)
