"""Intake rules: one transaction, the facts as told, the context derived from them."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.audit.verify import audit_verify
from violeta.cases import services
from violeta.cases.models import (
    AgeRange,
    Case,
    CaseParty,
    CaseViolenceModality,
    CaseViolenceType,
    Channel,
    ConsentDecision,
    ConsentPurpose,
    ContactMethod,
    ContactPreference,
    Hierarchy,
    Incident,
    PartyKind,
    Relationship,
    RepeatAccused,
)
from violeta.cases.selectors import case_reading, derived_context, repeat_accused_links
from violeta.cases.services import IncidentFacts, PartyFacts
from violeta.catalogs.models import Dependencia, Institution, ViolenceModality, ViolenceType
from violeta.notifications.models import Notification
from violeta.protocols.models import ProtocolVersion
from violeta.testing.factories import assign_to_affected
from violeta.testing.second_factor import force_login_verified


def a_type(code="psicologica", law="ledmvlv"):
    return (
        ViolenceType.objects.filter(law=law, code=code).first()
        or ViolenceType.objects.filter(law=law).order_by("position").first()
    )


def register(actor, **overrides):
    values = {
        "actor": actor,
        "dependencia": Dependencia.objects.get(pk=actor.dependencia_id),
        "account": "Lo que ella contó, una sola vez.",
        "affected": PartyFacts(display_name="Azucena"),
        "accused": [PartyFacts(display_name="Jefe de área")],
    }
    values.update(overrides)
    return services.case_register(**values).case


class TestRegistration:
    def test_everything_told_at_intake_is_recorded_together(self, catalogs, atencion):
        modality = ViolenceModality.objects.filter(law="ledmvlv")[0]
        case = register(
            atencion,
            channel=Channel.TELEFONO_072,
            affected=PartyFacts(
                display_name="Azucena",
                used_name="Azu",
                age=34,
                gender_identity="mujer_trans",
                language="tar",
                needs_interpreter=True,
                disabilities=["auditiva"],
                is_indigenous=True,
                indigenous_community="Rarámuri de Oteros",
                phone="614 123 4567",
            ),
            accused=[
                PartyFacts(
                    display_name="Jefe de área",
                    is_public_servant=True,
                    position="Jefe de departamento",
                    hierarchy=Hierarchy.SUPERIOR,
                ),
                PartyFacts(display_name="Compañero", relationship=Relationship.CONOCIDA),
            ],
            witnesses=[PartyFacts(display_name="Testigo uno")],
            incidents=[
                IncidentFacts(
                    violence_types=[a_type()],
                    violence_modalities=[modality],
                    occurred_on=datetime.date(2026, 11, 2),
                    place_kind="centro_de_trabajo",
                    place="Oficina del segundo piso",
                )
            ],
        )
        affected = case.parties.get(kind=PartyKind.AFECTADA)
        assert (affected.age_range, affected.used_name, affected.language) == ("", "Azu", "tar")
        assert affected.effective_age_range == AgeRange.FROM_30
        assert affected.disability_labels == ["Auditiva"]
        assert case.parties.filter(kind=PartyKind.SENALADA).count() == 2
        assert case.parties.filter(kind=PartyKind.TESTIGO).count() == 1
        incident = case.incidents.get()
        assert incident.place == "Oficina del segundo piso"
        assert list(incident.violence_modalities.all()) == [modality]
        assert case.channel == Channel.TELEFONO_072

    def test_names_places_and_the_account_are_stored_only_encrypted(self, catalogs, atencion):
        from django.db import connection

        register(
            atencion,
            incidents=[IncidentFacts(violence_types=[a_type()], place="Bodega del archivo")],
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT account FROM cases_case")  # the only case
            (account,) = cursor.fetchone()
            cursor.execute("SELECT display_name FROM cases_caseparty")
            names = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT place FROM cases_incident")
            places = [r[0] for r in cursor.fetchall()]
        assert "una sola vez" not in str(account)
        assert not any("Azucena" in str(n) for n in names)
        assert not any("Bodega" in str(p) for p in places)

    def test_a_canalizada_case_names_who_referred_it(self, catalogs, atencion):
        with pytest.raises(ValidationError, match="institución la canalizó"):
            register(atencion, channel=Channel.CANALIZADA)
        institution = Institution.objects.first()
        case = register(atencion, channel=Channel.CANALIZADA, referred_by=institution)
        assert case.referred_by == institution

    def test_age_and_age_range_must_agree(self, catalogs, atencion):
        with pytest.raises(ValidationError, match="no coinciden"):
            register(
                atencion, affected=PartyFacts(display_name="A", age=15, age_range=AgeRange.FROM_30)
            )
        assert not Case.objects.exists()

    def test_an_incident_needs_a_type_of_violence_and_no_future_date(self, catalogs, atencion):
        with pytest.raises(ValidationError, match="al menos un tipo"):
            register(atencion, incidents=[IncidentFacts(violence_types=[])])
        tomorrow = timezone.localdate() + datetime.timedelta(days=2)
        with pytest.raises(ValidationError, match="futura"):
            register(
                atencion, incidents=[IncidentFacts(violence_types=[a_type()], occurred_on=tomorrow)]
            )
        assert not Case.objects.exists()
        assert not Incident.objects.exists()

    def test_conditions_come_from_the_lists_and_the_catalog(self, catalogs, atencion):
        with pytest.raises(ValidationError, match="desconocida: telepatia"):
            register(atencion, affected=PartyFacts(display_name="A", disabilities=["telepatia"]))
        with pytest.raises(ValidationError, match="desconocida: no_existe"):
            register(
                atencion, affected=PartyFacts(display_name="A", vulnerable_groups=["no_existe"])
            )
        assert not Case.objects.exists()

    def test_a_case_needs_someone_accused(self, catalogs, atencion):
        with pytest.raises(ValidationError, match="al menos a una persona señalada"):
            register(atencion, accused=[])

    def test_consents_answered_at_intake_are_recorded(self, catalogs, atencion):
        case = register(
            atencion,
            consents={ConsentPurpose.COMITE_OIC: True, ConsentPurpose.ESTADISTICA: False},
        )
        decisions = dict(
            ConsentDecision.objects.filter(case=case).values_list("purpose", "granted")
        )
        assert decisions == {"comite_oic": True, "estadistica": False}

    def test_consents_and_how_to_contact_her_are_audited_in_the_order_given(self, catalogs, enlace):
        case = register(
            enlace,
            consents={ConsentPurpose.ATENCION: True, ConsentPurpose.ESTADISTICA: False},
            contact_method=ContactMethod.TELEFONO,
            contact_safe_times="Por las mañanas",
        )
        entries = list(AuditEntry.objects.filter(target_id=str(case.pk)).order_by("seq"))
        assert [(entry.action, entry.detail.get("purpose")) for entry in entries] == [
            ("create", None),
            ("consent", "atencion"),
            ("consent", "estadistica"),
            ("update", None),
        ]
        assert [entry.detail["granted"] for entry in entries[1:3]] == [True, False]
        assert ContactPreference.objects.get(case=case).safe_times == "Por las mañanas"
        assert audit_verify().ok

    def test_a_registrant_without_access_records_no_consent(self, catalogs, enlace, monkeypatch):
        # Were the enlace's access lost before her decisions are written, nothing is saved.
        monkeypatch.setattr(
            "violeta.cases.services.consent.case_reading",
            lambda **kwargs: type("Reading", (), {"act": False})(),
        )
        with pytest.raises(PermissionDenied):
            register(enlace, consents={ConsentPurpose.ATENCION: True})
        assert not Case.objects.exists()
        assert not AuditEntry.objects.filter(action="consent").exists()

    def test_the_case_is_classified_with_every_type_and_modality_of_its_incidents(
        self, catalogs, atencion
    ):
        types = list(ViolenceType.objects.filter(law="ledmvlv").order_by("position")[:3])
        modalities = list(ViolenceModality.objects.filter(law="ledmvlv")[:2])
        case = register(
            atencion,
            incidents=[
                IncidentFacts(violence_types=types[:2], violence_modalities=modalities[:1]),
                IncidentFacts(violence_types=types[1:], violence_modalities=modalities),
            ],
        )
        by_incident = {
            incident.pk: set(incident.violence_types.all()) for incident in case.incidents.all()
        }
        assert sorted(map(len, by_incident.values())) == [2, 2]
        assert set().union(*by_incident.values()) == set(types)
        assert set(
            CaseViolenceType.objects.filter(case=case).values_list("violence_type", flat=True)
        ) == {t.pk for t in types}
        assert set(
            CaseViolenceModality.objects.filter(case=case).values_list(
                "violence_modality", flat=True
            )
        ) == {m.pk for m in modalities}
        # What the incidents bring is what a later correction recomputes from them.
        from violeta.cases.receivers import case_violence_refresh

        case_violence_refresh(case_ids={case.pk})
        assert CaseViolenceType.objects.filter(case=case).count() == 3
        assert CaseViolenceModality.objects.filter(case=case).count() == 2

    def test_more_witnesses_and_incidents_cost_no_more_statements(self, catalogs, atencion):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        modality = ViolenceModality.objects.filter(law="ledmvlv")[0]
        kind = a_type()

        def statements(count):
            with CaptureQueriesContext(connection) as context:
                register(
                    atencion,
                    witnesses=[PartyFacts(display_name=f"Testigo {n}") for n in range(count)],
                    incidents=[
                        IncidentFacts(violence_types=[kind], violence_modalities=[modality])
                        for _n in range(count)
                    ],
                    consents={ConsentPurpose.ATENCION: True, ConsentPurpose.ESTADISTICA: True},
                )
            return [
                query["sql"]
                for query in context.captured_queries
                if "SAVEPOINT" not in query["sql"]
            ]

        statements(1)  # the first case ever also starts the audit chain and the year's folios
        one, three = statements(1), statements(3)
        assert len(one) == len(three), "\n".join(three)

    @pytest.mark.parametrize("registrant", ["atencion", "enlace", "coordinacion"])
    def test_her_access_to_the_new_case_is_answered_from_what_was_just_written(
        self, catalogs, registrant, request
    ):
        """Recording her consents asks what the registrant may do with the case: the intake
        answers from the people and the assignment it just wrote, and the answer is the one
        the database gives afterwards."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from violeta.cases.models import CaseAssignment
        from violeta.cases.selectors import readings_of_new_case

        actor = request.getfixturevalue(registrant)
        with CaptureQueriesContext(connection) as context:
            case = register(
                actor, consents={ConsentPurpose.ATENCION: True, ConsentPurpose.ESTADISTICA: True}
            )
        asked = [q["sql"] for q in context.captured_queries]
        assert not [sql for sql in asked if "cases_emergencyaccess" in sql]
        # One transaction without inner savepoints (the one pair is the intake's transaction
        # itself, a savepoint here because each test runs inside a transaction), and her
        # statistics written in it.
        assert len([sql for sql in asked if "SAVEPOINT" in sql]) == 2
        assert not [sql for sql in asked if "stats_pendingfact" in sql]
        assert ConsentDecision.objects.filter(case=case).count() == 2
        parties = list(case.parties.all())
        kind = (
            CaseAssignment.objects.filter(case=case, user=actor)
            .values_list("kind", flat=True)
            .first()
        )
        assert (kind is not None) == (registrant == "atencion")
        with readings_of_new_case(user=actor, case=case, parties=parties, assignment_kind=kind):
            in_hand = case_reading(user=actor, case=case)
        assert in_hand == case_reading(user=actor, case=case)
        assert in_hand.act

    def test_who_may_open_a_new_case_is_answered_as_the_database_answers(
        self, catalogs, atencion, enlace, coordinacion, autoridad
    ):
        """Where to send the registrant next is decided from what the intake has in hand;
        for anyone, that answer is the one ``cases_visible_to`` gives afterwards."""
        from violeta.accounts.roles import Role
        from violeta.cases.models import CaseAssignment
        from violeta.cases.selectors import cases_visible_to, new_case_visible_to
        from violeta.testing.factories import UserFactory

        other_enlace = UserFactory(role=Role.ENLACE, dependencia=enlace.dependencia)
        other_atencion = UserFactory(role=Role.ATENCION, specialty=atencion.specialty)
        registration = services.case_register(
            actor=enlace,
            dependencia=Dependencia.objects.get(pk=enlace.dependencia_id),
            account="Relato.",
            affected=PartyFacts(display_name="Azucena"),
            accused=[PartyFacts(display_name="Jefe", user=coordinacion)],
        )
        assert registration.registrant_may_open
        by_atencion = services.case_register(
            actor=atencion,
            dependencia=Dependencia.objects.get(pk=atencion.dependencia_id),
            account="Relato.",
            affected=PartyFacts(display_name="Rosa"),
            accused=[PartyFacts(display_name="Jefe")],
        )
        assert by_atencion.registrant_may_open
        answers = set()
        for registered in (registration, by_atencion):
            case = registered.case
            parties = list(case.parties.all())
            people: list[Any] = [
                enlace,
                other_enlace,
                atencion,
                other_atencion,
                coordinacion,
                autoridad,
            ]
            for user in people:
                kind = (
                    CaseAssignment.objects.filter(case=case, user_id=user.pk, ended_at__isnull=True)
                    .values_list("kind", flat=True)
                    .first()
                )
                in_hand = new_case_visible_to(
                    user=user, case=case, parties=parties, assignment_kind=kind
                )
                assert in_hand == cases_visible_to(user=user).filter(pk=case.pk).exists(), (
                    user.role,
                    case.registered_by.role,
                )
                answers.add(in_hand)
        assert answers == {True, False}  # both answers were put to the test

    def test_a_database_failure_saves_nothing_half_way(self, catalogs, atencion, monkeypatch):
        def fail(**kwargs):
            raise DatabaseError("disk I/O error")

        monkeypatch.setattr("violeta.cases.services.intake.run_start", fail)
        with pytest.raises(DatabaseError):
            register(atencion)
        assert not Case.objects.exists()
        assert not CaseParty.objects.exists()

    def test_the_form_keeps_everything_and_explains_a_database_failure(
        self, client, catalogs, atencion, monkeypatch
    ):
        from violeta.cases.tests.test_views import intake_data

        def fail(**kwargs):
            raise DatabaseError("disk I/O error")

        monkeypatch.setattr("violeta.cases.services.intake.run_start", fail)
        force_login_verified(client, atencion)
        dependencia = Dependencia.objects.get(code="dif_municipal")
        response = client.post(
            reverse("cases:register"),
            intake_data(
                dependencia=dependencia.pk,
                protocol=ProtocolVersion.objects.get(code="chihuahua-municipal").pk,
                account="Lo que me contó hoy.",
            ),
        )
        body = response.content.decode()
        assert response.status_code == 503
        assert "falla de la base de datos" in body
        assert "Lo que me contó hoy." in body
        assert not Case.objects.exists()


