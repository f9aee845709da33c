"""Guidelines for groups in vulnerable conditions, and the duty to report, as rules over facts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from violeta.cases import services
from violeta.cases.guidelines import RulesFileError, case_facts, rules, rules_firing, rules_parse
from violeta.cases.models import AgeRange, GuidelineCheck, GuidelineStatus
from violeta.cases.services import IncidentFacts, PartyFacts
from violeta.catalogs.models import Dependencia, ViolenceModality, ViolenceType
from violeta.protocols.services import TransitionRefused, run_for, steps_for, transition_take
from violeta.testing.second_factor import force_login_verified


def types(*codes, law="ledmvlv"):
    return list(ViolenceType.objects.filter(law=law, code__in=codes))


def register(actor, *, affected=None, incidents=None, accused=None):
    return services.case_register(
        actor=actor,
        dependencia=Dependencia.objects.get(pk=actor.dependencia_id),
        account="Lo que ella contó.",
        affected=affected or PartyFacts(display_name="Azucena"),
        accused=accused or [PartyFacts(display_name="Señalado")],
        incidents=incidents if incidents is not None else [IncidentFacts(types("psicologica"))],
    ).case


# Ten realistic vignettes: who she is and what happened -> the guidelines that must fire.
VIGNETTES = [
    (
        "adult public servant, psychological harassment by a peer",
        {"age": 34},
        ["psicologica"],
        set(),
    ),
    (
        "a 14-year-old intern touched by her supervisor",
        {"age": 14},
        ["sexual"],
        {"nna_procuraduria", "nna_fiscalia", "nna_representante", "deber_denunciar"},
    ),
    (
        "a 10-year-old girl in a municipal day-care, hit",
        {"age_range": AgeRange.UNDER_12},
        ["fisica"],
        {
            "nna_procuraduria",
            "nna_fiscalia",
            "nna_representante",
            "nna_ordenes_representante",
            "deber_denunciar",
        },
    ),
    (
        "a Rarámuri woman who prefers her language",
        {"age": 40, "language": "tar"},
        ["economica"],
        {"interprete_lengua"},
    ),
    (
        "a deaf woman who signs",
        {"age": 28, "language": "mfs", "disabilities": ["auditiva"]},
        ["psicologica"],
        {"interprete_senas", "ajustes_discapacidad"},
    ),
    (
        "a trans woman insulted at the counter",
        {"age": 25, "gender_identity": "mujer_trans", "used_name": "Valeria"},
        ["psicologica"],
        {"lgbti_nombre"},
    ),
    (
        "a migrant worker who speaks English, threatened with deportation",
        {"age": 31, "language": "en", "vulnerable_groups": ["personas_migrantes"]},
        ["psicologica"],
        {"interprete_otra_lengua", "migrante_sin_consecuencias"},
    ),
    (
        "a pregnant employee pushed on the stairs",
        {"age": 29, "vulnerable_groups": ["mujeres_embarazadas"]},
        ["fisica"],
        {"embarazo_nom046", "deber_denunciar"},
    ),
    (
        "an older woman whose pension the accused keeps",
        {"age": 72},
        ["patrimonial"],
        {"adulta_mayor_consentimiento"},
    ),
    (
        "an adult raped by a colleague",
        {"age": 27},
        ["sexual", "psicologica"],
        {"deber_denunciar"},
    ),
    (
        "an indigenous woman who speaks Spanish, with a psychosocial disability",
        {"age": 45, "is_indigenous": True, "disabilities": ["psicosocial"]},
        ["psicologica"],
        {"interprete_lengua", "ajustes_discapacidad"},
    ),
]


@pytest.mark.parametrize(
    ("story", "her", "violence", "expected"), VIGNETTES, ids=[v[0] for v in VIGNETTES]
)
def test_each_guideline_fires_on_its_facts_and_stays_silent_otherwise(
    catalogs, atencion, story, her, violence, expected
):
    case = register(
        atencion,
        affected=PartyFacts(display_name="Ella", **her),
        incidents=[IncidentFacts(types(*violence))],
    )
    assert {rule.code for rule in rules_firing(case=case)} == expected
    assert set(case.guideline_checks.values_list("code", flat=True)) == expected


def test_a_feminicide_attempt_as_modality_is_a_probable_crime(catalogs, atencion):
    modality = ViolenceModality.objects.filter(law="ledmvlv", code="feminicida")[0]
    case = register(
        atencion,
        incidents=[IncidentFacts(types("psicologica"), violence_modalities=[modality])],
    )
    assert "posible_delito" in case_facts(case=case)
    # The intake, which classifies from what it was told, agrees with the facts read back.
    assert "deber_denunciar" in set(case.guideline_checks.values_list("code", flat=True))


def test_a_later_incident_brings_the_duty_to_report(catalogs, atencion):
    case = register(atencion)
    assert not case.guideline_checks.exists()
    services.incident_add(actor=atencion, case=case, facts=IncidentFacts(types("sexual")))
    assert list(case.guideline_checks.values_list("code", flat=True)) == ["deber_denunciar"]


def test_a_corrected_age_withdraws_only_the_pending_items(catalogs, atencion):
    case = register(atencion, affected=PartyFacts(display_name="Ella", age_range=AgeRange.FROM_12))
    services.guideline_resolve(
        actor=atencion,
        case=case,
        code="nna_procuraduria",
        status=GuidelineStatus.DONE,
        note="Oficio DIF-123 entregado.",
    )
    case.parties.filter(kind="persona_afectada").update(age_range=AgeRange.FROM_18)
    services.context_refresh(case=case)
    assert set(case.guideline_checks.values_list("code", flat=True)) == {"nna_procuraduria"}


class TestBlockingTheProtocol:
    def test_a_case_with_a_14_year_old_cannot_advance_until_the_procuraduria_item_is_resolved(
        self, catalogs, atencion
    ):
        case = register(atencion, affected=PartyFacts(display_name="Ella", age=14))
        run = run_for(case)
        assert run is not None
        step = next(
            s for s in steps_for(run=run, user=atencion) if s.transition.code != "retirar_solicitud"
        )
        assert any("Procuraduría de Protección" in item for item in step.missing)
        with pytest.raises(TransitionRefused, match="Procuraduría de Protección"):
            transition_take(run=run, code=step.transition.code, actor=atencion)
        for code in ("nna_procuraduria", "nna_fiscalia", "nna_representante"):
            services.guideline_resolve(
                actor=atencion,
                case=case,
                code=code,
                status=GuidelineStatus.DONE,
                note="Se hizo hoy, constancia en el expediente.",
            )
        run.refresh_from_db()
        step = next(s for s in steps_for(run=run, user=atencion) if s.transition == step.transition)
        assert not any("Lineamiento" in item for item in step.missing)

    def test_a_withdrawal_is_never_held_back_by_guidelines(self, catalogs, atencion):
        case = register(atencion, affected=PartyFacts(display_name="Ella", age=14))
        run = run_for(case)
        assert run is not None
        withdrawal = next(
            s for s in steps_for(run=run, user=atencion) if s.transition.code == "retirar_solicitud"
        )
        assert withdrawal.missing == []

    def test_a_non_blocking_guideline_does_not_hold_the_protocol(self, catalogs, atencion):
        case = register(atencion, affected=PartyFacts(display_name="Ella", age=72))
        run = run_for(case)
        assert run is not None
        assert all(
            not any("Lineamiento" in m for m in s.missing)
            for s in steps_for(run=run, user=atencion)
        )


class TestResolving:
    def test_done_records_who_when_and_what(self, catalogs, atencion):
        case = register(atencion, incidents=[IncidentFacts(types("sexual"))])
        check = services.guideline_resolve(
            actor=atencion,
            case=case,
            code="deber_denunciar",
            status=GuidelineStatus.DONE,
            note="Oficio 45/2026 a la FEM.",
        )
        assert (check.resolved_by, check.note) == (atencion, "Oficio 45/2026 a la FEM.")
        assert check.resolved_at is not None

    def test_not_applicable_needs_a_reason(self, catalogs, atencion):
        case = register(atencion, incidents=[IncidentFacts(types("sexual"))])
        with pytest.raises(ValidationError, match="por qué no aplica"):
            services.guideline_resolve(
                actor=atencion,
                case=case,
                code="deber_denunciar",
                status=GuidelineStatus.NOT_APPLICABLE,
                note="No.",
            )
        assert GuidelineCheck.objects.get(case=case).status == GuidelineStatus.PENDING

    def test_an_item_is_resolved_once(self, catalogs, atencion):
        case = register(atencion, incidents=[IncidentFacts(types("sexual"))])
        services.guideline_resolve(
            actor=atencion, case=case, code="deber_denunciar", status=GuidelineStatus.DONE
        )
        with pytest.raises(ValidationError, match="ya estaba resuelto"):
            services.guideline_resolve(
                actor=atencion, case=case, code="deber_denunciar", status=GuidelineStatus.DONE
            )

    def test_only_the_people_responsible_resolve(
        self, catalogs, atencion, autoridad, servidora, outsider
    ):
        case = register(atencion, incidents=[IncidentFacts(types("sexual"))])
        for user in (autoridad, servidora, outsider):
            with pytest.raises(PermissionDenied):
                services.guideline_resolve(
                    actor=user, case=case, code="deber_denunciar", status=GuidelineStatus.DONE
                )


class TestRulesFile:
    def test_the_shipped_rules_load(self):
        assert len(rules().rules) >= 13

    def test_an_unknown_fact_is_named(self):
        text = (
            'version: "1"\nrules:\n  - code: x\n    when: [astrologia]\n    blocks: true\n'
            "    label: {es: X}\n    basis: Y\n"
        )
        with pytest.raises(RulesFileError, match=r"rules\.0\.when\.0"):
            rules_parse(text)

    def test_duplicate_codes_are_refused(self):
        rule = (
            "  - code: x\n    when: [menor]\n    blocks: true\n    label: {es: X}\n    basis: Y\n"
        )
        with pytest.raises(RulesFileError, match="duplicate code x"):
            rules_parse('version: "1"\nrules:\n' + rule + rule)


class TestPages:
    def test_the_case_page_lists_guidelines_and_resolves_one_keeping_the_typed_reason(
        self, client, catalogs, atencion
    ):
        case = register(atencion, incidents=[IncidentFacts(types("sexual"))])
        force_login_verified(client, atencion)
        detail = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
        assert "LEDMVLV art. 12-i" in detail
        url = reverse("cases:guideline_resolve", kwargs={"pk": case.pk, "code": "deber_denunciar"})
        refused = client.post(url, {"lineamiento-status": "no_aplica", "lineamiento-note": "Corto"})
        assert refused.status_code == 400
        assert "Corto" in refused.content.decode()
        done = client.post(
            url,
            {"lineamiento-status": "cumplido", "lineamiento-note": "Oficio 12 a la FEM"},
            follow=True,
        )
        assert "Lineamiento resuelto." in done.content.decode()
        assert client.get(url).status_code == 404  # nothing pending any more

    def test_intake_refuses_to_take_the_account_without_an_interpreter(
        self, client, catalogs, atencion
    ):
        from violeta.cases.tests.test_views import intake_data
        from violeta.protocols.models import ProtocolVersion

        force_login_verified(client, atencion)
        data = intake_data(
            dependencia=Dependencia.objects.get(code="dif_municipal").pk,
            protocol=ProtocolVersion.objects.get(code="chihuahua-municipal").pk,
            **{"afectada-language": "tar", "account": "Relato en su lengua."},
        )
        response = client.post(reverse("cases:register"), data)
        assert response.status_code == 400
        assert "Consigue intérprete" in response.content.decode()
        assert "Relato en su lengua." in response.content.decode()
        data["interpreter_confirmed"] = "on"
        assert client.post(reverse("cases:register"), data).status_code == 302


def test_the_name_she_uses_is_the_one_shown_on_the_case_and_the_timeline(
    client, catalogs, atencion
):
    case = register(
        atencion,
        affected=PartyFacts(
            display_name="Nombre Registrado", used_name="Valeria", gender_identity="mujer_trans"
        ),
    )
    force_login_verified(client, atencion)
    detail = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "Persona afectada: Valeria" in detail
    timeline = client.get(reverse("cases:timeline", kwargs={"pk": case.pk})).content.decode()
    assert "Persona afectada, Valeria" in timeline
    assert "Nombre Registrado" not in timeline
