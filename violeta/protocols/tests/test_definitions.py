import datetime
import hashlib
import textwrap
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.audit.models import AuditEntry
from violeta.protocols.loader import ProtocolFileError, parse_protocol_file
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.schema import Protocol
from violeta.protocols.selectors_definitions import protocol_version_get, protocols_current
from violeta.protocols.services_definitions import protocol_definition, protocol_versions_load

pytestmark = pytest.mark.django_db

VALID = """\
code: prueba
version: "1"
name: {es: Protocolo de prueba, en: Test protocol}
source: Fuente de prueba
effective_date: 2024-01-01
catalogs: [lgamvlv]
initial: solicitud
stages:
  - code: solicitud
    name: {es: Solicitud}
    responsible: [atencion]
  - code: comite
    name: {es: Comité}
    deadline:
      amount: 24
      unit: hours
      from: entered:comite
  - code: cierre
    name: {es: Cierre}
    final: true
transitions:
  - code: registrar
    name: {es: Registrar}
    from: solicitud
    to: comite
    roles: [atencion]
    emits: [registrada]
  - code: cerrar
    name: {es: Cerrar}
    from: comite
    to: cierre
    roles: [autoridad]
"""


def write(tmp_path: Path, text: str, name: str = "prueba.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def edited(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def problems_in(path: Path) -> list[str]:
    with pytest.raises(ProtocolFileError) as caught:
        parse_protocol_file(path)
    return caught.value.problems


# Reading and validating one file


def test_a_valid_file_gives_the_protocol_and_the_sha256_of_its_bytes(tmp_path):
    path = write(tmp_path, VALID)
    protocol, sha256 = parse_protocol_file(path)
    assert (protocol.code, protocol.version) == ("prueba", "1")
    assert [stage.code for stage in protocol.stages] == ["solicitud", "comite", "cierre"]
    assert protocol.transition("registrar").target == "comite"
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_missing_field_names_file_line_and_field(tmp_path):
    text = edited("    name: {es: Comité}\n", "")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  - code: comite')}: stages.1.name: Field required"
    ]


def test_a_wrong_deadline_unit_names_the_line_of_the_unit(tmp_path):
    text = edited("      unit: hours", "      unit: days")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '      unit: days')}: stages.1.deadline.unit: "
        "Input should be 'hours', 'business_days' or 'calendar_days'"
    ]


def test_an_extra_key_is_rejected_at_its_line(tmp_path):
    text = edited("    responsible: [atencion]\n", "    responsible: [atencion]\n    color: rojo\n")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '    color: rojo')}: stages.0.color: "
        "Extra inputs are not permitted"
    ]


def test_every_field_problem_of_a_file_is_reported_at_once(tmp_path):
    text = edited("      unit: hours", "      unit: days")
    text = edited("    roles: [autoridad]", "    roles: [autoridad, jueza]", text)
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '      unit: days')}: stages.1.deadline.unit: "
        "Input should be 'hours', 'business_days' or 'calendar_days'",
        f"prueba.yaml: line {line_of(text, '    roles: [autoridad, jueza]')}: "
        "transitions.1.roles.1: Input should be 'servidora', 'atencion', 'enlace', "
        "'coordinacion', 'autoridad' or 'administracion'",
    ]


def test_an_unquoted_version_read_as_a_number_is_rejected(tmp_path):
    text = edited('version: "1"', "version: 2021.1")
    assert problems_in(write(tmp_path, text)) == [
        "prueba.yaml: line 2: version: Input should be a valid string"
    ]


def test_an_unknown_stage_in_a_transition_points_at_its_from(tmp_path):
    text = edited("    from: solicitud", "    from: solicitu")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '    from: solicitu')}: transitions.0.from: "
        "transition registrar: from: unknown stage 'solicitu'"
    ]


def test_an_unknown_target_stage_points_at_its_to(tmp_path):
    text = edited("    to: cierre", "    to: archivo")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '    to: archivo')}: transitions.1.to: "
        "transition cerrar: to: unknown stage 'archivo'"
    ]


def test_a_duplicate_stage_code_points_at_the_second_one(tmp_path):
    text = edited(
        "    final: true\n", "    final: true\n  - code: comite\n    name: {es: Otro comité}\n"
    )
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  - code: comite') + 9}: stages.3.code: "
        "duplicate code 'comite'"
    ]


