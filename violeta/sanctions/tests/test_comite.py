"""Opening the procedure, comité sessions: conflict of interest, quorum, votes; measures: her
consent, compliance, reminders and renewal."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.cases.models import ConsentPurpose, PartyKind
from violeta.cases.services.consent import ConsentMissing, consent_record
from violeta.notifications.models import Notification
from violeta.sanctions import services
from violeta.sanctions.models import (
    ComiteMember,
    Excuse,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureSubject,
    SessionStatus,
    VoteChoice,
    VoteResult,
)

from .conftest import ALLEGATIONS

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def _session(procedure: Any, autoridad: Any) -> Any:
    return services.session_convene(
        actor=autoridad, procedure=procedure, scheduled_for=NOW, place="Sala de cabildo"
    )


def _held(procedure: Any, autoridad: Any, *, absent: int = 0) -> Any:
    session = _session(procedure, autoridad)
    members = [m for m in session.members.all() if not m.excuse]
    present = [m.pk for m in members[: len(members) - absent]]
    return services.session_hold(actor=autoridad, session=session, present=present)


def _measure(session: Any, autoridad: Any, **extra: Any) -> Measure:
    values: dict[str, Any] = {
        "kind": MeasureKind.REUBICACION_AGRESOR,
        "subject": MeasureSubject.PRESUNTO_AGRESOR,
        "responsible": "Recursos Humanos de Obras Públicas",
        "starts_on": datetime.date(2026, 12, 2),
        "ends_on": datetime.date(2027, 1, 30),
    }
    values.update(extra)
    return services.measure_propose(actor=autoridad, session=session, **values)


def _all_in_favour(session: Any) -> dict[Any, VoteChoice]:
    return {m.pk: VoteChoice.A_FAVOR for m in session.members.all() if m.may_vote}


# Opening ---------------------------------------------------------------------------------


def test_a_procedure_needs_her_consent_to_share_with_the_comite(
    procedure_case: Any, autoridad: Any, coordinacion: Any
) -> None:
    consent_record(
        actor=coordinacion,
        case=procedure_case,
        purpose=ConsentPurpose.COMITE_OIC,
        granted=False,
    )
    with pytest.raises((ConsentMissing, PermissionDenied)):
        services.procedure_open(
            actor=coordinacion,
            case=procedure_case,
            accused=procedure_case.parties.get(kind=PartyKind.SENALADA),
            allegations=ALLEGATIONS,
        )


def test_only_a_public_servant_accused_and_only_once(
    procedure: Any, procedure_case: Any, autoridad: Any
) -> None:
    with pytest.raises(ValidationError, match="ya tiene un procedimiento"):
        services.procedure_open(
            actor=autoridad, case=procedure_case, accused=procedure.accused, allegations=ALLEGATIONS
        )
    with pytest.raises(ValidationError, match="persona servidora"):
        services.procedure_open(
            actor=autoridad,
            case=procedure_case,
            accused=procedure_case.parties.get(kind=PartyKind.AFECTADA),
            allegations=ALLEGATIONS,
        )


def test_people_who_do_not_conduct_cannot_open(
    procedure_case: Any, atencion: Any, enlace: Any, servidora: Any
) -> None:
    for user in (atencion, enlace, servidora):
        with pytest.raises(PermissionDenied):
            services.procedure_open(
                actor=user,
                case=procedure_case,
                accused=procedure_case.parties.get(kind=PartyKind.SENALADA),
                allegations=ALLEGATIONS,
            )


def test_notifying_him_opens_ten_business_days_for_evidence_and_arguments(
    procedure: Any, autoridad: Any, accused_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Tuesday 1 December 2026: ten días hábiles end on Tuesday 15 December.
    with django_capture_on_commit_callbacks(execute=True):
        services.accused_notify(actor=autoridad, procedure=procedure, when=NOW)
    due = timezone.localtime(procedure.response_due_at)
    assert due.date() == datetime.date(2026, 12, 15)
    assert Notification.objects.filter(recipient=accused_user, kind="procedure_notice").exists()
    with pytest.raises(ValidationError, match="ya estaba registrada"):
        services.accused_notify(actor=autoridad, procedure=procedure)


# Conflict of interest ----------------------------------------------------------------------


def test_a_member_from_the_accused_dependencia_is_excused_and_cannot_vote(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _session(procedure, autoridad)
    same = session.members.get(member__user__email="vocal.obras@prueba.violeta.mx")
    assert same.excuse == Excuse.MISMA_CADENA
    # Present or not, the excused member does not vote.
    services.session_hold(
        actor=autoridad, session=session, present=[m.pk for m in session.members.all()]
    )
    same.refresh_from_db()
    assert same.present and not same.may_vote
    measure = _measure(session, autoridad)
    votes = _all_in_favour(session) | {same.pk: VoteChoice.EN_CONTRA}
    with pytest.raises(ValidationError, match="no puede votar"):
        services.votes_record(actor=autoridad, measure=measure, votes=votes)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPUESTA
    assert not measure.votes.exists()


def test_a_member_in_the_chain_of_command_above_a_party_is_excused(
    procedure: Any, comite: list[ComiteMember], autoridad: Any, accused_user: Any
) -> None:
    head = comite[2].user.dependencia
    type(head).objects.filter(pk=accused_user.dependencia.pk).update(parent=head.code)
    session = _session(procedure, autoridad)
    assert session.members.get(member=comite[2]).excuse == Excuse.MISMA_CADENA
    assert session.members.get(member=comite[1]).excuse == ""


def test_a_member_who_is_a_party_is_excused(
    procedure_case: Any, procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    witness_user = comite[3].user
    procedure_case.parties.create(kind=PartyKind.TESTIGO, display_name="Testigo", user=witness_user)
    session = _session(procedure, autoridad)
    assert session.members.get(member=comite[3]).excuse == Excuse.PARTE


def test_a_declared_kinship_excuses_with_a_note(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _session(procedure, autoridad)
    member = session.members.get(member=comite[1])
    with pytest.raises(ValidationError):
        services.session_member_excuse(
            actor=autoridad, session_member=member, excuse=Excuse.PARENTESCO
        )
    services.session_member_excuse(
        actor=autoridad, session_member=member, excuse=Excuse.PARENTESCO, note="Es su cuñada."
    )
    member.refresh_from_db()
    assert member.excuse == Excuse.PARENTESCO and member.excuse_note == "Es su cuñada."


def test_excused_members_are_not_convened_by_notice(
    procedure: Any,
    comite: list[ComiteMember],
    autoridad: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _session(procedure, autoridad)
    assert not Notification.objects.filter(
        recipient__email="vocal.obras@prueba.violeta.mx", kind="comite_convened"
    ).exists()
    assert Notification.objects.filter(
        recipient__email="comite0@prueba.violeta.mx", kind="comite_convened"
    ).exists()


# Quorum and votes --------------------------------------------------------------------------


def test_quorum_is_a_majority_of_active_members_and_excused_do_not_count(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _session(procedure, autoridad)
    assert session.quorum_required == 3  # five active members
    # The four without conflict minus two absent: two present, no quorum.
    held = _held(procedure, autoridad, absent=2)
    assert held.status == SessionStatus.SIN_QUORUM
    with pytest.raises(ValidationError, match="quórum"):
        _measure(held, autoridad)
    assert _held(procedure, autoridad, absent=1).status == SessionStatus.CELEBRADA


def test_quorum_can_be_configured(
    procedure: Any, comite: list[ComiteMember], autoridad: Any, settings: Any
) -> None:
    settings.COMITE_QUORUM = 4
    assert _held(procedure, autoridad, absent=1).status == SessionStatus.SIN_QUORUM


def test_unanimity_majority_and_rejection(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _held(procedure, autoridad)
    voters = [m for m in session.members.all() if m.may_vote]
    assert len(voters) == 4

    unanimous = _measure(session, autoridad)
    services.votes_record(actor=autoridad, measure=unanimous, votes=_all_in_favour(session))
    assert (unanimous.status, unanimous.result) == (MeasureStatus.APROBADA, VoteResult.UNANIMIDAD)

    majority = _measure(session, autoridad, kind=MeasureKind.NO_CONTACTO)
    votes = {m.pk: VoteChoice.A_FAVOR for m in voters[:3]} | {voters[3].pk: VoteChoice.EN_CONTRA}
    services.votes_record(actor=autoridad, measure=majority, votes=votes)
    assert majority.result == VoteResult.MAYORIA

    # Two of four in favour is not a majority.
    tie = _measure(session, autoridad, kind=MeasureKind.CAMBIO_HORARIO)
    votes = {m.pk: VoteChoice.A_FAVOR for m in voters[:2]} | {
        m.pk: VoteChoice.ABSTENCION for m in voters[2:]
    }
    services.votes_record(actor=autoridad, measure=tie, votes=votes)
    assert (tie.status, tie.result) == (MeasureStatus.RECHAZADA, VoteResult.RECHAZADA)

    assert unanimous.votes.count() == 4
    with pytest.raises(ValidationError, match="ya se votó"):
        services.votes_record(actor=autoridad, measure=unanimous, votes=_all_in_favour(session))


def test_every_eligible_member_must_vote(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _held(procedure, autoridad)
    measure = _measure(session, autoridad)
    votes = _all_in_favour(session)
    votes.pop(next(iter(votes)))
    with pytest.raises(ValidationError, match="Falta el voto"):
        services.votes_record(actor=autoridad, measure=measure, votes=votes)


def test_an_absent_member_cannot_vote(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _held(procedure, autoridad, absent=1)
    absent = next(m for m in session.members.all() if m.present is False)
    measure = _measure(session, autoridad)
    with pytest.raises(ValidationError, match="no estuvo presente"):
        services.votes_record(
            actor=autoridad,
            measure=measure,
            votes=_all_in_favour(session) | {absent.pk: VoteChoice.A_FAVOR},
        )


# Her consent, compliance, reminders, renewal -------------------------------------------------


def test_a_measure_that_moves_her_is_refused_without_her_consent(
    procedure: Any, comite: list[ComiteMember], autoridad: Any, atencion: Any
) -> None:
    session = _held(procedure, autoridad)
    moving = _measure(
        session, autoridad, kind=MeasureKind.CAMBIO_UNIDAD, subject=MeasureSubject.PERSONA_AFECTADA
    )
    assert moving.moves_her
    with pytest.raises(ValidationError, match="consentimiento"):
        services.votes_record(actor=autoridad, measure=moving, votes=_all_in_favour(session))
    # Her assigned atención records that she agrees; then it may be voted.
    services.measure_her_consent(actor=atencion, measure=moving)
    services.votes_record(actor=autoridad, measure=moving, votes=_all_in_favour(session))
    assert moving.status == MeasureStatus.APROBADA
    # Psychological care for her moves nothing: no consent step.
    care = _measure(
        session,
        autoridad,
        kind=MeasureKind.ATENCION_PSICOLOGICA,
        subject=MeasureSubject.PERSONA_AFECTADA,
    )
    assert not care.moves_her


def test_measure_dates_and_responsible_are_checked(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _held(procedure, autoridad)
    with pytest.raises(ValidationError) as refused:
        _measure(
            session,
            autoridad,
            responsible=" ",
            starts_on=datetime.date(2026, 12, 10),
            ends_on=datetime.date(2026, 12, 1),
        )
    assert set(refused.value.message_dict) == {"ends_on", "responsible"}


def test_compliance_breach_needs_a_note_and_warns(
    procedure: Any,
    comite: list[ComiteMember],
    autoridad: Any,
    coordinacion: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = _held(procedure, autoridad)
    measure = _measure(session, autoridad)
    with pytest.raises(ValidationError, match="aprobada"):
        services.compliance_record(actor=autoridad, measure=measure, complied=True)
    services.votes_record(actor=autoridad, measure=measure, votes=_all_in_favour(session))
    with pytest.raises(ValidationError):
        services.compliance_record(actor=autoridad, measure=measure, complied=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.compliance_record(
            actor=autoridad, measure=measure, complied=False, note="Sigue en la misma oficina."
        )
    assert Notification.objects.filter(recipient=coordinacion, kind="measure_breached").exists()


def test_reminders_before_a_measure_ends_and_conclusion_after(
    procedure: Any,
    comite: list[ComiteMember],
    autoridad: Any,
    coordinacion: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = _held(procedure, autoridad)
    measure = _measure(
        session,
        autoridad,
        starts_on=datetime.date(2026, 12, 2),
        ends_on=datetime.date(2026, 12, 20),
    )
    services.votes_record(actor=autoridad, measure=measure, votes=_all_in_favour(session))
    with time_machine.travel("2026-12-10 09:00:00-06:00", tick=False):
        assert services.measures_remind() == (0, 0)
    with (
        time_machine.travel("2026-12-18 09:00:00-06:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.measures_remind() == (1, 0)
        assert services.measures_remind() == (0, 0)  # once
    assert Notification.objects.filter(recipient=coordinacion, kind="measure_expiring").count() == 1
    with time_machine.travel("2026-12-21 09:00:00-06:00", tick=False):
        assert services.measures_remind() == (0, 1)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.CONCLUIDA


def test_a_renewal_is_voted_again_from_the_day_after(
    procedure: Any, comite: list[ComiteMember], autoridad: Any
) -> None:
    session = _held(procedure, autoridad)
    measure = _measure(session, autoridad)
    with pytest.raises(ValidationError, match="aprobada"):
        services.measure_renew(
            actor=autoridad, measure=measure, session=session, ends_on=datetime.date(2027, 3, 1)
        )
    services.votes_record(actor=autoridad, measure=measure, votes=_all_in_favour(session))
    renewal = services.measure_renew(
        actor=autoridad, measure=measure, session=session, ends_on=datetime.date(2027, 3, 1)
    )
    assert renewal.status == MeasureStatus.PROPUESTA
    assert renewal.starts_on == datetime.date(2027, 1, 31)
    assert renewal.renews == measure


def test_a_representative_is_a_staff_account_from_neither_side(
    procedure: Any, comite: list[ComiteMember], autoridad: Any, atencion: Any, servidora: Any
) -> None:
    from violeta.sanctions.selectors import is_accused_side

    for refused in (atencion.email, comite[1].user.email, "nadie@prueba.violeta.mx"):
        with pytest.raises(ValidationError):
            services.representative_set(actor=autoridad, procedure=procedure, email=refused)
    services.representative_set(actor=autoridad, procedure=procedure, email=servidora.email)
    assert procedure.representative == servidora
    assert is_accused_side(user=servidora, procedure=procedure)
    assert not is_accused_side(user=atencion, procedure=procedure)
