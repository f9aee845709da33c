import itertools
from io import StringIO

import pytest
from django.core.management import call_command

from violeta.protocols.loader import DATA_DIR, default_files, parse_protocol_file
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.schema import Protocol
from violeta.protocols.selectors_definitions import protocol_version_get, protocols_current
from violeta.protocols.services_definitions import protocol_definition, protocol_versions_load

pytestmark = pytest.mark.django_db

CHIHUAHUA = DATA_DIR / "chihuahua-municipal.yaml"
HSAS = DATA_DIR / "hsas-federal.yaml"


def parsed(path) -> Protocol:
    protocol, _sha256 = parse_protocol_file(path)
    return protocol


def test_the_shipped_protocols_are_the_default_files():
    assert default_files() == [CHIHUAHUA, HSAS]


def test_the_shipped_files_validate():
    assert (parsed(CHIHUAHUA).code, parsed(CHIHUAHUA).version) == ("chihuahua-municipal", "2021.2")
    assert (parsed(HSAS).code, parsed(HSAS).version) == ("hsas-federal", "2020.2")


def test_the_shipped_protocols_load_and_loading_again_changes_nothing():
    first = protocol_versions_load()
    assert (first.created, first.unchanged) == (2, 0)
    before = list(ProtocolVersion.objects.order_by("pk").values_list())
    again = protocol_versions_load()
    assert (again.created, again.unchanged) == (0, 2)
    assert list(ProtocolVersion.objects.order_by("pk").values_list()) == before
    assert [version.code for version in protocols_current()] == [
        "chihuahua-municipal",
        "hsas-federal",
    ]


def test_the_loaded_definitions_read_back_as_the_files():
    protocol_versions_load()
    version = protocol_version_get(code="chihuahua-municipal", version="2021.2")
    assert protocol_definition(version) == parsed(CHIHUAHUA)
    assert version.source_file == "chihuahua-municipal.yaml"


def test_check_protocol_accepts_the_shipped_files():
    out = StringIO()
    call_command("check_protocol", str(CHIHUAHUA), str(HSAS), stdout=out)
    assert out.getvalue().splitlines() == [
        f"{CHIHUAHUA}: OK (chihuahua-municipal 2021.2, 10 stages, 12 transitions)",
        f"{HSAS}: OK (hsas-federal 2020.2, 9 stages, 10 transitions)",
    ]


@pytest.mark.parametrize("path", [CHIHUAHUA, HSAS], ids=["chihuahua", "hsas"])
def test_every_name_and_label_has_an_english_translation(path):
    protocol = parsed(path)
    names = [stage.name for stage in protocol.stages]
    names += [transition.name for transition in protocol.transitions]
    names += [item.label for t in protocol.transitions for item in t.requires.checklist]
    names += [effect.label for t in protocol.transitions for effect in t.effects if effect.label]
    assert protocol.closure is not None
    names += [reason.label for reason in protocol.closure.reasons]
    names += [item.label for item in protocol.closure.checklist]
    assert [name.es for name in names if not name.en] == []


# Closing a case (configurable default in both files)


@pytest.mark.parametrize("path", [CHIHUAHUA, HSAS], ids=["chihuahua", "hsas"])
def test_both_protocols_carry_the_default_closure_reasons_and_checklist(path):
    closure = parsed(path).closure
    assert closure is not None
    assert [reason.code for reason in closure.reasons] == [
        "atencion_concluida",
        "decidio_no_continuar",
        "canalizada_atendida",
        "no_localizada",
        "procedimiento_concluido",
    ]
    assert [item.code for item in closure.checklist] == [
        "sabe_volver_a_pedir_ayuda",
        "plan_de_seguridad_revisado",
        "canalizaciones_con_resultado",
        "consentimiento_estadistica_preguntado",
    ]
    assert closure.reasons[1].label.es == "Ella decidió no continuar"


@pytest.mark.parametrize("path", [CHIHUAHUA, HSAS], ids=["chihuahua", "hsas"])
def test_the_closure_block_is_marked_as_a_configurable_default(path):
    text = path.read_text(encoding="utf-8")
    comment = text[: text.index("\nclosure:")].rsplit("\n\n", 1)[-1]
    assert "configurable default" in comment


