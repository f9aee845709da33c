"""Encrypted fields on real models, against the real database."""

import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from violeta.cases.models import Case, CaseNote, CaseParty, PartyKind
from violeta.crypto.blind_index import blind_index
from violeta.crypto.envelope import DecryptionError
from violeta.crypto.fields import Ciphertext
from violeta.crypto.models import DataKey
from violeta.crypto.services import data_key_shred
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db

SECRET_ACCOUNT = "Me amenazó en la oficina 3B el martes"
SECRET_NAME = "Guadalupe Quiñones Terrazas"
SECRET_PHONE = "614 555 0199"


@pytest.fixture
def case(atencion):
    case = make_case(registered_by=atencion, account=SECRET_ACCOUNT, affected=SECRET_NAME)
    party = case.parties.get(kind=PartyKind.AFECTADA)
    party.phone = SECRET_PHONE
    party.save()
    return case


def all_database_text() -> str:
    """Every value of every table, as the database file holds it."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_database_holds_no_narrative_name_or_phone_in_clear(case):
    text = all_database_text()
    for secret in (SECRET_ACCOUNT, "oficina 3B", SECRET_NAME, "Quiñones", "555 0199", "5550199"):
        assert secret not in text


def test_values_round_trip_through_the_database(case):
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.account == SECRET_ACCOUNT
    party = CaseParty.objects.get(case=case, kind=PartyKind.AFECTADA)
    assert party.display_name == SECRET_NAME
    assert party.phone == SECRET_PHONE


def test_every_record_has_its_own_data_key(case):
    keys = {case.data_key_id, *case.parties.values_list("data_key_id", flat=True)}
    assert len(keys) == 3
    assert DataKey.objects.filter(pk__in=keys).count() == 3


def test_a_ciphertext_copied_into_another_row_does_not_decrypt(case, atencion):
    other = make_case(registered_by=atencion, account="Otro relato")
    stolen = Case.objects.filter(pk=case.pk).values_list("account", flat=True).get()
    Case.objects.filter(pk=other.pk).update(account=stolen)
    with pytest.raises(DecryptionError):
        _ = Case.objects.get(pk=other.pk).account


def test_a_data_key_swapped_between_rows_does_not_open(case, atencion):
    other = make_case(registered_by=atencion, account="Otro relato")
    mine = DataKey.objects.get(pk=case.data_key_id)
    DataKey.objects.filter(pk=other.data_key_id).update(wrapped=mine.wrapped, kek_id=mine.kek_id)
    from violeta.crypto.keys import KeyUnavailable

    with pytest.raises(KeyUnavailable):
        _ = Case.objects.get(pk=other.pk).account


def test_generic_serialisation_sees_only_ciphertext(case):
    fresh = Case.objects.get(pk=case.pk)
    field = Case._meta.get_field("account")
    assert isinstance(field.value_from_object(fresh), Ciphertext)
    assert repr(field.value_from_object(fresh)) == "<ciphertext>"
    assert SECRET_ACCOUNT not in repr(Case.objects.filter(pk=case.pk).values("account").get())


def test_dumpdata_contains_no_plaintext(case, tmp_path):
    output = tmp_path / "dump.json"
    call_command("dumpdata", "cases", output=str(output))
    dumped = output.read_text(encoding="utf-8")
    assert SECRET_ACCOUNT not in dumped
    assert SECRET_NAME not in json.dumps(json.loads(dumped), ensure_ascii=False)


def test_encrypted_columns_refuse_lookups(case):
    with pytest.raises(TypeError, match="blind index"):
        list(Case.objects.filter(**{"account": SECRET_ACCOUNT}))
    with pytest.raises(TypeError, match="blind index"):
        list(Case.objects.filter(**{"account__icontains": "3B"}))
    assert Case.objects.filter(account__isnull=False).count() == 1


def test_blind_indexes_find_people_without_decrypting(case):
    by_name = CaseParty.objects.filter(name_bidx=blind_index("name", "guadalupe quinones terrazas"))
    by_phone = CaseParty.objects.filter(phone_bidx=blind_index("phone", "+52 614-555-0199"))
    assert list(by_name.values_list("case_id", flat=True)) == [case.pk]
    assert list(by_phone.values_list("case_id", flat=True)) == [case.pk]


def test_blind_index_follows_an_update(case):
    party = CaseParty.objects.get(case=case, kind=PartyKind.AFECTADA)
    party.display_name = "Otra Persona"
    party.save()
    assert not CaseParty.objects.filter(name_bidx=blind_index("name", SECRET_NAME)).exists()
    assert CaseParty.objects.filter(name_bidx=blind_index("name", "otra persona")).exists()


def test_saving_without_touching_a_field_keeps_its_ciphertext(case):
    before = Case.objects.filter(pk=case.pk).values_list("account", flat=True).get()
    fresh = Case.objects.get(pk=case.pk)
    fresh.status = "cerrado"
    fresh.save()
    after = Case.objects.filter(pk=case.pk).values_list("account", flat=True).get()
    assert after == before


def test_crypto_shredding_makes_content_unrecoverable(case, atencion):
    note = CaseNote.objects.create(case=case, author=atencion, body="Nota confidencial")
    data_key_shred(data_key=case.data_key)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.is_shredded is True
    assert fresh.account is None
    assert bytes(DataKey.objects.get(pk=case.data_key_id).wrapped) == b""
    # Other records keep their own keys.
    assert CaseNote.objects.get(pk=note.pk).body == "Nota confidencial"


def test_a_shredded_record_cannot_be_given_new_content(case):
    party = CaseParty.objects.get(case=case, kind=PartyKind.AFECTADA)
    assert party.data_key is not None
    data_key_shred(data_key=party.data_key)
    fresh = CaseParty.objects.get(pk=party.pk)
    fresh.display_name = "nuevo"
    with pytest.raises(DecryptionError, match="destroyed"):
        fresh.save()


def test_bulk_create_needs_data_keys_assigned_first(atencion):
    from violeta.crypto.services import data_keys_assign

    notes_case = make_case(registered_by=atencion)
    notes = [CaseNote(case=notes_case, author=atencion, body=f"nota {i}") for i in range(3)]
    with pytest.raises(DecryptionError, match="data_keys_assign"), transaction.atomic():
        CaseNote.objects.bulk_create(notes)
    data_keys_assign(notes)
    CaseNote.objects.bulk_create(notes)
    assert sorted(n.body for n in CaseNote.objects.filter(case=notes_case)) == [
        "nota 0",
        "nota 1",
        "nota 2",
    ]


def test_a_blind_index_without_its_own_index_says_so_in_migrations():
    """Indexed by default; one left to a composite index (the party's, with the case) keeps
    ``db_index=False`` through deconstruction, so migrations see the change."""
    from violeta.crypto.fields import BlindIndexField

    indexed = BlindIndexField(source="display_name", kind="name")
    plain = BlindIndexField(source="display_name", kind="name", db_index=False)
    assert "db_index" not in indexed.deconstruct()[3]
    assert plain.deconstruct()[3]["db_index"] is False
    rebuilt = BlindIndexField(*plain.deconstruct()[2], **plain.deconstruct()[3])
    assert rebuilt.deconstruct()[3]["db_index"] is False
    assert CaseParty._meta.get_field("name_bidx").deconstruct()[3]["db_index"] is False
    assert any(index.fields == ["name_bidx", "case"] for index in CaseParty._meta.indexes)