def test_an_unreachable_stage_is_named_at_its_entry(tmp_path):
    text = edited(
        "    final: true\n",
        "    final: true\n  - code: archivo\n    name: {es: Archivo}\n    final: true\n",
    )
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  - code: archivo')}: stages.3: "
        "unreachable from 'solicitud': ['archivo']"
    ]


def test_a_deadline_from_an_unknown_event_points_at_its_from(tmp_path):
    text = edited("      from: entered:comite", "      from: comite_convocado")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '      from: comite_convocado')}: "
        "stages.1.deadline.from: stage comite: deadline.from: unknown event 'comite_convocado'"
    ]


def test_a_deadline_may_count_from_an_event_a_transition_emits(tmp_path):
    text = edited("      from: entered:comite", "      from: registrada")
    protocol, _sha256 = parse_protocol_file(write(tmp_path, text))
    deadline = protocol.stage("comite").deadline
    assert deadline is not None
    assert deadline.from_event == "registrada"


def test_a_task_deadline_from_an_unknown_event_points_at_the_effect(tmp_path):
    text = edited(
        "    emits: [registrada]\n",
        "    emits: [registrada]\n"
        "    effects:\n"
        "      - kind: task\n"
        "        role: autoridad\n"
        "        code: convocar\n"
        "        label: {es: Convocar}\n"
        "        deadline: {amount: 1, unit: hours, from: convocada}\n",
    )
    line = line_of(text, "        deadline: {amount: 1, unit: hours, from: convocada}")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line}: transitions.0.effects.0.deadline.from: transition "
        "registrar: effect deadline.from: unknown event 'convocada'"
    ]


def test_a_protocol_without_a_final_stage_points_at_stages(tmp_path):
    text = edited("    final: true\n", "")
    text = edited("  - code: cerrar\n", "  - code: volver\n", text)
    text = edited("    to: cierre", "    to: solicitud", text)
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, 'stages:')}: stages: at least one stage must be final"
    ]


def test_an_invalid_task_names_the_effect(tmp_path):
    text = edited(
        "    emits: [registrada]\n",
        "    emits: [registrada]\n    effects:\n      - kind: task\n        role: autoridad\n",
    )
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '      - kind: task')}: transitions.0.effects.0: "
        "a task needs code and label"
    ]


def test_a_yaml_syntax_error_gives_the_parser_line(tmp_path):
    text = edited("    to: comite\n", "    to: comite: ya\n")
    [problem] = problems_in(write(tmp_path, text))
    assert problem.startswith(
        f"prueba.yaml: line {line_of(text, '    to: comite: ya')}: not valid YAML: "
    )
    assert (
        "mapping values are not allowed" in problem
    )  # "here" (PyYAML), "in this context" (libyaml)


def test_a_duplicate_yaml_key_is_not_silently_dropped(tmp_path):
    text = edited("    roles: [autoridad]\n", "    roles: [autoridad]\n    roles: [coordinacion]\n")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '    roles: [coordinacion]')}: transitions.1.roles: "
        f"duplicate key (also at line {line_of(text, '    roles: [autoridad]')}; "
        "only the last one would count)"
    ]


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path):
    assert problems_in(write(tmp_path, "- solicitud\n- cierre\n")) == [
        "prueba.yaml: line 1: (file): must be a mapping with code, version, name, source, "
        "effective_date, catalogs, initial, stages and transitions"
    ]


def test_an_empty_file_is_rejected(tmp_path):
    assert problems_in(write(tmp_path, "")) == [
        "prueba.yaml: line 1: (file): must be a mapping with code, version, name, source, "
        "effective_date, catalogs, initial, stages and transitions"
    ]


def test_a_missing_file_is_reported_by_name(tmp_path):
    assert problems_in(tmp_path / "nada.yaml") == [
        "nada.yaml: cannot be read (No such file or directory)"
    ]


def test_a_file_that_is_not_utf8_gives_the_line(tmp_path):
    path = tmp_path / "prueba.yaml"
    path.write_bytes(VALID.replace("Comité", "Comit\xe9").encode("latin-1"))
    assert problems_in(path) == [
        f"prueba.yaml: line {line_of(VALID, '    name: {es: Comité}')}: is not UTF-8 text "
        f"(byte {VALID.encode('latin-1').index(b'Comit') + 6})"
    ]


