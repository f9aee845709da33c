"""Need-to-know: who sees a case, and how much of it."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from violeta.accounts.roles import Role
from violeta.cases import services
from violeta.cases.models import AssignmentKind, CaseParty, EmergencyAccess, PartyKind
from violeta.cases.selectors import case_reading, cases_visible_to
from violeta.cases.services import PartyFacts
from violeta.notifications.models import Notification
from violeta.testing.factories import UserFactory, consent_give, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(enlace):
    return make_case(registered_by=enlace, account="Relato de la persona afectada")


def affected(case):
    return case.parties.get(kind=PartyKind.AFECTADA)


def accused(case):
    return case.parties.get(kind=PartyKind.SENALADA)


def assign(case, user, coordinacion, party=None):
    return services.case_assign(
        actor=coordinacion,
        case=case,
        user=user,
        attends=party or affected(case),
        kind=AssignmentKind.PSICOLOGIA,
    )


def visible(user, case):
    return cases_visible_to(user=user).filter(pk=case.pk).exists()


class TestVisibility:
    def test_nobody_but_the_registrant_and_coordinacion_sees_an_unassigned_case(
        self, case, servidora, atencion, enlace, coordinacion, autoridad, admin_sistema, outsider
    ):
        assert visible(enlace, case)
        assert visible(coordinacion, case)
        for user in (servidora, atencion, autoridad, admin_sistema, outsider):
            assert not visible(user, case)

    def test_an_assigned_worker_sees_account_and_notes(self, case, atencion, coordinacion):
        assign(case, atencion, coordinacion)
        reading = case_reading(user=atencion, case=case)
        assert visible(atencion, case)
        assert (reading.account, reading.notes, reading.add_note) == (True, True, True)

    def test_coordinacion_sees_assignment_metadata_not_the_account_or_notes(
        self, case, coordinacion
    ):
        reading = case_reading(user=coordinacion, case=case)
        assert (reading.account, reading.notes, reading.assign) == (False, False, True)

    def test_autoridad_reads_the_account_but_not_the_attention_notes(
        self, case, autoridad, coordinacion
    ):
        consent_give(case)
        services.case_assign(
            actor=coordinacion,
            case=case,
            user=autoridad,
            attends=affected(case),
            kind=AssignmentKind.AUTORIDAD,
        )
        reading = case_reading(user=autoridad, case=case)
        assert (reading.account, reading.notes) == (True, False)

    def test_the_enlace_loses_access_once_the_imm_takes_the_case(
        self, case, enlace, atencion, coordinacion
    ):
        assert case_reading(user=enlace, case=case).account
        assign(case, atencion, coordinacion)
        assert not visible(enlace, case)

    def test_administracion_never_sees_case_contents(self, case, admin_sistema):
        assert not visible(admin_sistema, case)
        assert case_reading(user=admin_sistema, case=case).sections == []

    def test_an_ended_assignment_ends_access(self, case, atencion, coordinacion):
        assignment = assign(case, atencion, coordinacion)
        assignment.ended_at = timezone.now()
        assignment.save()
        assert not visible(atencion, case)


class TestConflictOfInterest:
    def test_a_party_never_sees_the_case_even_as_coordinacion(self, enlace, coordinacion):
        case = make_case(registered_by=enlace, accused_user=coordinacion)
        assert not visible(coordinacion, case)
        assert case_reading(user=coordinacion, case=case).sections == []

    def test_a_party_cannot_be_assigned(self, enlace, coordinacion):
        worker = UserFactory(role=Role.ATENCION, specialty="psicologia")
        case = make_case(registered_by=enlace, accused_user=worker)
        with pytest.raises(ValidationError, match="parte en este caso"):
            assign(case, worker, coordinacion)

    def test_a_party_gets_no_emergency_access(self, enlace):
        worker: Any = UserFactory(role=Role.ATENCION, specialty="psicologia")
        case = make_case(registered_by=enlace, accused_user=worker)
        with pytest.raises(PermissionDenied):
            services.emergency_access_grant(
                actor=worker, case=case, reason="Necesito revisar este caso urgentemente."
            )

    def test_the_same_worker_never_attends_both_sides_of_a_case(self, case, atencion, coordinacion):
        assign(case, atencion, coordinacion)
        with pytest.raises(ValidationError, match=r"LEDMVLV art\. 40"):
            services.assignment_add(
                case=case,
                user=atencion,
                attends=accused(case),
                kind=AssignmentKind.PSICOLOGIA,
                actor=coordinacion,
            )

    def test_nor_the_same_person_across_cases(self, enlace, atencion, coordinacion):
        first = make_case(registered_by=enlace)
        senalada = accused(first)
        senalada.curp = "GODE561231HDFRRN09"
        senalada.save()
        assign(first, atencion, coordinacion)
        # The accused of the first case asks for attention in a case of her own.
        second = make_case(registered_by=enlace, affected="Otra persona")
        own = affected(second)
        own.curp = "gode561231hdfrrn09"
        own.save()
        with pytest.raises(ValidationError, match=r"LEDMVLV art\. 40"):
            assign(second, atencion, coordinacion, party=own)

    def test_another_worker_may_attend_the_other_side(self, case, atencion, coordinacion):
        assign(case, atencion, coordinacion)
        colleague = UserFactory(role=Role.ATENCION, specialty="juridica")
        assign(case, colleague, coordinacion, party=accused(case))
        assert visible(colleague, case)

    def test_only_coordinacion_assigns(self, case, atencion, enlace):
        with pytest.raises(PermissionDenied):
            assign(case, atencion, enlace)


class TestEmergencyAccess:
    REASON = "La persona llamó en crisis y su psicóloga está de vacaciones."

    def test_grants_limited_access_and_notifies_coordinacion(
        self, case, atencion, coordinacion, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.emergency_access_grant(actor=atencion, case=case, reason=self.REASON)
        assert visible(atencion, case)
        reading = case_reading(user=atencion, case=case)
        assert reading.account and reading.notes and reading.emergency and not reading.add_note
        notice = Notification.objects.get(recipient=coordinacion)
        assert notice.kind == "emergency_access"
        assert notice.folio == case.folio

    def test_expires(self, case, atencion, settings):
        services.emergency_access_grant(actor=atencion, case=case, reason=self.REASON)
        later = timezone.now() + datetime.timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES + 1)
        with time_machine.travel(later):
            assert not visible(atencion, case)

    def test_needs_a_written_reason(self, case, atencion):
        with pytest.raises(ValidationError, match="al menos 20 caracteres"):
            services.emergency_access_grant(actor=atencion, case=case, reason="urgente")
        assert not EmergencyAccess.objects.exists()

    @pytest.mark.parametrize("persona", ["servidora", "admin_sistema", "outsider"])
    def test_is_not_for_roles_that_do_not_handle_cases(self, case, persona, request):
        user = request.getfixturevalue(persona)
        with pytest.raises(PermissionDenied):
            services.emergency_access_grant(actor=user, case=case, reason=self.REASON)


def test_registration_by_atencion_assigns_her_to_the_affected_person(catalogs, atencion):
    from violeta.catalogs.models import Dependencia

    case = services.case_register(
        actor=atencion,
        dependencia=Dependencia.objects.get(pk=atencion.dependencia_id),
        account="Relato",
        affected=PartyFacts(display_name="A"),
        accused=[PartyFacts(display_name="B")],
    ).case
    assignment = case.assignments.get()
    assert assignment.user == atencion
    assert assignment.attends.kind == PartyKind.AFECTADA
    assert case.taken_by_imm_at is not None


def test_nobody_registers_a_case_against_themselves(enlace):
    from violeta.catalogs.models import Dependencia

    with pytest.raises(ValidationError, match="eres parte"):
        services.case_register(
            actor=enlace,
            dependencia=Dependencia.objects.get(pk=enlace.dependencia_id),
            account="Relato",
            affected=PartyFacts(display_name="A"),
            accused=[PartyFacts(display_name="B", user=enlace)],
        )
    assert not CaseParty.objects.exists()


@pytest.mark.parametrize("returning", [True, False], ids=["upsert", "without-returning"])
def test_folios_are_readable_and_never_repeat(db, monkeypatch, returning):
    # One upsert where the database returns rows from an INSERT; three statements elsewhere.
    monkeypatch.setattr("violeta.db.writes_return_rows", lambda: returning)
    first = services.folio_next(year=2026)
    second = services.folio_next(year=2026)
    assert first == "IMM-2026-00001"
    assert second == "IMM-2026-00002"
    assert services.folio_next(year=2027) == "IMM-2027-00001"


def test_emergency_notice_skips_a_coordinator_who_is_a_party(
    enlace, atencion, coordinacion, django_capture_on_commit_callbacks
):
    other: Any = UserFactory(role=Role.COORDINACION)
    case = make_case(registered_by=enlace, accused_user=coordinacion)
    with django_capture_on_commit_callbacks(execute=True):
        services.emergency_access_grant(
            actor=atencion, case=case, reason="La persona llamó en crisis y nadie más está."
        )
    assert list(Notification.objects.values_list("recipient", flat=True)) == [other.pk]
