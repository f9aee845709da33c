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


def test_whether_she_is_a_party_or_assigned_is_asked_once_while_the_page_renders(
    case, coordinacion, atencion
):
    from violeta.cases.selectors import active_assignment_kind, is_party, readings_shared
    from violeta.testing.factories import assign_to_affected

    assign_to_affected(case, by=coordinacion, worker=atencion, kind="juridica")
    with readings_shared():
        assert _queries(lambda: is_party(user=atencion, case=case)) == (1, False)
        assert _queries(lambda: is_party(user=atencion, case=case)) == (0, False)
        assert _queries(lambda: active_assignment_kind(user=atencion, case=case)) == (
            1,
            "juridica",
        )
        assert _queries(lambda: active_assignment_kind(user=atencion, case=case))[0] == 0
        # Another person is another question.
        assert _queries(lambda: active_assignment_kind(user=coordinacion, case=case)) == (
            1,
            None,
        )
    # Outside, the database is asked every time: an assignment ended since is seen.
    case.assignments.update(ended_at=case.registered_at)
    assert _queries(lambda: active_assignment_kind(user=atencion, case=case)) == (1, None)


def test_other_apps_rows_about_the_case_are_shared_by_kind(case):
    from violeta.cases.shared_reads import case_rows

    calls: list[str] = []

    def read(name: str) -> Callable[[], list[str]]:
        def rows() -> list[str]:
            calls.append(name)
            return [name]

        return rows

    with case_rows_shared():
        assert case_rows("risk", case, read("risk")) == ["risk"]
        assert case_rows("risk", case, read("again")) == ["risk"]
        assert case_rows("other", case, read("other")) == ["other"]
    assert case_rows("risk", case, read("fresh")) == ["fresh"]
    assert calls == ["risk", "other", "fresh"]
