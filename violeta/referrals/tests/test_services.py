"""Proposing, consent gating and overrides, status transitions and their follow-up tasks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.cases.models import ConsentPurpose, SharedItem
from violeta.cases.services.consent import ConsentMissing, consent_record
from violeta.protocols.models import RunTask
from violeta.protocols.services import run_for
from violeta.referrals import services
from violeta.referrals.models import ReferralStatus, Residence, Wish

from .conftest import institution, set_affected

pytestmark = pytest.mark.django_db

REASON = "Orientación legal para decidir si presenta una denuncia."


def _propose(case: Any, actor: Any, code: str = "cejum", service: str = "asesoria_juridica"):
    return services.referral_propose(
        actor=actor, case=case, institution=institution(code), service=service, reason=REASON
    )


def _consent(case: Any, actor: Any, code: str, scope: list[str], granted: bool = True) -> None:
    consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=institution(code),
        granted=granted,
        scope=scope,
    )


def test_a_proposal_is_recorded_with_an_event_and_audited(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    assert referral.status == ReferralStatus.PROPUESTA
    assert not referral.mandatory
    assert [e.to_status for e in referral.events.all()] == [ReferralStatus.PROPUESTA]
    entry = AuditEntry.objects.filter(action="referral").latest("id")
    assert entry.detail["institution"] == "cejum"
    # The reason is content: it is encrypted and never in the audit log.
    assert REASON not in str(entry.detail)


def test_mandatory_comes_from_the_rule_not_the_form(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=14)
    referral = services.referral_propose(
        actor=atencion,
        case=handled_case,
        institution=institution("dif_estatal_pnna"),
        service="ninas_ninos_adolescentes",
        reason="Es adolescente: vista obligatoria a la Procuraduría.",
        rule_code="nna_procuraduria",
    )
    assert referral.mandatory
    with pytest.raises(ValidationError, match="no corresponde"):
        services.referral_propose(
            actor=atencion,
            case=handled_case,
            institution=institution("cejum"),
            service="asesoria_juridica",
            reason=REASON,
            rule_code="nna_procuraduria",
        )


@pytest.mark.parametrize(
    ("code", "service", "reason", "problem"),
    [
        ("cejum", "asesoria_juridica", "corto", "al menos"),
        ("cedh", "refugio", REASON, "no ofrece ese servicio"),
    ],
)
def test_a_bad_proposal_is_refused_with_a_clear_message(
    handled_case: Any, atencion: Any, code: str, service: str, reason: str, problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        services.referral_propose(
            actor=atencion,
            case=handled_case,
            institution=institution(code),
            service=service,
            reason=reason,
        )


def test_no_second_open_referral_to_the_same_place_for_the_same_service(
    handled_case: Any, atencion: Any
) -> None:
    first = _propose(handled_case, atencion)
    with pytest.raises(ValidationError, match="Ya hay una canalización abierta"):
        _propose(handled_case, atencion)
    services.referral_move(actor=atencion, referral=first, to=ReferralStatus.DECLINADA)
    assert _propose(handled_case, atencion).status == ReferralStatus.PROPUESTA


def test_only_those_responsible_for_the_case_refer(
    handled_case: Any, autoridad: Any, servidora: Any, enlace: Any, coordinacion: Any
) -> None:
    for user in (autoridad, servidora):
        with pytest.raises(PermissionDenied):
            _propose(handled_case, user)
    # The enlace registered the case but does not refer: attention work belongs to the IMM.
    with pytest.raises(PermissionDenied):
        _propose(handled_case, enlace)
    assert _propose(handled_case, coordinacion).proposed_by == coordinacion


def test_sending_without_her_consent_is_refused(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    with pytest.raises(ConsentMissing):
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PROPUESTA
    # Consent for another institution does not count.
    _consent(handled_case, atencion, "fem", [SharedItem.RELATO])
    with pytest.raises(ConsentMissing):
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)


def test_sending_records_what_she_agreed_to_share(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    _consent(handled_case, atencion, "cejum", [SharedItem.RELATO, SharedItem.IDENTIDAD])
    services.referral_move(
        actor=atencion,
        referral=referral,
        to=ReferralStatus.ENVIADA,
        contact_person="Lic. Marta Ríos, área jurídica",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENVIADA
    assert referral.sent_at is not None
    # Stored in the vocabulary's order whatever the order chosen.
    assert referral.shared_items == ["identidad", "relato"]
    assert referral.contact_person == "Lic. Marta Ríos, área jurídica"


def test_a_withdrawal_blocks_the_next_share_at_once(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    _consent(handled_case, atencion, "cejum", [SharedItem.IDENTIDAD])
    _consent(handled_case, atencion, "cejum", [], granted=False)
    with pytest.raises(ConsentMissing):
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
    with pytest.raises(ConsentMissing):
        services.oficio_issue(actor=atencion, referral=referral)


def test_an_override_needs_the_permission_and_a_reason_and_is_spent_on_one_referral(
    handled_case: Any, atencion: Any, coordinacion: Any
) -> None:
    set_affected(handled_case, age=13)
    referral = services.referral_propose(
        actor=atencion,
        case=handled_case,
        institution=institution("fem"),
        service="denuncia",
        reason="Vista obligatoria al Ministerio Público por hechos contra una adolescente.",
        rule_code="nna_fiscalia",
    )
    reason = "LGDNNA art. 12 y LEDMVLV art. 12-i: vista obligatoria al Ministerio Público."
    with pytest.raises(PermissionDenied):
        services.referral_override(
            actor=atencion, referral=referral, reason=reason, scope=[SharedItem.HECHOS]
        )
    atencion.may_override_consent = True
    atencion.save()
    with pytest.raises(ValidationError, match="al menos"):
        services.referral_override(actor=atencion, referral=referral, reason="porque sí", scope=[])
    override = services.referral_override(
        actor=atencion, referral=referral, reason=reason, scope=[SharedItem.HECHOS]
    )
    assert override.scope == ["hechos"]
    services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
    referral.refresh_from_db()
    assert referral.shared_items == ["hechos"]
    assert services.under_override(referral=referral)
    with pytest.raises(ValidationError, match="ya tiene una excepción"):
        services.referral_override(actor=atencion, referral=referral, reason=reason, scope=[])
    # The override does not reach another referral to the same institution.
    other = services.referral_propose(
        actor=atencion,
        case=handled_case,
        institution=institution("fem"),
        service="violencia_familiar",
        reason="Otra canalización a la misma institución.",
    )
    with pytest.raises(ConsentMissing):
        services.referral_move(actor=atencion, referral=other, to=ReferralStatus.ENVIADA)


def test_her_consent_takes_precedence_over_an_override_once_given(
    handled_case: Any, atencion: Any
) -> None:
    atencion.may_override_consent = True
    atencion.save()
    referral = _propose(handled_case, atencion)
    services.referral_override(
        actor=atencion,
        referral=referral,
        reason="Obligación legal de informar a la institución sobre los hechos.",
        scope=[SharedItem.HECHOS, SharedItem.RELATO],
    )
    _consent(handled_case, atencion, "cejum", [SharedItem.IDENTIDAD])
    assert services.shared_items_now(referral=referral) == ["identidad"]
    assert not services.under_override(referral=referral)


def test_the_whole_path_to_attended_with_follow_up_tasks(handled_case: Any, atencion: Any) -> None:
    run = run_for(handled_case)
    with time_machine.travel("2026-12-01 10:00:00-06:00", tick=False) as traveller:
        referral = _propose(handled_case, atencion)
        _consent(handled_case, atencion, "cejum", [])
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
        receipt = RunTask.objects.get(run=run, code=f"canalizacion:recepcion:{referral.pk.hex}")
        # Three días hábiles from Tuesday 1 December: Friday 4 December, end of day.
        assert timezone.localtime(receipt.due_at).isoformat().startswith("2026-12-04T23:59:59")
        assert receipt.role == "atencion"
        assert "CEJUM" in receipt.label_es

        traveller.shift(datetime.timedelta(days=1))
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.RECIBIDA)
        receipt.refresh_from_db()
        assert receipt.done_at is not None
        attention = RunTask.objects.get(run=run, code=f"canalizacion:atencion:{referral.pk.hex}")
        assert attention.done_at is None

        traveller.shift(datetime.timedelta(days=5))
        services.referral_move(
            actor=atencion, referral=referral, to=ReferralStatus.ATENDIDA, note="Primera cita."
        )
    attention.refresh_from_db()
    referral.refresh_from_db()
    assert attention.done_at is not None
    assert referral.attended_at - referral.sent_at == datetime.timedelta(days=6)
    assert referral.closed_at == referral.attended_at
    assert not referral.is_open
    assert [e.to_status for e in referral.events.all()] == [
        "propuesta",
        "enviada",
        "recibida",
        "atendida",
    ]
    assert referral.events.last().note == "Primera cita."


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], ReferralStatus.RECIBIDA),
        ([], ReferralStatus.ATENDIDA),
        ([ReferralStatus.ENVIADA, ReferralStatus.RECIBIDA, ReferralStatus.ATENDIDA], "enviada"),
        ([ReferralStatus.DECLINADA], ReferralStatus.ENVIADA),
    ],
)
def test_invalid_transitions_are_refused(
    handled_case: Any, atencion: Any, path: list[str], refused: str
) -> None:
    referral = _propose(handled_case, atencion)
    _consent(handled_case, atencion, "cejum", [])
    for step in path:
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus(step))
    with pytest.raises(ValidationError, match="no puede pasar"):
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus(refused))


def test_a_rejection_needs_the_institutions_reason(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    _consent(handled_case, atencion, "cejum", [])
    services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
    with pytest.raises(ValidationError):
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.RECHAZADA)
    services.referral_move(
        actor=atencion,
        referral=referral,
        to=ReferralStatus.RECHAZADA,
        note="No atienden casos fuera de su circunscripción.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECHAZADA


def test_she_may_decline_and_that_is_a_recorded_outcome(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    services.referral_move(
        actor=atencion, referral=referral, to=ReferralStatus.DECLINADA, note="Prefiere esperar."
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINADA
    assert referral.closed_at is not None


def test_a_late_answer_after_no_response_still_counts(handled_case: Any, atencion: Any) -> None:
    referral = _propose(handled_case, atencion)
    _consent(handled_case, atencion, "cejum", [])
    for step in (ReferralStatus.ENVIADA, ReferralStatus.SIN_RESPUESTA, ReferralStatus.RECIBIDA):
        services.referral_move(actor=atencion, referral=referral, to=step)
    assert referral.status == ReferralStatus.RECIBIDA


def test_two_people_cannot_move_the_same_referral_from_the_same_status(
    handled_case: Any, atencion: Any, coordinacion: Any
) -> None:
    referral = _propose(handled_case, atencion)
    stale = type(referral).objects.get(pk=referral.pk)
    services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.DECLINADA)
    _consent(handled_case, atencion, "cejum", [])
    with pytest.raises(ValidationError, match="Alguien más"):
        services.referral_move(actor=coordinacion, referral=stale, to=ReferralStatus.ENVIADA)


def test_wishes_are_appended(handled_case: Any, atencion: Any) -> None:
    services.wishes_record(
        actor=atencion, case=handled_case, wants_denuncia=Wish.NO, residence=Residence.MUNICIPIO
    )
    services.wishes_record(
        actor=atencion, case=handled_case, wants_denuncia=Wish.SI, residence=Residence.MUNICIPIO
    )
    from violeta.referrals.selectors import wishes_in_force

    wishes = wishes_in_force(case=handled_case)
    assert wishes is not None
    assert wishes.wants_denuncia == Wish.SI


def test_a_closed_case_takes_no_referrals(handled_case: Any, atencion: Any) -> None:
    from violeta.cases.models import Case, CaseStatus

    Case.objects.filter(pk=handled_case.pk).update(status=CaseStatus.CLOSED)
    handled_case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _propose(handled_case, atencion)


def test_sending_the_mandatory_referral_fulfils_its_guideline(
    handled_case: Any, atencion: Any
) -> None:
    from violeta.cases.models import GuidelineCheck, GuidelineStatus

    set_affected(handled_case, age=14)
    check = GuidelineCheck.objects.get(case=handled_case, code="nna_procuraduria")
    assert check.status == GuidelineStatus.PENDING
    referral = services.referral_propose(
        actor=atencion,
        case=handled_case,
        institution=institution("dif_estatal_pnna"),
        service="ninas_ninos_adolescentes",
        reason="Es adolescente: vista obligatoria a la Procuraduría.",
        rule_code="nna_procuraduria",
    )
    _consent(handled_case, atencion, "dif_estatal_pnna", [SharedItem.IDENTIDAD])
    services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.ENVIADA)
    check.refresh_from_db()
    assert check.status == GuidelineStatus.DONE
    assert check.resolved_by == atencion
    assert "Canalización enviada a" in check.note
    # The Fiscalía's item stays pending until its own referral is sent.
    assert (
        GuidelineCheck.objects.get(case=handled_case, code="nna_fiscalia").status
        == GuidelineStatus.PENDING
    )
