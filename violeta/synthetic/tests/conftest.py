from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

# A fixed "now" (a weekday afternoon in Chihuahua), so runs are comparable and deterministic.
NOW = datetime.datetime(2026, 3, 18, 19, 30, tzinfo=datetime.UTC)
CASES = 200
YEARS = 1.5


@pytest.fixture
def frozen() -> Iterator[datetime.datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def generate(**options: Any) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate_synthetic", stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def synthetic_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """200 synthetic cases over a year and a half, generated once for a test module inside a
    transaction that is rolled back when the module ends (each test nests its own inside)."""
    from violeta.catalogs.services import catalogs_load
    from violeta.protocols.services_definitions import protocol_versions_load

    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            catalogs_load()
            protocol_versions_load()
            out, err = generate(cases=CASES, seed=7, years=YEARS)
            yield {"stdout": out, "stderr": err, "count": CASES, "years": YEARS}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def synthetic(synthetic_data: dict[str, Any], db: None) -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        yield synthetic_data
