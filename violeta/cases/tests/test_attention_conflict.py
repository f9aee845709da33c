"""LEDMVLV art. 40 at any caseload: the set-based check agrees with the rule read literally."""

import random
from typing import Any

import pytest

from violeta.accounts.roles import Role
from violeta.cases.models import AssignmentKind, CaseAssignment, CaseParty, PartyKind
from violeta.cases.services import attention_conflict
from violeta.testing.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db

OPPOSITE = {PartyKind.AFECTADA: PartyKind.SENALADA, PartyKind.SENALADA: PartyKind.AFECTADA}


def _same_person(a, b):
    if a.user_id is not None and a.user_id == b.user_id:
        return True
    return any(
        getattr(a, field) and getattr(a, field) == getattr(b, field)
        for field in ("curp_bidx", "employee_number_bidx")
    )


def _on_the_other_side(attended, candidate):
    opposite = OPPOSITE.get(PartyKind(attended.kind))
    if opposite is None:
        return False
    return any(
        other.pk == candidate.pk or _same_person(other, candidate)
        for other in CaseParty.objects.filter(case_id=attended.case_id, kind=opposite)
    )


def literal_conflict(user, party):
    """The rule as written: every party the worker attends, one by one."""
    if party.user_id is not None and party.user_id == user.pk:
        return True
    for assignment in CaseAssignment.objects.filter(user=user, ended_at__isnull=True):
        other = assignment.attends
        if other.pk == party.pk:
            continue
        if _on_the_other_side(other, party) or _on_the_other_side(party, other):
            return True
    return False


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_the_check_agrees_with_the_rule_read_literally(enlace, seed):
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    staff: list[Any] = [UserFactory(role=Role.ATENCION, specialty="psicologia") for _ in range(3)]
    curps = ["GODE561231HDFRRN09", "LOPA800101MCHRRN02", ""]
    numbers = ["E-1001", "E-2002", ""]
    cases = []
    for _ in range(6):
        case = make_case(registered_by=enlace)
        for kind in (PartyKind.SENALADA, PartyKind.TESTIGO):
            if rng.random() < 0.5:
                CaseParty.objects.create(case=case, kind=kind, display_name="Otra persona")
        for party in case.parties.all():
            party.curp = rng.choice(curps)
            party.employee_number = rng.choice(numbers)
            if rng.random() < 0.2:
                party.user = rng.choice(staff)
            party.save()
        cases.append(case)
    parties = list(CaseParty.objects.all())
    conflicts = 0
    for worker in staff:
        for party in rng.sample(parties, k=4):
            CaseAssignment.objects.get_or_create(
                case_id=party.case_id,
                user=worker,
                ended_at=None,
                defaults={
                    "attends": party,
                    "kind": AssignmentKind.PSICOLOGIA,
                    "assigned_by": enlace,
                },
            )
        for party in parties:
            expected = literal_conflict(worker, party)
            assert (attention_conflict(user=worker, party=party) is not None) == expected, (
                worker,
                party.kind,
            )
            conflicts += expected
    # The data exercise both answers.
    assert 0 < conflicts < len(parties) * len(staff)


def test_the_check_costs_the_same_statements_for_one_attended_person_or_many(
    enlace, django_assert_max_num_queries
):
    worker: Any = UserFactory(role=Role.ATENCION, specialty="psicologia")
    cases = [make_case(registered_by=enlace, affected=f"Persona {n}") for n in range(8)]
    candidate = cases[0].parties.get(kind=PartyKind.SENALADA)
    for case in cases[1:]:
        CaseAssignment.objects.create(
            case=case,
            user=worker,
            attends=case.parties.get(kind=PartyKind.AFECTADA),
            kind=AssignmentKind.PSICOLOGIA,
            assigned_by=enlace,
        )
    with django_assert_max_num_queries(2):
        assert attention_conflict(user=worker, party=candidate) is None
