"""Each case keeps the types and modalities of violence of all its incidents."""

from __future__ import annotations

from typing import Any

import pytest

from violeta.cases.models import CaseViolenceModality, CaseViolenceType, Incident
from violeta.cases.receivers import case_violence_refresh
from violeta.catalogs.models import ViolenceModality, ViolenceType
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


def kept(case: Any) -> tuple[set[str], set[str]]:
    types = set(
        CaseViolenceType.objects.filter(case=case).values_list("violence_type__code", flat=True)
    )
    modalities = set(
        CaseViolenceModality.objects.filter(case=case).values_list(
            "violence_modality__code", flat=True
        )
    )
    return types, modalities


def entry(model: Any, code: str) -> Any:
    return model.objects.filter(code=code).order_by("law").first()


@pytest.fixture
def case(catalogs, enlace):
    return make_case(registered_by=enlace)


def test_a_case_without_incidents_keeps_nothing(case):
    assert kept(case) == (set(), set())


def test_setting_adding_removing_and_clearing_an_incidents_classification(case, enlace):
    fisica, sexual = entry(ViolenceType, "fisica"), entry(ViolenceType, "sexual")
    laboral = entry(ViolenceModality, "laboral_docente")
    first = Incident.objects.create(case=case, recorded_by=enlace)
    first.violence_types.set([fisica])
    first.violence_modalities.set([laboral])
    assert kept(case) == ({"fisica"}, {"laboral_docente"})
    second = Incident.objects.create(case=case, recorded_by=enlace)
    second.violence_types.add(fisica, sexual)
    assert kept(case) == ({"fisica", "sexual"}, {"laboral_docente"})
    # A type another incident still has stays; one no incident has any more goes.
    first.violence_types.remove(fisica)
    assert kept(case) == ({"fisica", "sexual"}, {"laboral_docente"})
    second.violence_types.clear()
    assert kept(case) == (set(), {"laboral_docente"})
    assert CaseViolenceType.objects.count() == 0


def test_deleting_an_incident_drops_what_only_it_had(case, enlace):
    psicologica, sexual = entry(ViolenceType, "psicologica"), entry(ViolenceType, "sexual")
    kept_one = Incident.objects.create(case=case, recorded_by=enlace)
    kept_one.violence_types.set([psicologica])
    dropped = Incident.objects.create(case=case, recorded_by=enlace)
    dropped.violence_types.set([psicologica, sexual])
    dropped.delete()
    assert kept(case) == ({"psicologica"}, set())


def test_other_cases_are_untouched_and_a_refresh_repairs_a_drift(case, enlace):
    other = make_case(registered_by=enlace)
    fisica = entry(ViolenceType, "fisica")
    mine = Incident.objects.create(case=case, recorded_by=enlace)
    mine.violence_types.set([fisica])
    theirs = Incident.objects.create(case=other, recorded_by=enlace)
    theirs.violence_types.set([fisica])
    CaseViolenceType.objects.filter(case=case).delete()  # as if written behind its back
    assert kept(other) == ({"fisica"}, set())
    case_violence_refresh(case_ids={case.pk})
    assert kept(case) == ({"fisica"}, set())
