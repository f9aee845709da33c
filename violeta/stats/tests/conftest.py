from __future__ import annotations

from typing import Any

import pytest

from violeta.catalogs.models import Dependencia
from violeta.testing.factories import UserFactory


@pytest.fixture
def worker(catalogs: None) -> Any:
    """Coordinación at the IMM: may register cases and read the statistics."""
    from violeta.accounts.roles import Role

    return UserFactory(role=Role.COORDINACION, dependencia=Dependencia.objects.get(code="imm"))
