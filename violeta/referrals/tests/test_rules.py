"""Recommendation rules over realistic vignettes: each recommendation, and its reason."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from violeta.cases.models import AgeRange, Relationship
from violeta.detection.models import RiskAssessment
from violeta.referrals import rules
from violeta.referrals.models import ReferralWishes, Residence, Wish
from violeta.referrals.selectors import recommendations_for

from .conftest import add_incident, set_accused, set_affected

pytestmark = pytest.mark.django_db


def _by_code(user: Any, case: Any) -> dict[str, Any]:
    return {rec.code: rec for rec in recommendations_for(user=user, case=case)}


def _wishes(case: Any, user: Any, *, denuncia: str, residence: str = Residence.MUNICIPIO) -> None:
    ReferralWishes.objects.create(
        case=case, wants_denuncia=denuncia, residence=residence, recorded_by=user
    )


def _risk(case: Any, user: Any, level: str) -> None:
    RiskAssessment.objects.create(
        case=case,
        assessed_by=user,
        answers={},
        score=0,
        computed_level=level,
        level=level,
        instrument_code="tamizaje-riesgo-violeta",
        instrument_version="test",
    )


def test_a_girl_is_referred_to_the_procuraduria_and_the_fiscalia_as_mandatory(
    handled_case: Any, atencion: Any
) -> None:
    """Vignette: a 15-year-old harassed by a relative. Both referrals are mandatory, each with
    its own reason and basis, whatever she wishes."""
    set_affected(handled_case, age=15)
    set_accused(handled_case, relationship=Relationship.FAMILIAR)
    add_incident(handled_case, types=["psicologica"], modalities=["familiar"])
    _wishes(handled_case, atencion, denuncia=Wish.NO)

    found = _by_code(atencion, handled_case)

    procuraduria, fiscalia = found["nna_procuraduria"], found["nna_fiscalia"]
    assert procuraduria.mandatory and fiscalia.mandatory
    assert procuraduria.institution.code == "dif_estatal_pnna"
    assert fiscalia.institution.code == "fem"
    assert "Procuraduría de Protección" in procuraduria.reason
    assert "Ministerio Público" in fiscalia.reason
    assert procuraduria.facts == ["es niña o adolescente"]
    assert "LGDNNA" in procuraduria.basis and "12-i" in fiscalia.basis
    # Mandatory ones come first; her "no" to a denuncia does not remove the Fiscalía.
    assert [rec.mandatory for rec in recommendations_for(user=atencion, case=handled_case)][:2] == [
        True,
        True,
    ]
    # Adult-only rules do not fire for a girl.
    assert "denuncia_fiscalia" not in found
    assert "asesoria_sin_denuncia" not in found


def test_an_age_range_alone_makes_her_a_minor(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=None, age_range=AgeRange.FROM_12)
    assert {"nna_procuraduria", "nna_fiscalia"} <= set(_by_code(atencion, handled_case))


def test_an_adult_who_wants_to_report_a_crime_is_offered_the_fiscalia_as_her_choice(
    handled_case: Any, atencion: Any
) -> None:
    """Vignette: a 34-year-old beaten by her ex-partner; she wants to file a complaint."""
    set_affected(handled_case, age=34)
    set_accused(handled_case, relationship=Relationship.EXPAREJA)
    add_incident(handled_case, types=["fisica"], modalities=["familiar"])
    _wishes(handled_case, atencion, denuncia=Wish.SI)

    found = _by_code(atencion, handled_case)

    denuncia = found["denuncia_fiscalia"]
    assert not denuncia.mandatory
    assert denuncia.institution.code == "fem"
    assert denuncia.facts == ["los hechos pueden ser un delito", "ella quiere denunciar"]
    assert "victima_ceave" in found
    assert "nna_fiscalia" not in found
    assert "asesoria_sin_denuncia" not in found


def test_an_adult_who_does_not_want_to_report_gets_legal_advice_instead(
    handled_case: Any, atencion: Any
) -> None:
    set_affected(handled_case, age=40)
    add_incident(handled_case, types=["fisica"], modalities=["familiar"])
    _wishes(handled_case, atencion, denuncia=Wish.NO_SABE)

    found = _by_code(atencion, handled_case)

    assert "denuncia_fiscalia" not in found
    advice = found["asesoria_sin_denuncia"]
    assert advice.institution.code == "cejum"
    assert advice.facts == ["los hechos pueden ser un delito", "ella aún no decide si denunciar"]


def test_high_risk_recommends_the_justice_centre_urgently(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=29)
    add_incident(handled_case, types=["psicologica"], modalities=["familiar"])
    _risk(handled_case, atencion, "medio")
    assert "riesgo_alto_cejum" not in _by_code(atencion, handled_case)

    _risk(handled_case, atencion, "extremo")
    rec = _by_code(atencion, handled_case)["riesgo_alto_cejum"]
    assert rec.urgent and not rec.mandatory
    assert rec.service == "refugio"
    assert rec.facts == ["el riesgo valorado es alto o extremo"]


def test_recent_sexual_violence_recommends_nom046_care_within_120_hours(
    handled_case: Any, atencion: Any
) -> None:
    set_affected(handled_case, age=22)
    today = timezone.localdate()
    add_incident(handled_case, types=["sexual"], occurred_on=today - datetime.timedelta(days=2))
    rec = _by_code(atencion, handled_case)["sexual_reciente_salud"]
    assert rec.urgent
    assert rec.institution.code == "servicios_salud_nom046"
    assert "NOM-046" in rec.basis


def test_sexual_violence_long_ago_is_not_urgent_health_care(
    handled_case: Any, atencion: Any
) -> None:
    set_affected(handled_case, age=22)
    add_incident(
        handled_case,
        types=["sexual"],
        occurred_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    found = _by_code(atencion, handled_case)
    assert "sexual_reciente_salud" not in found
    assert "victima_ceave" in found  # still a possible crime


def test_workplace_violence_by_a_public_servant_goes_to_the_state_labour_unit(
    handled_case: Any, atencion: Any
) -> None:
    """Vignette: a municipal employee harassed by her boss, also a public servant."""
    set_affected(handled_case, age=31, is_public_servant=True)
    set_accused(handled_case, is_public_servant=True)
    add_incident(handled_case, types=["psicologica"], modalities=["laboral_docente"])
    rec = _by_code(atencion, handled_case)["laboral_cavim"]
    assert rec.institution.code == "ichmujeres_cavim"
    assert rec.facts == [
        "ocurrió en el ámbito laboral",
        "la persona señalada es servidora pública",
        "modalidad Laboral y docente",
    ]


def test_where_she_lives_changes_the_recommendation(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=45)
    _wishes(handled_case, atencion, denuncia=Wish.NO, residence=Residence.MUNICIPIO)
    assert "fuera_municipio_cavim" not in _by_code(atencion, handled_case)
    _wishes(handled_case, atencion, denuncia=Wish.NO, residence=Residence.OTRO_MUNICIPIO)
    rec = _by_code(atencion, handled_case)["fuera_municipio_cavim"]
    assert rec.facts == ["vive fuera del municipio"]


def test_institutional_and_vicarious_violence(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=38)
    add_incident(handled_case, types=["vicaria"], modalities=["institucional"])
    found = _by_code(atencion, handled_case)
    assert found["institucional_cedh"].institution.code == "cedh"
    vicaria = found["vicaria_dif"]
    assert vicaria.institution.code == "dif_municipal"
    assert vicaria.facts == ["violencia A través de interpósita persona (vicaria)"]


def test_nothing_is_recommended_without_facts(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=50)
    assert recommendations_for(user=atencion, case=handled_case) == []


def test_people_who_may_not_see_referrals_get_no_recommendations(
    handled_case: Any, autoridad: Any, servidora: Any, enlace: Any
) -> None:
    set_affected(handled_case, age=15)
    for user in (autoridad, servidora, enlace):
        assert recommendations_for(user=user, case=handled_case) == []


def test_every_rule_names_an_institution_of_the_directory_that_offers_the_service(
    catalogs: None,
) -> None:
    from .conftest import institution

    for rule in rules.rules().rules:
        found = institution(rule.institution)
        assert rule.service in found.handles, rule.code


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "version: '1'\nrules:\n- {code: a, when: [no_such_fact], institution: fem, "
            "service: denuncia, mandatory: true, reason: {es: x}, basis: y}",
            "unknown fact no_such_fact",
        ),
        (
            "version: '1'\nrules:\n- {code: a, when: [menor], institution: fem, "
            "service: cocina, mandatory: true, reason: {es: x}, basis: y}",
            "cocina is not a service",
        ),
        (
            "version: '1'\nrules:\n- {code: a, when: [], institution: fem, "
            "service: denuncia, mandatory: true, reason: {es: x}, basis: y}",
            "at least one fact",
        ),
        (
            "version: '1'\nrules:\n"
            "- {code: a, when: [menor], institution: fem, service: denuncia, mandatory: true, "
            "reason: {es: x}, basis: y}\n"
            "- {code: a, when: [menor], institution: fem, service: denuncia, mandatory: true, "
            "reason: {es: x}, basis: y}",
            "duplicate code a",
        ),
        (
            "version: '1'\nrules:\n- {code: a, when: [menor], institution: fem, "
            "service: denuncia, mandatory: true, reason: {es: x}, basis: y, guideline: nada}",
            "nada is not a guideline rule",
        ),
    ],
)
def test_a_bad_rules_file_is_refused_with_the_problem_named(text: str, problem: str) -> None:
    with pytest.raises(rules.RulesFileError, match=problem):
        rules.rules_parse(text)


def test_rule_conditions_all_any_unless() -> None:
    rule = rules.rules_parse(
        "version: '1'\nrules:\n- {code: a, when: [posible_delito], any: [duda_denunciar, "
        "no_quiere_denunciar], unless: [menor], institution: cejum, "
        "service: asesoria_juridica, mandatory: false, reason: {es: x}, basis: y}"
    ).rules[0]
    assert rule.holds({"posible_delito", "duda_denunciar"})
    assert not rule.holds({"posible_delito"})
    assert not rule.holds({"posible_delito", "duda_denunciar", "menor"})
    assert rule.facts_met({"posible_delito", "no_quiere_denunciar"}) == [
        "posible_delito",
        "no_quiere_denunciar",
    ]
