"""The optional ``closure`` block: reasons and checklist for closing a case, validated like the
rest of the file (every problem names the line and the field)."""

import pytest

from violeta.protocols.loader import parse_protocol_file
from violeta.protocols.tests.test_definitions import VALID, edited, line_of, problems_in, write

CLOSURE = """\
closure:
  reasons:
    - code: atencion_concluida
      label: {es: Atención concluida, en: Attention concluded}
    - code: decidio_no_continuar
      label: {es: Ella decidió no continuar, en: She decided not to continue}
  checklist:
    - code: sabe_volver_a_pedir_ayuda
      label:
        es: Se le informó cómo volver a pedir ayuda
        en: She was told how to ask for help again
"""


def with_closure(closure: str = CLOSURE) -> str:
    return VALID + closure


def test_a_protocol_without_a_closure_block_is_valid(tmp_path):
    protocol, _sha256 = parse_protocol_file(write(tmp_path, VALID))
    assert protocol.closure is None


def test_the_closure_block_gives_reasons_and_checklist_in_both_languages(tmp_path):
    protocol, _sha256 = parse_protocol_file(write(tmp_path, with_closure()))
    assert protocol.closure is not None
    assert [reason.code for reason in protocol.closure.reasons] == [
        "atencion_concluida",
        "decidio_no_continuar",
    ]
    [item] = protocol.closure.checklist
    assert (item.code, item.label.text("es"), item.label.text("en")) == (
        "sabe_volver_a_pedir_ayuda",
        "Se le informó cómo volver a pedir ayuda",
        "She was told how to ask for help again",
    )


def test_a_closure_block_may_have_no_checklist(tmp_path):
    text = with_closure(CLOSURE.split("  checklist:\n")[0])
    protocol, _sha256 = parse_protocol_file(write(tmp_path, text))
    assert protocol.closure is not None
    assert protocol.closure.checklist == []


def test_a_duplicate_closure_reason_names_the_reasons_field(tmp_path):
    text = with_closure(edited("code: decidio_no_continuar", "code: atencion_concluida", CLOSURE))
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  reasons:')}: closure.reasons: "
        "duplicate code 'atencion_concluida'"
    ]


def test_a_duplicate_closure_checklist_item_names_the_checklist_field(tmp_path):
    closure = CLOSURE + (
        "    - code: sabe_volver_a_pedir_ayuda\n      label: {es: Otra vez, en: Again}\n"
    )
    text = with_closure(closure)
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  checklist:')}: closure.checklist: "
        "duplicate code 'sabe_volver_a_pedir_ayuda'"
    ]


def test_a_closure_block_without_reasons_is_rejected(tmp_path):
    text = with_closure("closure:\n  reasons: []\n")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  reasons: []')}: closure.reasons: "
        "List should have at least 1 item after validation, not 0"
    ]


def test_the_reopening_code_cannot_be_a_closure_reason(tmp_path):
    text = with_closure(edited("code: decidio_no_continuar", "code: reapertura", CLOSURE))
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  reasons:')}: closure.reasons: "
        "'reapertura' is reserved for reopening a case"
    ]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("code: atencion_concluida", "code: Atención", "closure.reasons.0.code"),
        (
            "      label: {es: Atención concluida, en: Attention concluded}\n",
            "",
            "closure.reasons.0.label",
        ),
        (
            "es: Se le informó cómo volver a pedir ayuda\n",
            "es: ''\n",
            "closure.checklist.0.label.es",
        ),
    ],
    ids=["bad-code", "missing-label", "empty-spanish-label"],
)
def test_a_bad_closure_entry_names_its_field(tmp_path, old, new, field):
    text = with_closure(edited(old, new, CLOSURE))
    [problem] = problems_in(write(tmp_path, text))
    assert problem.startswith("prueba.yaml: line ")
    assert f": {field}: " in problem


def test_an_unknown_key_in_the_closure_block_is_rejected_at_its_line(tmp_path):
    text = with_closure(CLOSURE + "  colour: violeta\n")
    assert problems_in(write(tmp_path, text)) == [
        f"prueba.yaml: line {line_of(text, '  colour: violeta')}: closure.colour: "
        "Extra inputs are not permitted"
    ]
