import datetime
from decimal import Decimal

import pytest

from violeta.audit.models import AuditAction, AuditEntry
from violeta.audit.services import audit_record, detail_validate

pytestmark = pytest.mark.django_db

NARRATIVE = (
    "La denunciante refiere que su jefe inmediato la ha acosado desde marzo en la oficina "
    "de la dirección y que teme represalias si lo reporta."
)


def test_codes_field_names_numbers_flags_and_lists_of_them_are_kept_as_given():
    detail = {
        "fields": ["status", "assigned_to"],
        "kind": AuditAction.ASSIGN,
        "user": 7,
        "urgent": True,
        "previous": None,
    }
    entry = audit_record(action=AuditAction.UPDATE, detail=detail)
    assert AuditEntry.objects.get(pk=entry.pk).detail == {
        "fields": ["status", "assigned_to"],
        "kind": "assign",
        "user": 7,
        "urgent": True,
        "previous": None,
    }


@pytest.mark.parametrize(
    "detail",
    [
        pytest.param({"reason": NARRATIVE}, id="narrative longer than 120 characters"),
        pytest.param({"note": "Vive en\nCalle 5 #12"}, id="multi-line text"),
        pytest.param({"party": {"name": "Ana"}}, id="nested mapping"),
        pytest.param({"fields": [["status"]]}, id="nested list"),
        pytest.param({"fields": ["x"] * 51}, id="list of more than 50 items"),
        pytest.param({"amount": 1.5}, id="float"),
        pytest.param({"amount": Decimal("1.5")}, id="decimal"),
        pytest.param({"when": datetime.date(2025, 1, 1)}, id="date"),
        pytest.param({"file": b"%PDF-1.7"}, id="bytes"),
        pytest.param({"Nombre de la víctima": True}, id="key that is not an identifier"),
        pytest.param({7: "seven"}, id="key that is not a string"),
        pytest.param(["status"], id="not a mapping"),
    ],
)
def test_anything_that_could_carry_case_content_is_refused(detail):
    with pytest.raises(ValueError):
        audit_record(action=AuditAction.UPDATE, detail=detail)
    assert not AuditEntry.objects.exists()


def test_a_model_instance_in_detail_is_refused(servidora):
    with pytest.raises(ValueError, match="User"):
        detail_validate({"who": servidora})


def test_refusal_messages_name_the_key_but_never_echo_the_value():
    with pytest.raises(ValueError) as excinfo:
        detail_validate({"reason": NARRATIVE})
    assert "reason" in str(excinfo.value)
    assert "acosado" not in str(excinfo.value)


def test_text_of_exactly_120_characters_is_accepted():
    assert detail_validate({"code": "x" * 120}) == {"code": "x" * 120}
