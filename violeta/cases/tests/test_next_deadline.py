"""``Case.next_deadline_at`` follows the deadlines the protocol engine writes, and each active
assignment of the case keeps the same (``CaseAssignment.next_deadline_at``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from violeta.cases.models import Case, CaseAssignment
from violeta.cases.receivers import next_deadline_refresh
from violeta.protocols.models import Deadline, ProtocolRun
from violeta.protocols.services import checklist_resolve, transition_take
from violeta.testing.factories import assign_to_affected, make_case

pytestmark = pytest.mark.django_db


def next_deadline(run: ProtocolRun) -> datetime.datetime | None:
    """The case's next deadline, after checking that every active assignment keeps it."""
    case_deadline = Case.objects.get(pk=run.subject_id).next_deadline_at
    active = CaseAssignment.objects.filter(case_id=run.subject_id, ended_at__isnull=True)
    assert [kept for (kept,) in active.values_list("next_deadline_at")] == [case_deadline] * (
        active.count()
    )
    return case_deadline


@pytest.fixture
def assigned(run, coordinacion, atencion):
    """Two workers on the run's case, one of whose assignments has ended."""
    from violeta.accounts.roles import Role
    from violeta.testing.factories import UserFactory

    case = Case.objects.get(pk=run.subject_id)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    former = UserFactory(role=Role.ATENCION, dependencia=atencion.dependencia)
    ended = assign_to_affected(case, by=coordinacion, worker=former, kind="juridica")
    CaseAssignment.objects.filter(pk=ended.pk).update(ended_at=timezone.now())
    return run


def test_a_case_without_a_run_has_no_next_deadline(enlace):
    assert make_case(registered_by=enlace).next_deadline_at is None


def test_the_first_stage_deadline_is_the_case_next_deadline(run):
    assert next_deadline(run) == Deadline.objects.get(run=run).due_at


def test_a_transition_meets_the_old_deadline_and_the_new_one_follows(run, coordinacion):
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    transition_take(run=run, code="turnar", actor=coordinacion)
    assert next_deadline(run) == Deadline.objects.get(run=run, stage="comite").due_at


def test_a_stage_without_a_deadline_leaves_none(run, atencion):
    transition_take(run=run, code="no_procede", actor=atencion, reason="No es de competencia.")
    assert next_deadline(run) is None


def test_the_earliest_of_several_unmet_deadlines_counts_and_a_deleted_one_stops_counting(run):
    first = Deadline.objects.get(run=run)
    earlier = Deadline.objects.create(
        run=run, stage=run.stage, due_at=first.due_at - datetime.timedelta(hours=5)
    )
    assert next_deadline(run) == earlier.due_at
    earlier.delete()
    assert next_deadline(run) == first.due_at
    Deadline.objects.filter(pk=first.pk).update(met_at=first.due_at)
    next_deadline_refresh(run=run)
    assert next_deadline(run) is None


def test_a_run_on_something_else_is_ignored(run):
    other = ProtocolRun(protocol=run.protocol, subject_type="reports.Report", subject_id="7")
    next_deadline_refresh(run=other)  # no case to update, no error
    assert next_deadline(run) is not None


def test_an_assignment_takes_its_cases_next_deadline_and_follows_it(assigned, coordinacion):
    run = assigned
    first = Deadline.objects.get(run=run)
    assert next_deadline(run) == first.due_at
    assert CaseAssignment.objects.filter(next_deadline_at=first.due_at).count() == 2
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    transition_take(run=run, code="turnar", actor=coordinacion)
    comite = Deadline.objects.get(run=run, stage="comite").due_at
    assert next_deadline(run) == comite
    # The ended assignment keeps what it had: it is no longer hers to walk.
    ended = CaseAssignment.objects.get(ended_at__isnull=False)
    assert ended.next_deadline_at == first.due_at


def test_an_assignment_made_when_the_case_has_no_deadline_has_none(run, atencion, coordinacion):
    transition_take(run=run, code="no_procede", actor=atencion, reason="No es de competencia.")
    case = Case.objects.get(pk=run.subject_id)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    assert next_deadline(run) is None
    assert CaseAssignment.objects.get().next_deadline_at is None