class TestAddingLater:
    def test_a_witness_and_an_incident_are_appended_never_replacing(self, catalogs, atencion):
        case = register(atencion)
        services.party_add(
            actor=atencion,
            case=case,
            kind=PartyKind.TESTIGO,
            facts=PartyFacts(display_name="Testigo dos"),
        )
        services.incident_add(
            actor=atencion, case=case, facts=IncidentFacts(violence_types=[a_type()])
        )
        assert case.parties.count() == 3
        assert case.incidents.count() == 1

    def test_a_second_persona_afectada_is_refused(self, catalogs, atencion):
        case = register(atencion)
        with pytest.raises(ValidationError):
            services.party_add(
                actor=atencion,
                case=case,
                kind=PartyKind.AFECTADA,
                facts=PartyFacts(display_name="Otra"),
            )

    def test_people_without_access_cannot_add(
        self, catalogs, atencion, coordinacion, autoridad, servidora, outsider
    ):
        case = register(atencion)
        for user in (autoridad, servidora, outsider):
            with pytest.raises(PermissionDenied):
                services.party_add(
                    actor=user,
                    case=case,
                    kind=PartyKind.TESTIGO,
                    facts=PartyFacts(display_name="X"),
                )
            with pytest.raises(PermissionDenied):
                services.incident_add(
                    actor=user, case=case, facts=IncidentFacts(violence_types=[a_type()])
                )

    def test_a_staff_member_added_as_a_party_loses_her_assignment(
        self, catalogs, enlace, coordinacion, atencion
    ):
        case = register(enlace)
        assign_to_affected(case, by=coordinacion, worker=atencion)
        services.party_add(
            actor=coordinacion,
            case=case,
            kind=PartyKind.TESTIGO,
            facts=PartyFacts(display_name="La psicóloga", user=atencion),
        )
        assert case_reading(user=atencion, case=case).account is False


