"""A new case's fact is written in the transaction that writes the case: from the rows its
writer has in hand when nothing else was written for it, and read back otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from violeta.cases.models import Case
from violeta.catalogs.models import Dependencia
from violeta.stats.facts import Dimension
from violeta.stats.models import CaseFact, PendingFact, RollupCell
from violeta.stats.services import rollup_differences
from violeta.stats.tests.helpers import (
    MONTH,
    register_through_intake,
    risk_add,
    rollup,
    stats_case,
)
from violeta.testing.factories import UserFactory, consent_give


def test_the_intake_writes_her_fact_in_its_own_transaction(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A new case has its fact, and its share of the rollup, the moment it exists: nothing
    is marked and nothing waits for the commit."""
    from violeta.stats.facts import contributions
    from violeta.stats.services import _RefreshOnCommit

    with django_capture_on_commit_callbacks() as callbacks:
        counted = register_through_intake(worker, pick=0, code="fisica")
        not_counted = register_through_intake(worker, pick=1, code="sexual")
    assert not [c for c in callbacks if isinstance(c, _RefreshOnCommit)]
    assert not PendingFact.objects.exists()
    fresh = contributions([counted.pk, not_counted.pk])
    for case in (counted, not_counted):
        fact = CaseFact.objects.get(case=case)
        assert fact.counted == fresh[case.pk].counted
        assert fact.cells == fresh[case.pk].as_rows()
    assert CaseFact.objects.get(case=counted).counted
    assert not CaseFact.objects.get(case=not_counted).counted
    assert rollup(Dimension.CASES) == {"": 1}
    assert rollup(Dimension.TYPE) == {"fisica": 1}
    assert rollup(Dimension.AGE) == {"0-11": 1}
    assert rollup_differences() == {}


def test_new_cases_facts_need_the_transaction_that_writes_the_cases(transactional_db: Any) -> None:
    import uuid

    from violeta.stats.services import facts_of_new_cases

    block = facts_of_new_cases([uuid.uuid4()])
    with pytest.raises(RuntimeError, match="inside the writing transaction"):
        block.__enter__()


def test_new_cases_facts_are_written_only_once(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import IntegrityError, transaction

    from violeta.stats.services import facts_of_new_cases

    with django_capture_on_commit_callbacks(execute=True):
        known = stats_case(user=worker, month=MONTH)
        other = stats_case(user=worker, month=MONTH)
    # A case that has a fact is no new case: its fact is not written twice.
    with pytest.raises(IntegrityError), transaction.atomic(), facts_of_new_cases([known.pk]):
        pass
    assert rollup(Dimension.CASES) == {"": 2}
    # Another case written inside the block is marked and refreshed after the commit.
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        facts_of_new_cases([]),
    ):
        consent_give(other, purpose="estadistica", granted=False)
        assert PendingFact.objects.filter(case_id=other.pk).exists()
    assert not PendingFact.objects.exists()
    assert rollup(Dimension.CASES) == {"": 1}
    assert rollup_differences() == {}


