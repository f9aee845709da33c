"""Consent per purpose: withdrawal is immediate; an override needs the permission and a reason."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from violeta.audit.models import AuditEntry
from violeta.cases import services
from violeta.cases.models import AssignmentKind, ConsentPurpose, ContactMethod, PartyKind
from violeta.cases.selectors import case_reading, consent_in_force, consent_states
from violeta.catalogs.models import Institution
from violeta.notifications.models import Notification
from violeta.testing.factories import assign_to_affected, make_case
from violeta.testing.second_factor import force_login_verified

LEGAL_REASON = "Obligación de dar vista a la Procuraduría de Protección (LGDNNA art. 12)."


@pytest.fixture
def case(catalogs, enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


def grant_override_permission(user):
    user.may_override_consent = True
    user.save(update_fields=["may_override_consent"])
    return user


def assign_autoridad(case, coordinacion, autoridad):
    return services.case_assign(
        actor=coordinacion,
        case=case,
        user=autoridad,
        attends=case.parties.get(kind=PartyKind.AFECTADA),
        kind=AssignmentKind.AUTORIDAD,
    )


def test_no_decision_means_no_consent(case):
    assert not consent_in_force(case=case, purpose=ConsentPurpose.COMITE_OIC)


def test_the_newest_decision_is_the_one_in_force(case, atencion):
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True
    )
    assert consent_in_force(case=case, purpose=ConsentPurpose.COMITE_OIC)
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=False
    )
    assert not consent_in_force(case=case, purpose=ConsentPurpose.COMITE_OIC)
    assert AuditEntry.objects.filter(action="consent", target_id=str(case.pk)).count() == 2


def test_withdrawal_blocks_a_new_share_with_the_comite(case, atencion, coordinacion, autoridad):
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True
    )
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=False
    )
    with pytest.raises(services.ConsentMissing):
        assign_autoridad(case, coordinacion, autoridad)
    assert not case.assignments.filter(user=autoridad).exists()


def test_withdrawal_closes_the_account_to_an_autoridad_already_assigned(
    case, atencion, coordinacion, autoridad
):
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True
    )
    assign_autoridad(case, coordinacion, autoridad)
    assert case_reading(user=autoridad, case=case).account
    services.consent_record(
        actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=False
    )
    assert not case_reading(user=autoridad, case=case).account


def test_referral_consent_is_per_institution_and_withdrawal_blocks_a_new_referral(case, atencion):
    fiscalia, other = Institution.objects.all()[:2]
    services.consent_record(
        actor=atencion,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=fiscalia,
        granted=True,
    )
    services.consent_require(
        case=case, purpose=ConsentPurpose.CANALIZACION, institution=fiscalia
    )  # allowed: no exception
    with pytest.raises(services.ConsentMissing):
        services.consent_require(case=case, purpose=ConsentPurpose.CANALIZACION, institution=other)
    services.consent_record(
        actor=atencion,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=fiscalia,
        granted=False,
    )
    with pytest.raises(services.ConsentMissing):
        services.consent_require(
            case=case, purpose=ConsentPurpose.CANALIZACION, institution=fiscalia
        )


def test_a_referral_consent_names_its_institution_and_no_other_does(case, atencion):
    with pytest.raises(ValidationError, match="por institución"):
        services.consent_record(
            actor=atencion, case=case, purpose=ConsentPurpose.CANALIZACION, granted=True
        )
    with pytest.raises(ValidationError, match="por institución"):
        services.consent_record(
            actor=atencion,
            case=case,
            purpose=ConsentPurpose.ESTADISTICA,
            institution=Institution.objects.first(),
            granted=True,
        )


def test_only_the_people_responsible_record_consent(case, autoridad, servidora, outsider):
    for user in (autoridad, servidora, outsider):
        with pytest.raises(PermissionDenied):
            services.consent_record(
                actor=user, case=case, purpose=ConsentPurpose.ESTADISTICA, granted=True
            )


class TestOverride:
    def test_needs_the_specific_permission(self, case, atencion, coordinacion):
        for user in (atencion, coordinacion):
            with pytest.raises(PermissionDenied):
                services.consent_override(
                    actor=user, case=case, purpose=ConsentPurpose.COMITE_OIC, reason=LEGAL_REASON
                )

    def test_needs_a_written_reason(self, case, coordinacion):
        coordinacion = grant_override_permission(coordinacion)
        with pytest.raises(ValidationError, match="fundamento legal"):
            services.consent_override(
                actor=coordinacion, case=case, purpose=ConsentPurpose.COMITE_OIC, reason="Urge."
            )

    def test_allows_that_one_share_audits_it_and_tells_coordinacion(
        self, case, coordinacion, autoridad, django_capture_on_commit_callbacks
    ):
        from violeta.testing.factories import UserFactory

        other_coordinator: Any = UserFactory(role="coordinacion", email="coord2@prueba.violeta.mx")
        coordinacion = grant_override_permission(coordinacion)
        with django_capture_on_commit_callbacks(execute=True):
            override = services.consent_override(
                actor=coordinacion,
                case=case,
                purpose=ConsentPurpose.COMITE_OIC,
                reason=LEGAL_REASON,
            )
        services.consent_require(case=case, purpose=ConsentPurpose.COMITE_OIC, override=override)
        with pytest.raises(ValidationError, match="no corresponde"):
            services.consent_require(
                case=case, purpose=ConsentPurpose.ESTADISTICA, override=override
            )
        assert override.reason == LEGAL_REASON
        assert AuditEntry.objects.filter(action="consent_override").count() == 1
        assert list(
            Notification.objects.filter(kind="consent_override").values_list("recipient", flat=True)
        ) == [other_coordinator.pk]


def test_contact_preference_is_recorded_and_the_newest_applies(case, atencion):
    services.contact_preference_record(
        actor=atencion, case=case, method=ContactMethod.TELEFONO, safe_times="De 10 a 13 h"
    )
    services.contact_preference_record(actor=atencion, case=case, method=ContactMethod.NINGUNO)
    latest = case.contact_preferences.last()
    assert (latest.method, latest.safe_times) == ("ninguno", "")


def test_states_list_every_purpose_and_each_institution(case, atencion):
    institution = Institution.objects.first()
    services.consent_record(
        actor=atencion,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=institution,
        granted=True,
    )
    states = {(s.purpose, s.institution, s.granted) for s in consent_states(case=case)}
    assert states == {
        ("atencion", None, None),
        ("comite_oic", None, None),
        ("canalizacion", institution, True),
        ("estadistica", None, None),
    }


class TestPages:
    def test_the_worker_records_a_withdrawal_from_the_case_page(self, client, case, atencion):
        force_login_verified(client, atencion)
        url = reverse("cases:consent", kwargs={"pk": case.pk})
        client.post(url, {"consentimiento-purpose": "comite_oic", "consentimiento-granted": "si"})
        response = client.post(
            url,
            {"consentimiento-purpose": "comite_oic", "consentimiento-granted": "no"},
            follow=True,
        )
        assert "Desde ahora no se comparte nada" in response.content.decode()
        assert not consent_in_force(case=case, purpose=ConsentPurpose.COMITE_OIC)

    def test_a_referral_decision_without_institution_is_explained(self, client, case, atencion):
        force_login_verified(client, atencion)
        response = client.post(
            reverse("cases:consent", kwargs={"pk": case.pk}),
            {"consentimiento-purpose": "canalizacion", "consentimiento-granted": "si"},
            follow=True,
        )
        assert "Elige la institución" in response.content.decode()

    def test_the_override_page_is_only_for_those_with_the_permission(
        self, client, case, coordinacion, outsider
    ):
        url = reverse("cases:consent_override", kwargs={"pk": case.pk})
        force_login_verified(client, coordinacion)
        assert client.get(url).status_code == 404
        grant_override_permission(coordinacion)
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"excepcion-purpose": "comite_oic", "excepcion-reason": "Corto"}
        )
        assert response.status_code == 400
        assert "Corto" in response.content.decode()
        client.logout()
        force_login_verified(client, outsider)
        assert client.get(url).status_code == 404

    def test_contact_page_saves_method_and_safe_times(self, client, case, atencion):
        force_login_verified(client, atencion)
        response = client.post(
            reverse("cases:contact", kwargs={"pk": case.pk}),
            {"contacto-method": "telefono", "contacto-safe_times": "Martes de 9 a 11"},
            follow=True,
        )
        assert "Martes de 9 a 11" in response.content.decode()


def test_a_referral_consent_records_what_she_agrees_to_share(case, atencion):
    from violeta.cases.models import SharedItem
    from violeta.cases.selectors import consent_scope

    cejum = Institution.objects.get(code="cejum")
    services.consent_record(
        actor=atencion,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=cejum,
        granted=True,
        scope=[SharedItem.RELATO, SharedItem.IDENTIDAD, SharedItem.RELATO],
    )
    # Once each, in the vocabulary's order.
    assert consent_scope(case=case, institution=cejum) == ["identidad", "relato"]
    assert AuditEntry.objects.filter(action="consent").latest("id").detail["scope"] == [
        "identidad",
        "relato",
    ]
    # A "no" shares nothing, whatever was ticked.
    services.consent_record(
        actor=atencion,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=cejum,
        granted=False,
        scope=[SharedItem.RELATO],
    )
    assert consent_scope(case=case, institution=cejum) is None
    assert case.consent_decisions.latest("decided_at").scope == []


@pytest.mark.parametrize(
    ("purpose", "scope", "problem"),
    [
        (ConsentPurpose.COMITE_OIC, ["relato"], "sólo al canalizar"),
        (ConsentPurpose.CANALIZACION, ["cuenta_bancaria"], "cuenta_bancaria"),
    ],
)
def test_a_scope_outside_a_referral_or_the_vocabulary_is_refused(
    case, atencion, purpose, scope, problem
):
    institution = (
        Institution.objects.get(code="cejum") if purpose == ConsentPurpose.CANALIZACION else None
    )
    with pytest.raises(ValidationError, match=problem):
        services.consent_record(
            actor=atencion,
            case=case,
            purpose=purpose,
            institution=institution,
            granted=True,
            scope=scope,
        )


def test_the_case_page_form_records_a_referral_scope(case, atencion, client):
    force_login_verified(client, atencion)
    cejum = Institution.objects.get(code="cejum")
    client.post(
        reverse("cases:consent", args=[case.pk]),
        {
            "consentimiento-purpose": "canalizacion",
            "consentimiento-institution": cejum.pk,
            "consentimiento-granted": "si",
            "consentimiento-scope": ["hechos"],
        },
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Los hechos clasificados" in page