class TestDerivedContext:
    def test_hierarchy_between_two_public_servants_is_hostigamiento(self, catalogs, atencion):
        case = register(
            atencion,
            affected=PartyFacts(display_name="A", is_public_servant=True),
            accused=[
                PartyFacts(display_name="B", is_public_servant=True, hierarchy=Hierarchy.SUPERIOR)
            ],
        )
        case.refresh_from_db()
        assert (case.is_workplace, case.is_hierarchical) == (True, True)
        assert [flag.code for flag in derived_context(case=case)] == [
            "ambito_laboral",
            "jerarquico",
        ]

    def test_peers_at_work_are_acoso_not_hostigamiento(self, catalogs, atencion):
        case = register(
            atencion,
            affected=PartyFacts(display_name="A", is_public_servant=True),
            accused=[PartyFacts(display_name="B", is_public_servant=True, hierarchy=Hierarchy.PAR)],
        )
        case.refresh_from_db()
        assert [flag.code for flag in derived_context(case=case)] == [
            "ambito_laboral",
            "sin_subordinacion",
        ]

    def test_partner_and_minor_are_derived_from_relationship_and_age(self, catalogs, atencion):
        case = register(
            atencion,
            affected=PartyFacts(display_name="A", age_range=AgeRange.FROM_12),
            accused=[PartyFacts(display_name="B", relationship=Relationship.EXPAREJA)],
        )
        case.refresh_from_db()
        assert (case.is_intimate_partner, case.is_minor_victim, case.is_workplace) == (
            True,
            True,
            False,
        )

    def test_adding_a_person_recomputes_the_context(self, catalogs, atencion):
        case = register(atencion)
        services.party_add(
            actor=atencion,
            case=case,
            kind=PartyKind.SENALADA,
            facts=PartyFacts(display_name="C", relationship=Relationship.PAREJA),
        )
        case.refresh_from_db()
        assert case.is_intimate_partner


