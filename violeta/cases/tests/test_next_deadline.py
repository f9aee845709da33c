"""``Case.next_deadline_at`` follows the deadlines the protocol engine writes."""

from __future__ import annotations

import datetime

import pytest

from violeta.cases.models import Case
from violeta.cases.receivers import next_deadline_refresh
from violeta.protocols.models import Deadline, ProtocolRun
from violeta.protocols.services import checklist_resolve, transition_take
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


def next_deadline(run: ProtocolRun) -> datetime.datetime | None:
    return Case.objects.get(pk=run.subject_id).next_deadline_at


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
