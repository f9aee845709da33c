import pytest

from violeta.catalogs.models import Dependencia
from violeta.catalogs.selectors import dependencia_chain, same_chain

pytestmark = pytest.mark.django_db


def _set_parent(code: str, parent: str) -> None:
    Dependencia.objects.filter(code=code).update(parent=parent)


def test_a_chain_runs_from_a_unit_to_the_top(catalogs):
    _set_parent("instituto_cultura", "desarrollo_humano_educacion")
    _set_parent("desarrollo_humano_educacion", "secretaria_ayuntamiento")
    assert dependencia_chain("instituto_cultura") == [
        "instituto_cultura",
        "desarrollo_humano_educacion",
        "secretaria_ayuntamiento",
    ]


def test_same_chain_is_the_same_unit_or_one_above_the_other(catalogs):
    _set_parent("instituto_cultura", "desarrollo_humano_educacion")
    assert same_chain("instituto_cultura", "instituto_cultura")
    assert same_chain("instituto_cultura", "desarrollo_humano_educacion")
    assert same_chain("desarrollo_humano_educacion", "instituto_cultura")
    # Siblings under one head are not one chain of command.
    _set_parent("cultura_fisica_deporte", "desarrollo_humano_educacion")
    assert not same_chain("instituto_cultura", "cultura_fisica_deporte")
    assert not same_chain("instituto_cultura", "")


def test_a_cycle_in_the_data_does_not_loop(catalogs):
    _set_parent("tesoreria", "oficialia_mayor")
    _set_parent("oficialia_mayor", "tesoreria")
    assert dependencia_chain("tesoreria") == ["tesoreria", "oficialia_mayor"]
