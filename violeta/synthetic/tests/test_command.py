"""The command's guard: it never writes into a database that holds real cases by mistake."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management.base import CommandError

from violeta.cases.models import Case
from violeta.synthetic.tests.conftest import generate
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


def test_refuses_a_database_with_real_cases(catalogs: None, atencion: Any, frozen: Any) -> None:
    make_case(registered_by=atencion)
    with pytest.raises(CommandError, match="casos que no son sintéticos"):
        generate(cases=5)
    assert Case.objects.count() == 1
    generate(cases=5, force=True)
    assert Case.objects.count() == 6


def test_refuses_without_catalogs(db: None, frozen: Any) -> None:
    with pytest.raises(CommandError, match="load_catalogs"):
        generate(cases=5)
    assert not Case.objects.exists()


def test_up_to_generates_only_what_is_missing(catalogs: None, frozen: Any) -> None:
    generate(cases=5, up_to=True)
    assert Case.objects.count() == 5
    out, _err = generate(cases=8, up_to=True)
    assert Case.objects.count() == 8
    out, _err = generate(cases=8, up_to=True)
    assert "no se genera ninguno" in out
    assert Case.objects.count() == 8
