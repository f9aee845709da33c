"""Fixtures shared by the cases app's tests."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from violeta.protocols.models import ProtocolRun
from violeta.protocols.services import run_start
from violeta.protocols.tests.test_engine import protocol_version_create
from violeta.testing.factories import consent_give, make_case

# A weekday at noon in Chihuahua: "today", "vencidos" and "vencen pronto" are fixed.
NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("America/Chihuahua"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def run(enlace, coordinacion) -> ProtocolRun:
    """The test protocol running on a new case with her consent."""
    case = make_case(registered_by=enlace)
    consent_give(case)
    return run_start(protocol=protocol_version_create(), subject=case, actor=coordinacion)