def test_an_intake_that_fails_leaves_no_fact(worker: Any, monkeypatch: Any) -> None:
    from django.db import DatabaseError

    def fail(**kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr("violeta.cases.services.intake.run_start", fail)
    with pytest.raises(DatabaseError):
        register_through_intake(worker, pick=0, code="fisica")
    assert not CaseFact.objects.exists()
    assert not RollupCell.objects.exists()


def _new_case_in_block(worker: Any, write: Any) -> Case:
    """A case written inside its own ``facts_of_new_cases`` block, her first person affected
    30 years old and no consent recorded; ``write(case, parties)`` runs in the block after."""
    from django.db import transaction

    from violeta.cases.models import CaseParty, PartyKind
    from violeta.cases.services import folio_next
    from violeta.stats.services import facts_of_new_cases

    case = Case(
        folio=folio_next(),
        dependencia=worker.dependencia,
        registered_by=worker,
        account="Relato de prueba.",
    )
    with transaction.atomic(), facts_of_new_cases([case.pk]):
        case.save()
        party = CaseParty.objects.create(
            case=case, kind=PartyKind.AFECTADA, display_name="Persona Afectada", age=30
        )
        write(case, [party])
    return case


def _known(case: Case, parties: Any, *, consent: bool) -> None:
    from violeta.cases.signals import WrittenCase
    from violeta.stats.facts import known_case
    from violeta.stats.services import new_case_known

    new_case_known(
        known_case(
            WrittenCase(
                case=case,
                parties=parties,
                violence_types=[],
                violence_modalities=[],
                consents={"estadistica": consent},
            )
        )
    )


def test_a_new_cases_fact_comes_from_the_rows_its_writer_gives_without_reading_them(
    worker: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The writer says she consented (nothing in the database says so): what it gives is used.
    with CaptureQueriesContext(connection) as captured:
        case = _new_case_in_block(worker, lambda case, parties: _known(case, parties, consent=True))
    assert not [q for q in captured.captured_queries if "statistics_consent" in q["sql"]]
    fact = CaseFact.objects.get(case=case)
    assert fact.counted
    assert ["edad", "30-44", 1] in fact.cells


@pytest.mark.parametrize("order", ["before", "after"])
def test_a_row_the_given_rows_do_not_cover_makes_the_new_case_read_back(
    worker: Any, order: str
) -> None:
    """A risk assessment written for the new case, before or after its writer gives its rows:
    the fact is read from the database (no consent there: not counted)."""

    def write(case: Case, parties: Any) -> None:
        if order == "before":
            risk_add(case, user=worker, level="alto")
        _known(case, parties, consent=True)
        if order == "after":
            risk_add(case, user=worker, level="alto")

    case = _new_case_in_block(worker, write)
    assert not CaseFact.objects.get(case=case).counted
    assert not RollupCell.objects.exists()


def test_a_covered_row_written_after_the_given_rows_makes_the_new_case_read_back(
    worker: Any,
) -> None:
    def write(case: Case, parties: Any) -> None:
        _known(case, parties, consent=True)
        consent_give(case, purpose="estadistica", granted=False)

    case = _new_case_in_block(worker, write)
    assert not CaseFact.objects.get(case=case).counted
    assert rollup(Dimension.CASES) == {}


INTAKES = st.fixed_dictionaries(
    {
        "age": st.one_of(st.none(), st.integers(min_value=0, max_value=95)),
        "age_range": st.sampled_from(["", "0-11", "18-29", "60+"]),
        "consent": st.sampled_from([True, False, None]),
        "incidents": st.lists(
            st.tuples(
                st.sets(
                    st.sampled_from(["fisica", "sexual", "psicologica", "economica"]), min_size=1
                ),
                st.sets(st.sampled_from(["familiar", "laboral_docente", "comunidad"])),
            ),
            max_size=3,
        ),
        "attends": st.booleans(),
    }
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intake=INTAKES)
def test_an_intakes_fact_from_the_rows_in_hand_equals_the_one_read_back(
    worker: Any, intake: dict[str, Any]
) -> None:
    """Whatever she told at intake, the fact written from the rows in hand is the one the
    database gives for the same case, and the intake reads neither back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from violeta.accounts.roles import Role
    from violeta.cases.models import ConsentPurpose
    from violeta.cases.services import IncidentFacts, PartyFacts, case_register
    from violeta.catalogs.models import ViolenceModality, ViolenceType
    from violeta.stats.facts import contributions

    actor = worker
    if intake["attends"]:  # atención assigns herself: another row beside the case
        actor = UserFactory(role=Role.ATENCION, dependencia=worker.dependencia)
    with CaptureQueriesContext(connection) as captured:
        case = case_register(
            actor=actor,
            dependencia=Dependencia.objects.get(pk=actor.dependencia_id),
            account="Relato de prueba.",
            affected=PartyFacts(
                display_name="Persona Afectada",
                age=intake["age"],
                age_range="" if intake["age"] is not None else intake["age_range"],
            ),
            accused=[PartyFacts(display_name="Persona Señalada")],
            incidents=[
                IncidentFacts(
                    violence_types=list(ViolenceType.objects.filter(code__in=types)),
                    violence_modalities=list(ViolenceModality.objects.filter(code__in=modalities)),
                )
                for types, modalities in intake["incidents"]
            ],
            consents=(
                {} if intake["consent"] is None else {ConsentPurpose.ESTADISTICA: intake["consent"]}
            ),
        ).case
    assert not [q for q in captured.captured_queries if "statistics_consent" in q["sql"]]
    fact = CaseFact.objects.get(case=case)
    fresh = contributions([case.pk])[case.pk]
    assert (fact.counted, fact.month, fact.dependencia) == (
        fresh.counted,
        fresh.month,
        fresh.dependencia,
    )
    assert fact.cells == fresh.as_rows()
    assert rollup_differences() == {}
