"""The demo training session (development only): on 4 December 2021 the IMM trained staff of
DIF Municipal, the Instituto de Cultura, the Dirección de Desarrollo Humano y Educación and the
Instituto Municipal de Cultura Física y Deporte in the types of violence and the protocol,
within the 16 días de activismo (news of the Gobierno Municipal, 4 December 2021).

The attendees are invented demo people, except the demo servidora and enlace, whose accounts
belong to two of those dependencias; every attendee gets a constancia.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from violeta.accounts.models import User
from violeta.catalogs.selectors import dependencias
from violeta.training.content import courses_load
from violeta.training.models import Campaign, CampaignKind, Course, SessionMode, TrainingSession
from violeta.training.services_sessions import (
    Attendee,
    attendees_record,
    session_certificates_issue,
    session_create,
)

DEMO_COORDINACION = "coordinacion@demo.violeta.mx"
DEMO_COURSE = "tipos-y-modalidades"
DEMO_DATE = datetime.date(2021, 12, 4)
DEMO_GIVEN_BY = "Instituto Municipal de las Mujeres (IMM)"
DEMO_SOURCE = "demo"

# (name, e-mail, employee number, dependencia code). Made-up people; the e-mails of the demo
# servidora and enlace link their attendance (and constancia) to their accounts.
DEMO_ATTENDEES: tuple[tuple[str, str, str, str], ...] = (
    ("Rosa Elena Chávez", "servidora@demo.violeta.mx", "", "dif_municipal"),
    ("Patricia Meléndez Ruiz", "", "DIF-1042", "dif_municipal"),
    ("Héctor Armendáriz Baeza", "", "DIF-0877", "dif_municipal"),
    ("Martha Loya", "enlace@demo.violeta.mx", "", "instituto_cultura"),
    ("Claudia Villalobos Ortiz", "", "", "instituto_cultura"),
    ("Ramón Quezada Prieto", "", "", "instituto_cultura"),
    ("Guadalupe Anchondo Sáenz", "", "DHE-0315", "desarrollo_humano_educacion"),
    ("Arturo Domínguez Lara", "", "DHE-0421", "desarrollo_humano_educacion"),
    ("Silvia Carrasco Muñoz", "", "DHE-0502", "desarrollo_humano_educacion"),
    ("Mónica Olivas Gándara", "", "DEP-0118", "cultura_fisica_deporte"),
    ("Jesús Manuel Portillo", "", "DEP-0230", "cultura_fisica_deporte"),
    ("Verónica Sotelo Chacón", "", "DEP-0244", "cultura_fisica_deporte"),
)


def _courses_loaded() -> Course:
    course = Course.objects.filter(code=DEMO_COURSE).first()
    if course is None:
        courses_load()
        course = Course.objects.get(code=DEMO_COURSE)
    return course


def demo_training_ensure() -> TrainingSession:
    """The 4 December 2021 session with its attendees and their constancias. Running it again
    changes nothing. Needs ``seed_demo`` (the coordinación account) and the catalogs."""
    actor = User.objects.get(email=DEMO_COORDINACION)
    course = _courses_loaded()
    in_force = {dep.code: dep for dep in dependencias()}
    missing = {code for *_rest, code in DEMO_ATTENDEES} - set(in_force)
    if missing:
        raise LookupError(f"Dependencias not loaded: {sorted(missing)}; run load_catalogs.")
    with transaction.atomic():
        session = TrainingSession.objects.filter(
            course=course, held_on=DEMO_DATE, mode=SessionMode.PRESENCIAL
        ).first()
        if session is None:
            campaign = Campaign.objects.filter(
                kind=CampaignKind.DIECISEIS_DIAS, starts_on__lte=DEMO_DATE, ends_on__gte=DEMO_DATE
            ).first()
            session = session_create(
                actor=actor,
                course=course,
                mode=SessionMode.PRESENCIAL,
                held_on=DEMO_DATE,
                place="",
                given_by=DEMO_GIVEN_BY,
                campaign=campaign,
            )
        if not session.attendances.exists():
            attendees_record(
                actor=actor,
                session=session,
                attendees=[
                    Attendee(
                        full_name=name,
                        email=email,
                        employee_number=number,
                        dependencia=in_force[code],
                    )
                    for name, email, number, code in DEMO_ATTENDEES
                ],
                source=DEMO_SOURCE,
            )
        session_certificates_issue(actor=actor, session=session)
    return session
