"""The rollup follows every write, and always equals counting from the records."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from violeta.cases.models import Case, CaseStatus, ConsentDecision, Incident, StatusChange
from violeta.catalogs.models import Dependencia, Institution
from violeta.detection.models import RiskAssessment
from violeta.protocols.models import Deadline, ProtocolRun
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services import deadlines_run, run_start
from violeta.referrals.models import Referral, ReferralEvent
from violeta.sanctions.models import Measure, Procedure
from violeta.stats.facts import SUBJECT, DeadlineOutcome, Dimension, month_of
from violeta.stats.models import CaseFact, PendingFact, RollupCell
from violeta.stats.services import facts_rebuild, pending_refresh, rollup_differences
from violeta.stats.tests.helpers import (
    MONTH,
    incident_add,
    register_through_intake,
    risk_add,
    rollup,
    stats_case,
)
from violeta.testing.factories import UserFactory, consent_give


def test_only_a_case_with_her_consent_is_counted_and_a_withdrawal_removes_it(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        asked_no = stats_case(user=worker, month=MONTH, consent=False)
        never_asked = stats_case(user=worker, month=MONTH, consent=None)
        yes = stats_case(user=worker, month=MONTH, consent=True, types=("fisica", "sexual"))
    assert rollup(Dimension.CASES) == {"": 1}
    assert rollup(Dimension.TYPE) == {"fisica": 1, "sexual": 1}
    assert not PendingFact.objects.exists()
    assert not CaseFact.objects.get(case=asked_no).counted
    assert not CaseFact.objects.get(case=never_asked).counted

    with django_capture_on_commit_callbacks(execute=True):
        consent_give(yes, purpose="estadistica", granted=False)
    assert rollup(Dimension.CASES) == {}
    assert rollup(Dimension.TYPE) == {}

    with django_capture_on_commit_callbacks(execute=True):
        consent_give(asked_no, purpose="estadistica", granted=True)
    assert rollup(Dimension.CASES) == {"": 1}


def test_a_write_whose_refresh_never_ran_is_picked_up_from_the_pending_marks(
    worker: Any,
) -> None:
    # Without the commit callbacks (as after a crash between commit and refresh), the mark
    # written inside the transaction remains.
    case = stats_case(user=worker, month=MONTH, risk="alto")
    assert PendingFact.objects.filter(case_id=case.pk).exists()
    assert rollup(Dimension.CASES) == {}
    pending_refresh()
    assert rollup(Dimension.RISK) == {"alto": 1}
    assert not PendingFact.objects.exists()
    assert rollup_differences() == {}


def test_the_newest_risk_assessment_and_the_first_attention_are_what_count(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(
            user=worker, month=MONTH, risk="bajo", attended_after=datetime.timedelta(hours=30)
        )
    assert rollup(Dimension.RISK) == {"bajo": 1}
    assert rollup(Dimension.FIRST_ATTENTION) == {"1_a_3_dias": 1}
    with django_capture_on_commit_callbacks(execute=True):
        risk_add(case, user=worker, level="extremo")
    assert rollup(Dimension.RISK) == {"extremo": 1}


def test_closing_a_case_moves_it_between_open_and_closed(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
    assert rollup(Dimension.STATUS) == {CaseStatus.OPEN: 1}
    # As the closure service does: a bulk update, and the StatusChange beside it.
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
        StatusChange.objects.create(
            case=case, to_status=CaseStatus.CLOSED, reason="atendido", actor=worker
        )
    assert rollup(Dimension.STATUS) == {CaseStatus.CLOSED: 1}


def test_a_referral_status_change_moves_its_count(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
        referral = Referral.objects.create(
            case=case,
            institution=Institution.objects.order_by("pk")[0],
            service="juridica",
            reason="Motivo.",
            proposed_by=worker,
        )
    assert rollup(Dimension.REFERRAL) == {"propuesta": 1}
    with django_capture_on_commit_callbacks(execute=True):
        Referral.objects.filter(pk=referral.pk).update(status="enviada")
        ReferralEvent.objects.create(
            referral=referral,
            position=1,
            from_status="propuesta",
            to_status="enviada",
            actor=worker,
        )
    assert rollup(Dimension.REFERRAL) == {"enviada": 1}


def test_the_deadline_sweep_moves_a_running_deadline_to_overdue(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
        run = run_start(protocol=protocols_current()[0], subject=case, actor=worker)
        deadline = Deadline.objects.create(
            run=run, stage="registro", due_at=timezone.now() + datetime.timedelta(hours=24)
        )
    assert ProtocolRun.objects.get(subject_type=SUBJECT, subject_id=str(case.pk)) == run
    running = f"{deadline.stage}|{DeadlineOutcome.RUNNING}"
    assert rollup(Dimension.DEADLINE) == {running: 1}
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_run(now=deadline.due_at + datetime.timedelta(minutes=1))
    assert rollup(Dimension.DEADLINE) == {f"{deadline.stage}|{DeadlineOutcome.OVERDUE}": 1}


def test_verify_reports_a_drift_and_rebuild_repairs_it(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        stats_case(user=worker, month=MONTH, types=("fisica",))
    call_command("stats_verify")
    RollupCell.objects.filter(dimension=Dimension.TYPE).update(n=7)
    with pytest.raises(CommandError, match="difiere"):
        call_command("stats_verify")
    call_command("stats_rebuild")
    call_command("stats_verify")
    assert rollup(Dimension.TYPE) == {"fisica": 1}


def test_deleting_a_case_takes_it_out(worker: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
    assert rollup(Dimension.CASES) == {"": 1}
    Incident.objects.filter(case=case).delete()
    case.delete()
    assert rollup(Dimension.CASES) == {}


# --- Property: after any sequence of writes, the rollup equals counting directly ----------------


def direct_counts() -> dict[tuple[datetime.date, str, str, str], int]:
    """Counted straight from the records with the ORM, not through ``stats.facts``."""
    newest_consent = (
        ConsentDecision.objects.filter(case=OuterRef("pk"), purpose="estadistica")
        .order_by("-decided_at", "-id")
        .values("granted")[:1]
    )
    newest_risk = (
        RiskAssessment.objects.filter(case=OuterRef("pk"))
        .order_by("-assessed_at", "-id")
        .values("level")[:1]
    )
    cases = Case.objects.annotate(granted=Subquery(newest_consent), risk=Subquery(newest_risk))
    counts: Counter[tuple[datetime.date, str, str, str]] = Counter()
    counted: dict[Any, tuple[datetime.date, str]] = {}
    for case in cases.filter(granted=True).select_related("dependencia"):
        key = (month_of(case.registered_at), case.dependencia.code)
        counted[case.pk] = key
        counts[(*key, Dimension.CASES, "")] += 1
        counts[(*key, Dimension.STATUS, case.status)] += 1
        counts[(*key, Dimension.RISK, case.risk or "sin_valoracion")] += 1
    seen: set[tuple[Any, str]] = set()
    for incident in Incident.objects.filter(case_id__in=counted).prefetch_related("violence_types"):
        for violence_type in incident.violence_types.all():
            if (incident.case_id, violence_type.code) not in seen:
                seen.add((incident.case_id, violence_type.code))
                counts[(*counted[incident.case_id], Dimension.TYPE, violence_type.code)] += 1
    for referral in Referral.objects.filter(case_id__in=counted):
        counts[(*counted[referral.case_id], Dimension.REFERRAL, referral.status)] += 1
    return dict(+counts)


def stored_counts(dimensions: set[str]) -> dict[tuple[datetime.date, str, str, str], int]:
    counts: Counter[tuple[datetime.date, str, str, str]] = Counter()
    for row in RollupCell.objects.filter(dimension__in=dimensions).values_list(
        "month", "dependencia", "dimension", "value", "n"
    ):
        counts[row[:4]] += row[4]
    return dict(+counts)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["new", "intake", "consent", "withdraw", "type", "risk", "close", "refer"]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from(["fisica", "sexual", "psicologica", "economica"]),
        st.sampled_from(["bajo", "medio", "alto"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_after_random_writes_the_rollup_equals_direct_counts(
    worker: Any, django_capture_on_commit_callbacks: Any, operations: list[Any]
) -> None:
    other = UserFactory(role="enlace", dependencia=Dependencia.objects.get(code="tesoreria"))
    institution = Institution.objects.order_by("pk")[0]
    months = [datetime.date(2025, 11, 1), datetime.date(2026, 2, 1)]
    for kind, pick, code, level in operations:
        cases = list(Case.objects.order_by("registered_at", "pk"))
        with django_capture_on_commit_callbacks(execute=True):
            if kind == "new" or not cases:
                stats_case(
                    user=(worker, other)[pick % 2],
                    month=months[pick % 2],
                    consent=(True, False, None)[pick % 3],
                    types=(code,),
                )
                continue
            if kind == "intake":  # the new case's fact is written in the intake's transaction
                register_through_intake(worker, pick=pick, code=code)
                continue
            case = cases[pick % len(cases)]
            if kind == "consent":
                consent_give(case, purpose="estadistica", granted=True)
            elif kind == "withdraw":
                consent_give(case, purpose="estadistica", granted=False)
            elif kind == "type":
                incident_add(case, user=worker, types=(code,))
            elif kind == "risk":
                risk_add(case, user=worker, level=level)
            elif kind == "close":
                status = CaseStatus.CLOSED if case.status == CaseStatus.OPEN else CaseStatus.OPEN
                Case.objects.filter(pk=case.pk).update(status=status, closed_at=timezone.now())
                StatusChange.objects.create(
                    case=case, to_status=status, reason="prueba", actor=worker
                )
            elif kind == "refer":
                Referral.objects.create(
                    case=case,
                    institution=institution,
                    service="juridica",
                    reason="Motivo.",
                    proposed_by=worker,
                )
    dimensions = {
        Dimension.CASES,
        Dimension.STATUS,
        Dimension.RISK,
        Dimension.TYPE,
        Dimension.REFERRAL,
    }
    assert stored_counts(dimensions) == direct_counts()
    assert rollup_differences() == {}


def test_rebuild_gives_the_same_facts_and_rollup_as_the_incremental_path(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """On PostgreSQL the rebuild is set-based SQL: it must agree with the Python path that
    every write takes, on every dimension."""
    institution = Institution.objects.order_by("pk")[0]
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(8):
            case = stats_case(
                user=worker,
                month=(MONTH, datetime.date(2025, 12, 1))[index % 2],
                types=(("fisica", "sexual"), ("psicologica",), ("sexual",))[index % 3],
                modalities=(("laboral_docente",), ("familiar", "comunidad"))[index % 2],
                risk=("bajo", "alto", None)[index % 3],
                attended_after=(None, datetime.timedelta(hours=5 + 90 * index))[index % 2],
                consent=(True, True, True, False)[index % 4],
            )
            if index % 2:
                procedure = Procedure.objects.create(
                    case=case,
                    accused=case.parties.get(kind="persona_senalada"),
                    allegations="Hechos.",
                    opened_by=worker,
                )
                Measure.objects.create(
                    procedure=procedure,
                    kind=("no_contacto", "cambio_horario")[index % 3 % 2],
                    subject="persona_senalada",
                    responsible="Recursos Humanos",
                    starts_on=timezone.localdate(),
                    ends_on=timezone.localdate() + datetime.timedelta(days=30),
                    status=("aprobada", "propuesta")[index % 3 % 2],
                    proposed_by=worker,
                )
                risk_add(case, user=worker, level="medio")
                Referral.objects.create(
                    case=case,
                    institution=institution,
                    service="juridica",
                    reason="Motivo.",
                    proposed_by=worker,
                )
            party = case.parties.get(kind="persona_afectada")
            party.age = (None, 15, 33, 70)[index % 4]
            party.age_range = "" if index % 4 else "18-29"
            party.save()
            run = run_start(protocol=protocols_current()[0], subject=case, actor=worker)
            due = timezone.now() - datetime.timedelta(days=index)
            Deadline.objects.create(
                run=run,
                stage="registro",
                due_at=due,
                met_at=(None, due, due + datetime.timedelta(hours=1))[index % 3],
                overdue_at=due if index % 3 == 0 and index % 2 else None,
            )
    everything = {d for d in vars(Dimension).values() if isinstance(d, str)}
    before = stored_counts(everything)
    cells_before = {f.case_id: f.cells for f in CaseFact.objects.all()}
    assert {key[2] for key in before} >= {
        Dimension.AGE,
        Dimension.FIRST_ATTENTION,
        Dimension.DEADLINE,
        Dimension.REFERRAL,
        Dimension.MODALITY,
        Dimension.MEASURE,
    }
    report = facts_rebuild()
    assert report.cases == 8 and report.counted == 6
    assert stored_counts(everything) == before
    assert {f.case_id: f.cells for f in CaseFact.objects.all()} == cells_before
    assert rollup_differences() == {}


def test_a_case_is_marked_and_refreshed_once_per_transaction(
    worker: Any, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    from django.db import transaction

    from violeta.stats.services import pending_mark

    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            pending_mark([case.pk])
            with django_assert_num_queries(0):
                pending_mark([case.pk])
        assert PendingFact.objects.filter(case_id=case.pk).exists()
    assert len(callbacks) == 1
    assert not PendingFact.objects.exists()
    # A rolled-back savepoint takes its mark with it; the next write marks again.
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        PendingFact.objects.all().delete()
        try:
            with transaction.atomic():
                pending_mark([case.pk])
                raise RuntimeError
        except RuntimeError:
            pass
        assert not PendingFact.objects.exists()
        pending_mark([case.pk])
        assert PendingFact.objects.filter(case_id=case.pk).exists()
    assert len(callbacks) == 1


def test_measures_in_force_follow_their_approval_and_their_daily_conclusion(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from violeta.sanctions.models import Measure, MeasureStatus, Procedure
    from violeta.sanctions.services import measures_remind

    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH)
        procedure = Procedure.objects.create(
            case=case,
            accused=case.parties.get(kind="persona_senalada"),
            allegations="Hechos.",
            opened_by=worker,
        )
        today = timezone.localdate()
        Measure.objects.create(
            procedure=procedure,
            kind="no_contacto",
            subject="persona_senalada",
            responsible="Recursos Humanos",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=1),
            status=MeasureStatus.APROBADA,
            proposed_by=worker,
        )
    assert rollup(Dimension.MEASURE) == {"no_contacto": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert measures_remind() == (0, 1)
    assert rollup(Dimension.MEASURE) == {}


def test_a_refresh_reads_only_what_the_case_can_have_and_the_same_for_a_new_case(
    worker: Any, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    """The refresh writes the missing fact without reading whether it is missing; reads the
    case with her statistics consent, her age and whether she has any risk assessment,
    attention session, referral or measure in force, and skips the reads of those she has
    none of; and reads the types with the modalities. A case with no fact yet costs what one
    with a fact costs."""
    from violeta.stats.services import facts_refresh

    with django_capture_on_commit_callbacks(execute=True):
        case = stats_case(user=worker, month=MONTH, types=("fisica",), modalities=("familiar",))
    # As a case written before the statistics existed: no fact, nothing in the rollup.
    CaseFact.objects.all().delete()
    RollupCell.objects.all().delete()
    # The atomic block's savepoint and release, the placeholder, the lock, the case with her
    # consent, her age and what she has, the types with the modalities, deadlines, the
    # rollup, the fact and the pending mark.
    with django_assert_num_queries(10):
        assert facts_refresh([case.pk]) == 1
    fact = CaseFact.objects.get(case=case)
    assert fact.counted and fact.month == MONTH
    assert fact.dependencia == case.dependencia.code
    assert ["tipo", "fisica", 1] in fact.cells and ["modalidad", "familiar", 1] in fact.cells
    assert rollup(Dimension.RISK) == {"sin_valoracion": 1}
    assert rollup(Dimension.FIRST_ATTENTION) == {"sin_atencion": 1}
    # Unchanged: nothing is written but the pending mark's removal.
    with django_assert_num_queries(8):
        assert facts_refresh([case.pk]) == 0

    with django_capture_on_commit_callbacks(execute=True):
        incident_add(case, user=worker, types=("sexual",))
        risk_add(case, user=worker, level="alto")
    assert rollup(Dimension.TYPE) == {"fisica": 1, "sexual": 1}
    assert rollup(Dimension.MODALITY) == {"familiar": 1}
    assert rollup(Dimension.RISK) == {"alto": 1}
    # Now she has a risk assessment: its read comes back, the others stay skipped.
    with django_assert_num_queries(9):
        assert facts_refresh([case.pk]) == 0
    assert rollup_differences() == {}


def test_a_refresh_of_a_case_that_no_longer_exists_writes_no_fact(worker: Any) -> None:
    import uuid

    from violeta.stats.services import facts_refresh

    gone = uuid.uuid4()
    PendingFact.objects.create(case_id=gone)
    assert facts_refresh([gone]) == 0
    assert not CaseFact.objects.exists()
    assert not PendingFact.objects.exists()


def test_the_age_counted_is_that_of_the_first_person_affected_her_age_before_her_range(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from violeta.cases.models import CaseParty, PartyKind
    from violeta.stats.facts import contributions

    with django_capture_on_commit_callbacks(execute=True):
        cases = [stats_case(user=worker, month=MONTH) for _ in range(3)]
    first_of = {case.pk: case.parties.get(kind=PartyKind.AFECTADA) for case in cases}
    # An exact age wins over a range; a range alone counts; neither is "sin dato".
    first_of[cases[0].pk].age, first_of[cases[0].pk].age_range = 15, "30-44"
    first_of[cases[1].pk].age, first_of[cases[1].pk].age_range = None, "60+"
    first_of[cases[2].pk].age, first_of[cases[2].pk].age_range = None, ""
    for party in first_of.values():
        party.save()
    # Another person affected, added later, changes nothing.
    for case in cases:
        CaseParty.objects.create(case=case, kind=PartyKind.AFECTADA, display_name="Otra", age=8)
    found = contributions([case.pk for case in cases])
    ages = [
        {value for (dimension, value) in found[case.pk].cells if dimension == Dimension.AGE}
        for case in cases
    ]
    assert ages == [{"12-17"}, {"60+"}, {"sin_dato"}]


def test_many_changed_cells_are_added_in_statements_of_a_bounded_size(
    worker: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    """The cells a refresh changes are added a chunk of cells per statement, each cell once:
    a chunk smaller than the cells of one case still adds every cell exactly once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from violeta.stats import services

    with django_capture_on_commit_callbacks(execute=True):
        cases = [
            stats_case(
                user=worker, month=MONTH, types=("fisica", "sexual"), modalities=("familiar",)
            )
            for _ in range(3)
        ]
    CaseFact.objects.all().delete()
    RollupCell.objects.all().delete()
    monkeypatch.setattr(services, "UPSERT_ROWS", 4)
    with CaptureQueriesContext(connection) as captured:
        assert services.facts_refresh([case.pk for case in cases]) == 3
    upserts = [q["sql"] for q in captured.captured_queries if "stats_rollupcell" in q["sql"]]
    cells = RollupCell.objects.count()
    assert cells > 4
    assert len(upserts) == -(-cells // 4)
    assert rollup(Dimension.CASES) == {"": 3}
    assert rollup(Dimension.TYPE) == {"fisica": 3, "sexual": 3}
    assert rollup_differences() == {}
