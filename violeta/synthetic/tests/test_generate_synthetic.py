"""generate_synthetic: what it writes is what the application itself would have written."""

from __future__ import annotations

import collections
import datetime
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.cases.guidelines import rules_firing
from violeta.cases.models import (
    INTIMATE_RELATIONSHIPS,
    AttentionSession,
    Case,
    CaseAssignment,
    CaseParty,
    CaseViolenceModality,
    CaseViolenceType,
    ConsentDecision,
    FolioCounter,
    GuidelineCheck,
    Hierarchy,
    Incident,
    PartyKind,
    StatusChange,
)
from violeta.cases.selectors_inbox import _identifier_match
from violeta.cases.services.intake import folio_next
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import DataKey, EncryptedModel
from violeta.detection.models import RiskAssessment
from violeta.protocols.calendar import due_at
from violeta.protocols.models import Deadline, ProtocolRun, RunTask, StageChange
from violeta.protocols.services_definitions import protocol_definition
from violeta.referrals.models import Referral, ReferralEvent
from violeta.sanctions.models import Measure, Procedure, Vote
from violeta.synthetic import tables
from violeta.synthetic.staff import EMAIL_SUFFIX
from violeta.synthetic.tests.conftest import NOW, generate
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

ENCRYPTED_MODELS = [
    model for model in (table.model for table in tables.TABLES) if issubclass(model, EncryptedModel)
]