# Loading versions


def snapshot() -> list[tuple]:
    return list(ProtocolVersion.objects.order_by("pk").values_list())


def test_loading_stores_the_definition_with_its_yaml_field_names(tmp_path):
    path = write(tmp_path, VALID)
    report = protocol_versions_load(paths=[path])
    assert (report.created, report.unchanged, report.files) == (1, 0, ["prueba.yaml"])
    version = protocol_version_get(code="prueba", version="1")
    assert version.name == "Protocolo de prueba"
    assert version.source_file == "prueba.yaml"
    assert version.effective_date == datetime.date(2024, 1, 1)
    assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert version.definition["transitions"][0]["from"] == "solicitud"
    assert version.definition["transitions"][0]["to"] == "comite"
    assert version.definition["stages"][1]["deadline"]["from"] == "entered:comite"


def test_loading_a_version_is_audited(tmp_path):
    protocol_versions_load(paths=[write(tmp_path, VALID)])
    version = protocol_version_get(code="prueba", version="1")
    entry = AuditEntry.objects.get(action="create", target_id=str(version.pk))
    assert entry.detail == {"code": "prueba", "version": "1", "sha256": version.sha256}


def test_loading_twice_changes_nothing(tmp_path):
    path = write(tmp_path, VALID)
    protocol_versions_load(paths=[path])
    before = snapshot()
    report = protocol_versions_load(paths=[path])
    assert (report.created, report.unchanged) == (0, 1)
    assert snapshot() == before


def test_changed_content_under_the_same_version_is_refused_and_nothing_loads(tmp_path):
    protocol_versions_load(paths=[write(tmp_path, VALID)])
    before = snapshot()
    changed = write(tmp_path, edited("amount: 24", "amount: 48"))
    other = write(tmp_path, edited("code: prueba", "code: otro"), name="otro.yaml")
    with pytest.raises(ProtocolFileError) as caught:
        protocol_versions_load(paths=[other, changed])
    assert caught.value.problems == [
        "prueba.yaml: bump the version: version 1 of code prueba is already loaded with other "
        "content; loaded versions are never changed because cases run on them"
    ]
    assert snapshot() == before


def test_a_new_version_is_added_and_the_old_one_kept(tmp_path):
    protocol_versions_load(paths=[write(tmp_path, VALID)])
    text = edited('version: "1"', 'version: "2"', edited("amount: 24", "amount: 48"))
    report = protocol_versions_load(paths=[write(tmp_path, text)])
    assert (report.created, report.unchanged) == (1, 0)
    assert sorted(ProtocolVersion.objects.values_list("code", "version")) == [
        ("prueba", "1"),
        ("prueba", "2"),
    ]
    old = protocol_definition(protocol_version_get(code="prueba", version="1"))
    new = protocol_definition(protocol_version_get(code="prueba", version="2"))
    assert [
        stage.deadline.amount
        for stage in (old.stage("comite"), new.stage("comite"))
        if stage.deadline
    ] == [24, 48]


def test_the_same_version_in_two_files_is_refused(tmp_path):
    first = write(tmp_path, VALID)
    second = write(tmp_path, VALID, name="copia.yaml")
    with pytest.raises(ProtocolFileError) as caught:
        protocol_versions_load(paths=[first, second])
    assert caught.value.problems == [
        "copia.yaml: version 1 of code prueba is also defined in prueba.yaml"
    ]
    assert not ProtocolVersion.objects.exists()


def test_a_bad_file_loads_nothing_from_the_good_ones(tmp_path):
    good = write(tmp_path, VALID)
    bad = write(tmp_path, edited("      unit: hours", "      unit: days"), name="mala.yaml")
    with pytest.raises(ProtocolFileError) as caught:
        protocol_versions_load(paths=[good, bad])
    assert [problem.split(":")[0] for problem in caught.value.problems] == ["mala.yaml"]
    assert not ProtocolVersion.objects.exists()


def test_the_stored_definition_reads_back_as_the_parsed_protocol(tmp_path):
    path = write(tmp_path, VALID)
    protocol_versions_load(paths=[path])
    version = protocol_version_get(code="prueba", version="1")
    parsed, _sha256 = parse_protocol_file(path)
    definition = protocol_definition(version)
    assert isinstance(definition, Protocol)
    assert definition == parsed


