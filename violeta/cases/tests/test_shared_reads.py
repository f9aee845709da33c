"""A case's parties and incidents are read once while its page renders, afresh otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from violeta.cases.models import CaseParty, Incident, PartyKind
from violeta.cases.shared_reads import case_incidents, case_parties, case_rows_shared
from violeta.catalogs.models import ViolenceType
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


def _queries(read: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = read()
    return len(captured), result


@pytest.fixture
def case(catalogs, enlace):
    case = make_case(registered_by=enlace)
    incident = Incident.objects.create(case=case, recorded_by=enlace)
    incident.violence_types.set(ViolenceType.objects.filter(code="psicologica")[:1])
    return case


def test_inside_the_block_each_case_is_read_once_with_what_the_page_shows(case, enlace):
    other = make_case(registered_by=enlace)
    with case_rows_shared():
        count, parties = _queries(lambda: case_parties(case))
        assert count == 1  # with their dependencia, data key and account in the same query
        assert [p.kind for p in parties] == [PartyKind.AFECTADA, PartyKind.SENALADA]
        assert _queries(lambda: case_parties(case))[0] == 0
        count, incidents = _queries(lambda: case_incidents(case))
        assert count == 3  # the incidents, their types, their modalities
        assert _queries(lambda: [i.violence_types.all()[0].code for i in incidents])[0] == 0
        assert _queries(lambda: case_incidents(case))[0] == 0
        # Another case is another read.
        assert _queries(lambda: case_parties(other))[0] == 1


def test_outside_the_block_every_call_sees_what_was_written_since(case):
    assert len(case_parties(case)) == 2
    CaseParty.objects.create(case=case, kind=PartyKind.TESTIGO, display_name="Testigo")
    assert len(case_parties(case)) == 3
    assert _queries(lambda: case_parties(case))[0] == 1