# Chihuahua (DOMAIN 1)


def test_chihuahua_follows_the_imm_flow():
    protocol = parsed(CHIHUAHUA)
    assert protocol.initial == "solicitud"
    assert [(t.source, t.target) for t in protocol.transitions[:7]] == [
        ("solicitud", "registro"),
        ("registro", "sesion_comite"),
        ("sesion_comite", "no_activacion"),
        ("sesion_comite", "activacion"),
        ("activacion", "investigacion"),
        ("activacion", "seguimiento"),
        ("investigacion", "resolucion"),
    ]
    assert {t.code for t in protocol.outgoing("resolucion")} == {
        "sancion_administrativa",
        "no_responsabilidad",
    }
    assert [t.target for t in protocol.outgoing("seguimiento")] == ["cierre"]
    assert {stage.code for stage in protocol.stages if stage.final} == {
        "no_activacion",
        "cierre",
        "solicitud_retirada",
    }


def test_chihuahua_comite_meets_within_24_hours_of_the_registration():
    protocol = parsed(CHIHUAHUA)
    deadline = protocol.stage("sesion_comite").deadline
    assert deadline is not None
    assert (deadline.amount, deadline.unit, deadline.from_event) == (
        24,
        "hours",
        "solicitud_registrada",
    )
    assert not deadline.configurable_default
    assert "solicitud_registrada" in protocol.transition("registrar_formato_unico").emits
    assert protocol.stage("sesion_comite").responsible == ["coordinacion", "autoridad"]


def test_chihuahua_comite_session_needs_her_account_and_her_consent():
    requires = parsed(CHIHUAHUA).transition("turnar_al_comite").requires
    assert requires.facts == ["account_recorded", "consent_comite"]


def test_chihuahua_not_activating_is_closed_with_reasons():
    protocol = parsed(CHIHUAHUA)
    assert protocol.transition("no_activar").reason_required
    assert protocol.stage("no_activacion").final


def test_chihuahua_activation_needs_the_measures_voted():
    checklist = parsed(CHIHUAHUA).transition("activar_protocolo").requires.checklist
    assert [item.code for item in checklist] == ["medidas_votadas"]
    assert checklist[0].label.es == "Medidas de protección votadas por mayoría o unanimidad"


def test_chihuahua_investigation_term_is_a_configurable_default():
    protocol = parsed(CHIHUAHUA)
    deadline = protocol.stage("investigacion").deadline
    assert deadline is not None
    assert deadline.configurable_default
    assert protocol.stage("investigacion").responsible == ["autoridad"]
    checklist = protocol.transition("concluir_investigacion").requires.checklist
    assert [item.code for item in checklist] == ["pruebas_persona_senalada"]


def test_chihuahua_every_resolution_records_the_vista_al_ministerio_publico():
    protocol = parsed(CHIHUAHUA)
    task = protocol.transition("concluir_investigacion").effects[0]
    assert (task.kind, task.role, task.code) == ("task", "autoridad", "vista_ministerio_publico")
    assert [
        [item.code for item in t.requires.checklist] for t in protocol.outgoing("resolucion")
    ] == [["vista_mp_valorada"], ["vista_mp_valorada"]]


# Federal HSAS (DOMAIN 2)


def test_hsas_denuncia_is_turned_within_3_business_days():
    protocol = parsed(HSAS)
    deadline = protocol.stage("turno").deadline
    assert deadline is not None
    assert (deadline.amount, deadline.unit, deadline.legal_basis) == (
        3,
        "business_days",
        "DOF 03-01-2020, persona consejera",
    )
    assert protocol.stage("primer_contacto").responsible == ["enlace"]


def test_hsas_runs_from_first_contact_to_conclusion_or_stops_without_a_denuncia():
    protocol = parsed(HSAS)
    main_line = [
        "primer_contacto",
        "registro",
        "turno",
        "medidas_proteccion",
        "investigacion",
        "resolucion",
        "seguimiento",
        "conclusion",
    ]
    forward = {(t.source, t.target) for t in protocol.transitions}
    assert set(itertools.pairwise(main_line)) <= forward
    assert {t.source for t in protocol.transitions if t.target == "orientacion_concluida"} == {
        "primer_contacto",
        "registro",
    }
