"""The account is heard once: later information is appended, and every retelling is counted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from violeta.cases.models import (
    AccountAddition,
    Case,
    TakingReason,
)
from violeta.cases.selectors import cases_retold
from violeta.cases.services import PartyFacts, case_account_append, case_register
from violeta.testing.factories import assign_to_affected, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace, account="Relato original.")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


def test_the_account_cannot_be_edited_in_place(case):
    fresh = Case.objects.get(pk=case.pk)
    fresh.account = "Otro relato"
    with pytest.raises(ValidationError, match="El relato no se modifica"):
        fresh.save()
    assert Case.objects.get(pk=case.pk).account == "Relato original."


def test_additions_are_dated_attributed_and_leave_the_original_alone(case, atencion):
    case_account_append(actor=atencion, case=case, body="Recordó una fecha: 3 de marzo.")
    addition = AccountAddition.objects.get(case=case)
    assert (addition.author, addition.body) == (atencion, "Recordó una fecha: 3 de marzo.")
    assert Case.objects.get(pk=case.pk).account == "Relato original."
    assert case.account_takings.count() == 1


def test_retelling_is_counted_with_its_reason(case, atencion):
    with pytest.raises(ValidationError, match="por qué"):
        case_account_append(actor=atencion, case=case, body="Detalle", retold=True)
    case_account_append(
        actor=atencion, case=case, body="Detalle", retold=True, reason=TakingReason.CLARIFICATION
    )
    assert list(case.account_takings.values_list("reason", flat=True)) == [
        "registro",
        "aclaracion",
    ]


def test_only_those_who_read_and_act_on_the_account_may_add_to_it(case, coordinacion, autoridad):
    for user in (coordinacion, autoridad):
        with pytest.raises(PermissionDenied):
            case_account_append(actor=user, case=case, body="x")


def test_registration_counts_the_first_telling(catalogs, atencion):
    case = case_register(
        actor=atencion,
        dependencia=atencion.dependencia,
        account="Relato",
        affected=PartyFacts(display_name="A"),
        accused=[PartyFacts(display_name="B")],
    ).case
    taking = case.account_takings.get()
    assert (taking.reason, taking.taken_by) == ("registro", atencion)


def test_coordinacion_lists_every_case_where_she_told_it_more_than_once(
    case, atencion, coordinacion, enlace
):
    other = make_case(registered_by=enlace)
    case_account_append(
        actor=atencion, case=case, body="Más", retold=True, reason=TakingReason.NEW_FACTS
    )
    assert list(cases_retold(user=coordinacion)) == [case]
    assert getattr(cases_retold(user=coordinacion).get(), "takings") == 2  # noqa: B009
    assert not cases_retold(user=atencion).exists()
    client = Client()
    force_login_verified(client, coordinacion)
    body = client.get(reverse("cases:retold")).content.decode()
    assert case.folio in body
    assert other.folio not in body


def test_the_form_keeps_what_was_typed_when_the_reason_is_missing(case, atencion):
    client = Client()
    force_login_verified(client, atencion)
    response = client.post(
        reverse("cases:account_add", kwargs={"pk": case.pk}),
        {"adicion-body": "Lo que ella añadió hoy.", "adicion-retold": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Indica por qué se le pidió volver a narrar los hechos." in body
    assert "Lo que ella añadió hoy." in body
    assert not AccountAddition.objects.exists()
