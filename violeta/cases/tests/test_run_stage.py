"""``Case.run_protocol`` and ``Case.run_stage`` follow the stages the protocol engine records."""

from __future__ import annotations

import pytest

from violeta.cases.models import Case
from violeta.cases.receivers import run_stage_refresh
from violeta.protocols.models import ProtocolRun
from violeta.protocols.services import (
    TransitionRefused,
    checklist_resolve,
    transition_take,
)
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


def kept(run: ProtocolRun) -> tuple[int | None, str]:
    case = Case.objects.get(pk=run.subject_id)
    return case.run_protocol_id, case.run_stage


def test_a_case_without_a_run_has_no_stage(enlace):
    case = make_case(registered_by=enlace)
    assert (case.run_protocol_id, case.run_stage) == (None, "")


def test_starting_a_run_records_its_version_and_first_stage(run):
    assert kept(run) == (run.protocol_id, "registro")


def test_each_transition_moves_the_case_to_the_new_stage(run, coordinacion):
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    transition_take(run=run, code="turnar", actor=coordinacion)
    assert kept(run) == (run.protocol_id, "comite")


def test_a_refused_transition_leaves_the_stage(run, coordinacion):
    with pytest.raises(TransitionRefused):
        transition_take(run=run, code="turnar", actor=coordinacion)  # checklist unresolved
    assert kept(run) == (run.protocol_id, "registro")


def test_deleting_the_run_clears_the_stage(run):
    ProtocolRun.objects.filter(pk=run.pk).delete()
    assert kept(run) == (None, "")


def test_a_run_on_something_else_is_ignored(run):
    other = ProtocolRun(protocol=run.protocol, subject_type="reports.Report", subject_id="7")
    run_stage_refresh(run=other, stage="comite")  # no case to update, no error
    assert kept(run) == (run.protocol_id, "registro")
