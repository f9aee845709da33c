"""The acta lists members, attendance, excuses, votes and measures, and nothing from the
attention notes or her contact data."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from violeta.cases.models import AttentionSession, CaseNote, Service, SessionMode
from violeta.documents.testing import pdf_text
from violeta.sanctions import services
from violeta.sanctions.acta import acta_render
from violeta.sanctions.models import MeasureKind, MeasureSubject, VoteChoice

from .conftest import HER_EMAIL, HER_PHONE

pytestmark = pytest.mark.django_db

NOTE = "Refiere insomnio y miedo de encontrarlo en el pasillo"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_acta_lists_members_votes_and_measures_and_nothing_of_the_attention(
    procedure: Any, procedure_case: Any, comite: Any, autoridad: Any, atencion: Any
) -> None:
    AttentionSession.objects.create(
        case=procedure_case,
        service=Service.PSICOLOGICA,
        mode=SessionMode.PRESENCIAL,
        held_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC),
        notes=NOTE,
        author=atencion,
    )
    CaseNote.objects.create(case=procedure_case, author=atencion, body=NOTE + " (nota)")
    session = services.session_convene(
        actor=autoridad,
        procedure=procedure,
        scheduled_for=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        place="Sala de cabildo",
    )
    members = list(session.members.all())
    absent = next(m for m in members if not m.excuse and m.member.user != autoridad)
    services.session_hold(
        actor=autoridad,
        session=session,
        present=[m.pk for m in members if m != absent],
        agreements="Se turna el caso al Órgano Interno de Control.",
    )
    measure = services.measure_propose(
        actor=autoridad,
        session=session,
        kind=MeasureKind.REUBICACION_AGRESOR,
        subject=MeasureSubject.PRESUNTO_AGRESOR,
        responsible="Recursos Humanos de Obras Públicas",
        starts_on=datetime.date(2026, 12, 2),
        ends_on=datetime.date(2027, 1, 30),
    )
    voters = [m for m in session.members.all() if m.may_vote]
    votes = {m.pk: VoteChoice.A_FAVOR for m in voters[:-1]} | {voters[-1].pk: VoteChoice.EN_CONTRA}
    services.votes_record(actor=autoridad, measure=measure, votes=votes)

    text = _flat(pdf_text(acta_render(session=session)))

    for member in members:
        assert member.member.user.full_name in text
    assert "Excusado: Trabaja en la misma cadena de mando que una de las partes" in text
    assert "Ausente" in text
    assert "Reubicación del presunto agresor" in text
    assert "Recursos Humanos de Obras Públicas" in text
    assert "Por mayoría" in text
    assert text.count("A favor") == len(voters) - 1
    assert "En contra" in text
    assert "3 de 3 necesarios" in text
    assert "Se turna el caso al Órgano Interno de Control." in text
    assert procedure_case.folio in text
    # Nothing of the attention, her contact data, or her account.
    for forbidden in (NOTE[:30], HER_PHONE, HER_EMAIL, "comentarios sexuales todos los días"):
        assert forbidden not in text


def test_the_autoridad_reads_the_procedure_file_but_never_the_attention(
    procedure: Any, procedure_case: Any, comite: Any, autoridad: Any, atencion: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    from violeta.testing.second_factor import force_login_verified

    AttentionSession.objects.create(
        case=procedure_case,
        service=Service.PSICOLOGICA,
        mode=SessionMode.PRESENCIAL,
        held_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC),
        notes=NOTE,
        author=atencion,
    )
    session = services.session_convene(
        actor=autoridad,
        procedure=procedure,
        scheduled_for=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        place="Sala de cabildo",
    )
    client = Client()
    force_login_verified(client, autoridad)
    pages = [
        reverse("sanctions:detail", args=[procedure.pk]),
        reverse("sanctions:session", args=[session.pk]),
        reverse("cases:detail", args=[procedure_case.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert NOTE not in body, url
    procedure_page = client.get(pages[0]).content.decode()
    assert "Hechos que se le atribuyen" in procedure_page
    for private in (HER_PHONE, HER_EMAIL):
        assert private not in procedure_page
