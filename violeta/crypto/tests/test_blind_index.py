import pytest

from violeta.crypto.blind_index import blind_index


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("name", "María José  López", "maria jose lopez"),
        ("name", "Ramírez-Ñúñez", "ramirez nunez"),
        ("phone", "+52 (614) 123-4567", "6141234567"),
        ("phone", "52 614 123 4567", "614.123.4567"),
        ("curp", "gode561231hdfrrn09", " GODE561231HDFRRN09 "),
        ("employee_number", "emp-00123", "EMP 00123"),
        ("email", "Ana@Chihuahua.gob.mx ", "ana@chihuahua.gob.mx"),
    ],
)
def test_equivalent_values_share_an_index(kind, a, b):
    assert blind_index(kind, a) == blind_index(kind, b)
    assert len(blind_index(kind, a)) == 32


def test_kinds_are_separated():
    assert blind_index("phone", "6141234567") != blind_index("employee_number", "6141234567")


def test_different_values_differ_and_empty_is_empty():
    assert blind_index("name", "Ana") != blind_index("name", "Anabel")
    assert blind_index("name", "  ") == ""
    assert blind_index("phone", None) == ""


def test_the_index_depends_on_the_secret_key(settings):
    import json

    from violeta.crypto.keys import new_keyring

    before = blind_index("name", "Ana")
    settings.VIOLETA_KEYRING = json.dumps(new_keyring())
    assert blind_index("name", "Ana") != before


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="Unknown blind-index kind"):
        blind_index("color", "violeta")
