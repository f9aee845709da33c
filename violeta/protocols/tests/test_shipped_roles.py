"""Every transition of both shipped protocols: allowed for its roles, refused for every other."""

import pytest

from violeta.accounts.roles import Role
from violeta.cases.models import CaseParty, PartyKind
from violeta.protocols.loader import default_files, parse_protocol_file
from violeta.protocols.models import ProtocolRun
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services import (
    TransitionRefused,
    checklist_resolve,
    run_start,
    steps_for,
    transition_take,
)
from violeta.testing.factories import UserFactory, consent_give, make_case

pytestmark = pytest.mark.django_db

SHIPPED = [parse_protocol_file(path)[0] for path in default_files()]
CASES = [
    pytest.param(protocol.code, transition.code, id=f"{protocol.code}:{transition.code}")
    for protocol in SHIPPED
    for transition in protocol.transitions
]


def test_both_protocols_ship():
    assert {p.code for p in SHIPPED} == {"chihuahua-municipal", "hsas-federal"}


@pytest.mark.parametrize(("protocol_code", "transition_code"), CASES)
def test_each_role_may_or_may_not_take_the_step(protocols, enlace, protocol_code, transition_code):
    version = next(v for v in protocols_current() if v.code == protocol_code)
    definition = next(p for p in SHIPPED if p.code == protocol_code)
    transition = definition.transition(transition_code)
    case = make_case(registered_by=enlace)
    consent_give(case)
    CaseParty.objects.filter(case=case, kind=PartyKind.SENALADA).update(is_public_servant=True)
    run = run_start(protocol=version, subject=case, actor=enlace)
    # Put the run where the step starts, as earlier steps would have.
    ProtocolRun.objects.filter(pk=run.pk).update(stage=transition.source)
    run.refresh_from_db()
    people = {role: UserFactory(role=role) for role in Role}

    for role, person in people.items():
        step = next(
            s for s in steps_for(run=run, user=person) if s.transition.code == transition_code
        )
        assert step.allowed_role is (role in transition.roles), role
        if role not in transition.roles:
            with pytest.raises(TransitionRefused, match="Tu rol no puede"):
                transition_take(run=run, code=transition_code, actor=person, reason="Motivo")

    allowed = people[Role(transition.roles[0])]
    for item in transition.requires.checklist:
        checklist_resolve(run=run, item=item.code, actor=allowed)
    transition_take(
        run=run, code=transition_code, actor=allowed, reason="Motivo registrado en la prueba."
    )
    run.refresh_from_db()
    assert run.stage == transition.target
