"""A case's parties and incidents are read once while its page renders, afresh otherwise."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from violeta.cases.models import (
    AccountAddition,
    CaseNote,
    CaseParty,
    CaseTask,
    ContactMethod,
    ContactPreference,
    Incident,
    PartyKind,
    SafetyPlan,
)
from violeta.cases.shared_reads import case_incidents, case_parties, case_rows_shared
from violeta.catalogs.models import ViolenceType
from violeta.testing.factories import assign_to_affected, consent_give, make_case
from violeta.testing.second_factor import force_login_verified

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
        assert count == 1  # with their dependencia and data key in the same query
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


def _fresh_answers(user: Any, case: Any) -> tuple[Any, ...]:
    from violeta.cases.selectors import active_assignment_kind, case_reading, is_party

    return (
        is_party(user=user, case=case),
        active_assignment_kind(user=user, case=case),
        case_reading(user=user, case=case),
    )


def test_the_case_pages_read_answers_what_the_sections_ask_as_fresh_reads_do(
    case, enlace, coordinacion, atencion, autoridad
):
    import datetime

    from django.utils import timezone

    from violeta.accounts.roles import Role
    from violeta.cases.models import AccountTaking, EmergencyAccess, TakingReason
    from violeta.cases.selectors import case_for_page, readings_shared
    from violeta.testing.factories import UserFactory, assign_to_affected, consent_give

    assign_to_affected(case, by=coordinacion, worker=atencion, kind="juridica")
    consent_give(case)
    assign_to_affected(case, by=coordinacion, worker=autoridad, kind="autoridad")
    AccountTaking.objects.create(case=case, taken_by=enlace, reason=TakingReason.CLARIFICATION)
    reader: Any = UserFactory(role=Role.ATENCION)
    EmergencyAccess.objects.create(
        case=case,
        user=reader,
        reason="Riesgo alto",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    lapsed: Any = UserFactory(role=Role.ATENCION)
    EmergencyAccess.objects.create(
        case=case,
        user=lapsed,
        reason="Ya pasó",
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    for viewer in (coordinacion, atencion, autoridad, reader):
        expected = _fresh_answers(viewer, case)
        with readings_shared():
            found = case_for_page(user=viewer, pk=case.pk)
            assert found is not None, viewer
            page_case, assignments = found
            count, answers = _queries(partial(_fresh_answers, viewer, page_case))
            assert answers == expected, viewer
            # Her assignment and emergency access came with the case and its assignments; an
            # autoridad's reading still asks whether she consents to the comité reading it.
            assert count == (1 if viewer == autoridad else 0), viewer
        assert getattr(page_case, "takings_count") == 2  # noqa: B009 - an annotation
        assert [a.pk for a in assignments] == sorted(
            case.assignments.filter(ended_at__isnull=True).values_list("pk", flat=True)
        )
    # Who may not open it gets nothing, and an emergency access that lapsed opens nothing.
    assert case_for_page(user=lapsed, pk=case.pk) is None
    assert case_for_page(user=atencion, pk=make_case(registered_by=enlace).pk) is None


def test_the_guidelines_are_read_once_for_the_section_and_the_protocols_guard(case):
    from violeta.cases.models import GuidelineCheck, GuidelineStatus
    from violeta.cases.shared_reads import case_guideline_checks

    GuidelineCheck.objects.create(case=case, code="interprete", status=GuidelineStatus.PENDING)
    with case_rows_shared():
        assert _queries(lambda: [c.code for c in case_guideline_checks(case.pk)]) == (
            1,
            ["interprete"],
        )
        assert _queries(lambda: case_guideline_checks(case.pk))[0] == 0
        # The protocol's guard names the case by its run's subject id, as text.
        assert _queries(lambda: case_guideline_checks(str(case.pk)))[0] == 0
    GuidelineCheck.objects.filter(case=case).update(status=GuidelineStatus.DONE)
    assert [c.status for c in case_guideline_checks(case.pk)] == [GuidelineStatus.DONE]


PRESENCE_FLAGS = (
    "has_notes",
    "has_additions",
    "has_contact_preferences",
    "has_safety_plans",
    "has_open_tasks",
)


def _page_flags(user: Any, case: Any) -> dict[str, bool]:
    from violeta.cases.selectors import case_for_page

    found = case_for_page(user=user, pk=case.pk)
    assert found is not None
    return {flag: getattr(found[0], flag) for flag in PRESENCE_FLAGS}


def test_the_case_pages_read_knows_which_rows_the_case_has_none_of(case, coordinacion, atencion):
    assert _page_flags(coordinacion, case) == dict.fromkeys(PRESENCE_FLAGS, False)
    # A task done is no open task.
    task = CaseTask.objects.create(
        case=case,
        title="Llamarle",
        due_on=datetime.date(2026, 3, 10),
        assigned_to=atencion,
        created_by=coordinacion,
        done_at=timezone.now(),
    )
    assert _page_flags(coordinacion, case)["has_open_tasks"] is False
    rows = {
        "has_notes": lambda: CaseNote.objects.create(case=case, author=atencion, body="Nota."),
        "has_additions": lambda: AccountAddition.objects.create(
            case=case, author=atencion, body="Detalle."
        ),
        "has_contact_preferences": lambda: ContactPreference.objects.create(
            case=case, method=ContactMethod.TELEFONO, recorded_by=atencion
        ),
        "has_safety_plans": lambda: SafetyPlan.objects.create(
            case=case, steps="Llamar al 911.", author=atencion
        ),
        "has_open_tasks": lambda: CaseTask.objects.filter(pk=task.pk).update(done_at=None),
    }
    present: set[str] = set()
    for flag, write in rows.items():
        write()
        present.add(flag)
        assert _page_flags(coordinacion, case) == {f: f in present for f in PRESENCE_FLAGS}


def test_a_case_page_skips_the_reads_of_rows_the_case_has_none_of(
    client, case, coordinacion, atencion
):
    """The sections read notes, additions, the contact preference, safety plans and open
    tasks only when the case has some; with some, the page shows them as before."""
    consent_give(case)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    force_login_verified(client, atencion)
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    tables = (
        "cases_casenote",
        "cases_accountaddition",
        "cases_contactpreference",
        "cases_safetyplan",
        "cases_casetask",
    )

    def read_tables() -> tuple[set[str], str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        # A statement that reads a table's rows selects its columns first; the case's own
        # read only asks, inside an EXISTS, whether there are any.
        read = {
            table
            for query in captured.captured_queries
            for table in tables
            if query["sql"].startswith(f'SELECT "{table}".')
        }
        return read, response.content.decode()

    read, _ = read_tables()
    assert read == set()

    CaseNote.objects.create(case=case, author=atencion, body="Nota del equipo.")
    AccountAddition.objects.create(case=case, author=atencion, body="Detalle nuevo del relato.")
    ContactPreference.objects.create(
        case=case, method=ContactMethod.TELEFONO, safe_times="Tardes seguras", recorded_by=atencion
    )
    SafetyPlan.objects.create(case=case, steps="Pedir ayuda a su hermana.", author=atencion)
    CaseTask.objects.create(
        case=case,
        title="Llamar a la dependencia",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
        assigned_to=atencion,
        created_by=atencion,
    )
    read, page = read_tables()
    assert read == set(tables)
    for text in (
        "Nota del equipo.",
        "Detalle nuevo del relato.",
        "Tardes seguras",
        "Pedir ayuda a su hermana.",
        "Llamar a la dependencia",
    ):
        assert text in page, text


def test_the_protocol_panel_reads_a_deadline_only_for_a_case_with_one_unmet(
    client, catalogs, enlace, coordinacion, atencion
):
    """The case keeps its run's earliest unmet deadline: without one, the page does not ask
    for the stage's deadline; with one, it reads and shows it."""
    from violeta.protocols.models import Deadline, ProtocolRun

    case = make_case(registered_by=enlace, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    run = ProtocolRun.objects.get(subject_id=str(case.pk))
    due = timezone.now() + datetime.timedelta(days=2)
    deadline = Deadline.objects.create(run=run, stage=run.stage, due_at=due)
    force_login_verified(client, atencion)
    url = reverse("cases:detail", kwargs={"pk": case.pk})

    def deadline_read() -> tuple[bool, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        asked = any(
            q["sql"].startswith('SELECT "protocols_deadline".') for q in captured.captured_queries
        )
        return asked, response.content.decode()

    asked, page = deadline_read()
    assert asked
    assert f'datetime="{timezone.localtime(due).isoformat()}"' in page
    # Met through the model, as the engine's writes are: the case's next deadline follows.
    for unmet in Deadline.objects.filter(run=run, met_at__isnull=True):
        unmet.met_at = timezone.now()
        unmet.save()
    case.refresh_from_db()
    assert case.next_deadline_at is None
    asked, page = deadline_read()
    assert not asked
    assert 'datetime="' + timezone.localtime(due).isoformat() not in page
    deadline.refresh_from_db()
    assert deadline.met_at is not None