def test_the_parsed_definition_is_cached_per_version(tmp_path):
    protocol_versions_load(paths=[write(tmp_path, VALID)])
    first = protocol_definition(protocol_version_get(code="prueba", version="1"))
    again = protocol_definition(protocol_version_get(code="prueba", version="1"))
    assert again is first


# Which version is current


def load_version(tmp_path: Path, version: str, effective: str) -> None:
    text = edited('version: "1"', f'version: "{version}"')
    text = edited("effective_date: 2024-01-01", f"effective_date: {effective}", text)
    protocol_versions_load(paths=[write(tmp_path, text, name=f"prueba-{version}.yaml")])


def current_on(day: datetime.date) -> list[tuple[str, str]]:
    return [(version.code, version.version) for version in protocols_current(on=day)]


def test_protocols_current_picks_the_newest_version_in_effect_on_the_day(tmp_path):
    load_version(tmp_path, "2025", "2025-01-01")
    load_version(tmp_path, "2024", "2024-01-01")
    other = edited("code: prueba", "code: otro")
    protocol_versions_load(paths=[write(tmp_path, other, name="otro.yaml")])
    assert current_on(datetime.date(2023, 12, 31)) == []
    assert current_on(datetime.date(2024, 6, 1)) == [("otro", "1"), ("prueba", "2024")]
    assert current_on(datetime.date(2025, 1, 1)) == [("otro", "1"), ("prueba", "2025")]


def test_between_versions_effective_the_same_day_the_last_loaded_wins(tmp_path):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)):
        load_version(tmp_path, "b", "2024-01-01")
    with time_machine.travel(datetime.datetime(2024, 3, 2, 12, tzinfo=datetime.UTC)):
        load_version(tmp_path, "a", "2024-01-01")
    assert current_on(datetime.date(2024, 6, 1)) == [("prueba", "a")]


def test_protocols_current_defaults_to_today(tmp_path):
    load_version(tmp_path, "2024", "2024-01-01")
    load_version(tmp_path, "2030", "2030-01-01")
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)):
        assert [version.version for version in protocols_current()] == ["2024"]


def test_getting_a_version_never_loaded_raises(tmp_path):
    with pytest.raises(ProtocolVersion.DoesNotExist):
        protocol_version_get(code="prueba", version="1")


# Commands


def test_check_protocol_prints_ok_for_each_good_file(tmp_path):
    path = write(tmp_path, VALID)
    out = StringIO()
    call_command("check_protocol", str(path), stdout=out)
    assert out.getvalue() == f"{path}: OK (prueba 1, 3 stages, 2 transitions)\n"
    assert not ProtocolVersion.objects.exists()


def test_check_protocol_prints_problems_and_fails_if_any_file_is_bad(tmp_path):
    good = write(tmp_path, VALID)
    text = edited("      unit: hours", "      unit: days")
    bad = write(tmp_path, text, name="mala.yaml")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"1 of 2 protocol file\(s\) have problems"):
        call_command("check_protocol", str(good), str(bad), stdout=out, stderr=err)
    assert out.getvalue() == f"{good}: OK (prueba 1, 3 stages, 2 transitions)\n"
    assert err.getvalue() == (
        f"mala.yaml: line {line_of(text, '      unit: days')}: stages.1.deadline.unit: "
        "Input should be 'hours', 'business_days' or 'calendar_days'\n"
    )


def test_load_protocols_prints_counts(tmp_path):
    path = write(tmp_path, VALID)
    out = StringIO()
    call_command("load_protocols", str(path), stdout=out)
    call_command("load_protocols", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "Protocols: 1 file(s); 1 created, 0 unchanged.",
        "Protocols: 1 file(s); 0 created, 1 unchanged.",
    ]


def test_load_protocols_fails_with_the_problems_and_loads_nothing(tmp_path):
    protocol_versions_load(paths=[write(tmp_path, VALID)])
    changed = write(tmp_path, edited("amount: 24", "amount: 48"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_protocols", str(changed), stderr=err)
    assert "prueba.yaml: bump the version: version 1 of code prueba" in err.getvalue()
    assert ProtocolVersion.objects.get().definition["stages"][1]["deadline"]["amount"] == 24