class TestRepeatAccused:
    def test_the_same_accused_in_another_case_alerts_coordinacion_only(
        self, catalogs, atencion, coordinacion, enlace, django_capture_on_commit_callbacks
    ):
        first = register(
            atencion, accused=[PartyFacts(display_name="Jefe", curp="GOMJ800101HCHRRN09")]
        )
        with django_capture_on_commit_callbacks(execute=True):
            second = register(
                atencion,
                accused=[PartyFacts(display_name="Otro nombre", curp="gomj800101hchrrn09")],
            )
        link = RepeatAccused.objects.get()
        assert (link.party.case, link.other.case, link.basis) == (second, first, "curp")
        notified = Notification.objects.filter(kind="repeat_accused")
        assert {n.recipient for n in notified} == {coordinacion}
        assert {n.folio for n in notified} == {second.folio}
        assert [item.folio for item in repeat_accused_links(user=coordinacion, case=second)] == [
            first.folio
        ]
        assert [item.folio for item in repeat_accused_links(user=coordinacion, case=first)] == [
            second.folio
        ]
        for user in (atencion, enlace):
            assert repeat_accused_links(user=user, case=second) == []

    def test_an_exact_name_match_is_flagged_as_possibly_another_person(
        self, catalogs, atencion, coordinacion
    ):
        register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        second = register(atencion, accused=[PartyFacts(display_name="  juan  PEREZ ")])
        links = repeat_accused_links(user=coordinacion, case=second)
        assert len(links) == 1
        assert "puede ser otra persona" in links[0].basis

    def test_the_search_reads_keys_only_never_a_name_or_the_other_case(self, catalogs, atencion):
        first = register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        with CaptureQueriesContext(connection) as captured:
            second = register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        searches = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith("SELECT") and '"cases_caseparty"."name_bidx" =' in q["sql"]
        ]
        assert len(searches) == 1
        assert "display_name" not in searches[0]
        assert '"cases_case"' not in searches[0]
        link = RepeatAccused.objects.get()
        assert (link.party.case, link.other.case, link.basis) == (second, first, "nombre")

    def test_different_people_are_not_linked(self, catalogs, atencion):
        register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        register(atencion, accused=[PartyFacts(display_name="Pedro Ruiz")])
        assert not RepeatAccused.objects.exists()

    def test_the_alert_shows_on_the_case_page_for_coordinacion_only(
        self, client, catalogs, atencion, coordinacion
    ):
        register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        second = register(atencion, accused=[PartyFacts(display_name="Juan Pérez")])
        url = reverse("cases:detail", kwargs={"pk": second.pk})
        force_login_verified(client, coordinacion)
        assert "aparece en otros casos" in client.get(url).content.decode()
        client.logout()
        force_login_verified(client, atencion)
        assert "aparece en otros casos" not in client.get(url).content.decode()
