"""Fixtures shared by the cases app's tests."""

from __future__ import annotations

import pytest

from violeta.protocols.models import ProtocolRun
from violeta.protocols.services import run_start
from violeta.protocols.tests.test_engine import protocol_version_create
from violeta.testing.factories import consent_give, make_case


@pytest.fixture
def run(enlace, coordinacion) -> ProtocolRun:
    """The test protocol running on a new case with her consent."""
    case = make_case(registered_by=enlace)
    consent_give(case)
    return run_start(protocol=protocol_version_create(), subject=case, actor=coordinacion)