def _assert_foreign_keys_hold() -> None:
    """Check every foreign key now, not at a commit the test never reaches."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def _affected(case: Case) -> CaseParty:
    return case.parties.get(kind=PartyKind.AFECTADA)


def test_writes_the_cases_asked_for_with_their_people_and_protocol_run(synthetic: Any) -> None:
    cases = Case.objects.all()
    assert cases.count() == synthetic["count"]
    assert not cases.exclude(registered_by__email__endswith=EMAIL_SUFFIX).exists()
    assert CaseParty.objects.filter(kind=PartyKind.AFECTADA).count() == synthetic["count"]
    # Intake never registers a case without a persona señalada.
    assert not cases.exclude(parties__kind=PartyKind.SENALADA).exists()
    runs = {run.subject_id: run for run in ProtocolRun.objects.all()}
    assert set(runs) == {str(pk) for pk in cases.values_list("pk", flat=True)}
    assert {run.subject_type for run in runs.values()} == {"cases.Case"}
    assert len(set(cases.values_list("folio", flat=True))) == synthetic["count"]
    _assert_foreign_keys_hold()
    assert "casos/s" in synthetic["stdout"]
    assert "filas escritas" in synthetic["stdout"]
    assert "casos/s" in synthetic["stderr"]


def test_every_encrypted_row_decrypts_with_its_own_data_key(synthetic: Any) -> None:
    keys = 0
    for model in ENCRYPTED_MODELS:
        fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        for record in model.objects.select_related("data_key"):  # type: ignore[attr-defined]
            assert record.data_key.owner == model._meta.label
            for field in fields:
                assert isinstance(getattr(record, field), str)
            keys += 1
    assert keys == DataKey.objects.count()
    # One key per record: no record shares its key with another.
    assert keys == len(set(DataKey.objects.values_list("pk", flat=True)))


def test_her_account_and_name_read_through_the_orm(synthetic: Any) -> None:
    case = Case.objects.order_by("registered_at").first()
    assert case is not None
    assert len(case.account) > 40
    assert case.account.endswith(".")
    her = _affected(case)
    assert her.display_name.endswith("(seudónimo)")
    assert her.name_bidx


def test_she_is_found_by_the_inbox_identifier_search(synthetic: Any) -> None:
    her = CaseParty.objects.filter(kind=PartyKind.AFECTADA).order_by("added_at").first()
    assert her is not None
    found = Case.objects.filter(_identifier_match(her.display_name.upper()))
    assert her.case_id in set(found.values_list("pk", flat=True))
    with_phone = next(p for p in CaseParty.objects.exclude(phone_bidx="") if p.phone)
    digits = with_phone.phone.replace(" ", "")
    found = Case.objects.filter(_identifier_match(f"+52 {digits[:3]}-{digits[3:]}"))
    assert with_phone.case_id in set(found.values_list("pk", flat=True))
    assert not Case.objects.filter(_identifier_match("Nadie Se Llama Así")).exists()


def test_case_page_renders_for_coordinacion(synthetic: Any, coordinacion: Any) -> None:
    client = Client()
    force_login_verified(client, coordinacion)
    closed = Case.objects.filter(status="cerrado").first()
    with_procedure = Case.objects.get(pk=Procedure.objects.values("case")[:1])
    with_referral = Case.objects.get(pk=Referral.objects.values("case")[:1])
    for case in {closed, with_procedure, with_referral, Case.objects.first()}:
        assert case is not None
        response = client.get(reverse("cases:detail", args=[case.pk]))
        assert response.status_code == 200
        assert case.folio in response.content.decode()


def test_derived_context_matches_the_people(synthetic: Any) -> None:
    for case in Case.objects.prefetch_related("parties"):
        affected = [p for p in case.parties.all() if p.kind == PartyKind.AFECTADA]
        accused = [p for p in case.parties.all() if p.kind == PartyKind.SENALADA]
        assert case.is_workplace == (
            any(p.is_public_servant for p in affected) and any(p.is_public_servant for p in accused)
        )
        assert case.is_hierarchical == any(p.hierarchy == Hierarchy.SUPERIOR for p in accused)
        assert case.is_intimate_partner == any(
            p.relationship in INTIMATE_RELATIONSHIPS for p in accused
        )
        assert case.is_minor_victim == any(p.is_minor for p in affected)


def test_guideline_items_are_those_the_rules_fire(synthetic: Any) -> None:
    for case in Case.objects.all():
        fired = {rule.code for rule in rules_firing(case=case)}
        assert set(case.guideline_checks.values_list("code", flat=True)) == fired


def test_protocol_runs_are_what_the_engine_writes(synthetic: Any) -> None:
    definition = protocol_definition(ProtocolRun.objects.first().protocol)  # type: ignore[union-attr]
    finals = {stage.code for stage in definition.stages if stage.final}
    stages: collections.Counter[str] = collections.Counter()
    for run in ProtocolRun.objects.prefetch_related("history"):
        history = list(run.history.order_by("at", "pk"))
        assert history[0].transition == ""
        assert history[0].to_stage == definition.initial
        assert len(history) == run.revision + 1
        assert history[-1].to_stage == run.stage
        for before, after in itertools.pairwise(history):
            transition = definition.transition(after.transition)
            assert (transition.source, transition.target) == (after.from_stage, after.to_stage)
            assert before.to_stage == after.from_stage
            assert after.at >= before.at
            assert bool(after.reason) == transition.reason_required
        assert (run.finished_at is not None) == (run.stage in finals)
        stages[run.stage] += 1
    assert len(stages) >= 4
    # Old cases have mostly concluded their procedure; recent ones are still under way.
    old = [
        run.stage
        for run in ProtocolRun.objects.filter(started_at__lt=NOW - datetime.timedelta(days=180))
    ]
    assert sum(stage in finals for stage in old) >= 0.8 * len(old)
    for case in Case.objects.filter(status="cerrado"):
        run = ProtocolRun.objects.get(subject_id=str(case.pk))
        assert run.stage in finals
        assert case.closed_at is not None and run.finished_at is not None
        assert case.closed_at >= run.finished_at
        assert StatusChange.objects.filter(case=case, to_status="cerrado").count() == 1


def test_deadlines_are_met_on_time_late_or_still_open(synthetic: Any, frozen: Any) -> None:
    kinds: collections.Counter[str] = collections.Counter()
    for deadline in Deadline.objects.select_related("run"):
        if deadline.met_at is None:
            kinds["overdue" if deadline.due_at < NOW else "open"] += 1
            if deadline.overdue_at is not None:
                assert deadline.overdue_at > deadline.due_at
        else:
            kinds["late" if deadline.met_at > deadline.due_at else "on_time"] += 1
        assert deadline.overdue_at is None or deadline.overdue_at <= NOW
    assert kinds["on_time"] and kinds["late"] and kinds["overdue"]
    # Día hábil deadlines are exactly what the calendar computes.
    business = Deadline.objects.filter(stage="investigacion").select_related("run").first()
    if business is not None:
        entered = business.run.events.get(code="entered:investigacion").at
        assert business.due_at == due_at(start=entered, amount=30, unit="business_days")


def test_each_case_keeps_its_earliest_unmet_deadline(synthetic: Any) -> None:
    earliest: dict[str, datetime.datetime] = {}
    for subject_id, due in Deadline.objects.filter(met_at__isnull=True).values_list(
        "run__subject_id", "due_at"
    ):
        earliest[subject_id] = min(due, earliest.get(subject_id, due))
    kept = {str(pk): at for pk, at in Case.objects.values_list("pk", "next_deadline_at")}
    assert earliest  # some deadlines are still open
    assert kept == {pk: earliest.get(pk) for pk in kept}


def test_each_active_assignment_keeps_its_cases_next_deadline(synthetic: Any) -> None:
    from violeta.cases.models import CaseAssignment

    active = CaseAssignment.objects.filter(ended_at__isnull=True)
    kept = list(active.values_list("next_deadline_at", "case__next_deadline_at"))
    assert any(mine is not None for mine, _case in kept)
    assert all(mine == case for mine, case in kept)
    ended = CaseAssignment.objects.filter(ended_at__isnull=False)
    assert not ended.filter(next_deadline_at__isnull=False).exists()


def test_each_case_keeps_its_runs_version_and_stage(synthetic: Any) -> None:
    runs = {
        subject_id: (protocol_id, stage)
        for subject_id, protocol_id, stage in ProtocolRun.objects.filter(
            subject_type="cases.Case"
        ).values_list("subject_id", "protocol_id", "stage")
    }
    kept = {
        str(pk): (protocol_id, stage)
        for pk, protocol_id, stage in Case.objects.values_list("pk", "run_protocol_id", "run_stage")
    }
    assert len({stage for _protocol, stage in kept.values()}) > 1
    assert kept == runs


def test_each_case_keeps_the_types_and_modalities_of_its_incidents(synthetic: Any) -> None:
    for kept_model, field, through, catalog in (
        (CaseViolenceType, "violence_type_id", Incident.violence_types.through, "violencetype_id"),
        (
            CaseViolenceModality,
            "violence_modality_id",
            Incident.violence_modalities.through,
            "violencemodality_id",
        ),
    ):
        derived = set(through.objects.values_list("incident__case_id", catalog))
        assert derived
        assert set(kept_model.objects.values_list("case_id", field)) == derived


def test_consent_and_risk_follow_plausible_shares(synthetic: Any) -> None:
    count = synthetic["count"]
    granted = ConsentDecision.objects.filter(purpose="atencion", granted=True)
    assert granted.count() == count
    statistics = ConsentDecision.objects.filter(purpose="estadistica")
    share = statistics.filter(granted=True).count() / count
    assert 0.7 <= share <= 0.95
    assert statistics.filter(granted=False).exists()
    levels = collections.Counter(RiskAssessment.objects.values_list("level", flat=True))
    assert RiskAssessment.objects.count() >= count * 0.6
    assert levels["no_apreciado"] + levels["bajo"] > levels["alto"] + levels["extremo"]
    for assessment in RiskAssessment.objects.all():
        assert assessment.raised_by_worker == (assessment.level != assessment.computed_level)
    assert RunTask.objects.filter(code="plan_seguridad").exists()


def test_people_attend_her_after_intake(synthetic: Any) -> None:
    assert CaseAssignment.objects.count() >= synthetic["count"] * 0.8
    for assignment in CaseAssignment.objects.select_related("case", "user", "attends"):
        assert assignment.attends.kind == PartyKind.AFECTADA
        assert assignment.attends.case_id == assignment.case_id
        assert assignment.user.role == "atencion"
        assert assignment.kind == assignment.user.specialty
        assert assignment.case.taken_by_imm_at is not None
        assert assignment.assigned_at >= assignment.case.registered_at
    sessions = AttentionSession.objects.select_related("case")
    assert sessions.count() >= synthetic["count"]
    for session in sessions:
        assert session.held_at > session.case.registered_at
        assert session.case.closed_at is None or session.held_at <= session.case.closed_at
        assert len(session.notes) > 10


def test_referrals_move_through_their_statuses(synthetic: Any) -> None:
    statuses = collections.Counter(Referral.objects.values_list("status", flat=True))
    assert len(statuses) >= 3
    for referral in Referral.objects.select_related("case", "institution"):
        events = list(ReferralEvent.objects.filter(referral=referral).order_by("position"))
        assert [e.position for e in events] == list(range(len(events)))
        assert events[0].to_status == "propuesta" and events[0].from_status == ""
        assert events[-1].to_status == referral.status
        assert referral.service in referral.institution.handles
        if referral.case.status == "cerrado":
            # Closing asks that every referral has a result.
            assert referral.status in {"atendida", "rechazada", "declinada"}
            assert referral.closed_at is not None and referral.case.closed_at is not None
            assert referral.closed_at <= referral.case.closed_at
        if referral.sent_at is not None:
            assert ConsentDecision.objects.filter(
                case=referral.case, purpose="canalizacion", institution=referral.institution
            ).exists()


def test_procedures_only_against_public_servants_with_her_consent(synthetic: Any) -> None:
    assert Procedure.objects.exists()
    for procedure in Procedure.objects.select_related("accused", "case"):
        assert procedure.accused.is_public_servant
        assert procedure.accused.case_id == procedure.case_id
        assert ConsentDecision.objects.filter(
            case=procedure.case, purpose="comite_oic", granted=True
        ).exists()
    measures = Measure.objects.select_related("session")
    assert measures.filter(status="aprobada", ends_on__gte=timezone.localdate()).exists()
    for measure in measures:
        assert measure.session is not None and measure.session.status == "celebrada"
        votes = Vote.objects.filter(measure=measure)
        assert votes.exists()
        if measure.moves_her:
            assert measure.her_consent_at is not None


def test_times_never_pass_now(synthetic: Any, frozen: Any) -> None:
    assert not Case.objects.filter(registered_at__gt=NOW).exists()
    assert not StageChange.objects.filter(at__gt=NOW).exists()
    assert not AttentionSession.objects.filter(held_at__gt=NOW).exists()
    assert not ReferralEvent.objects.filter(at__gt=NOW).exists()
    assert not Incident.objects.filter(occurred_on__gt=NOW.date()).exists()
    assert not GuidelineCheck.objects.filter(resolved_at__gt=NOW).exists()
    oldest = Case.objects.order_by("registered_at").first()
    assert oldest is not None
    assert oldest.registered_at > NOW - datetime.timedelta(days=synthetic["years"] * 366)


def test_folios_continue_after_the_synthetic_ones(synthetic: Any, frozen: Any) -> None:
    year = timezone.localdate().year
    numbers = [
        int(folio.rsplit("-", 1)[1])
        for folio in Case.objects.filter(folio__contains=f"-{year}-").values_list(
            "folio", flat=True
        )
    ]
    assert numbers
    assert FolioCounter.objects.get(year=year).last == max(numbers)
    assert int(folio_next().rsplit("-", 1)[1]) == max(numbers) + 1


def test_a_second_run_adds_different_cases(synthetic: Any) -> None:
    generate(cases=30, seed=7)
    assert Case.objects.count() == synthetic["count"] + 30
    assert len(set(Case.objects.values_list("folio", flat=True))) == synthetic["count"] + 30
    _assert_foreign_keys_hold()
