"""A smoke test of the benchmark harness on a tiny database: it runs, the JSON has its shape,
and the inbox costs the same number of queries whatever the page size. No timing is checked:
benchmarks are not tests (`make bench` measures)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from violeta.bench import harness
from violeta.testing.factories import assign_to_affected, make_case

MEASURED = [
    "inbox",
    "inbox_mine",
    "inbox_overdue",
    "inbox_due_first",
    "search_folio",
    "search_name",
    "detail",
    "intake",
]


@pytest.fixture
def small_world(catalogs, coordinacion, atencion, enlace):
    for number in range(30):
        case = make_case(
            registered_by=enlace,
            affected=f"Persona Afectada {number}",
            accused=f"Persona Señalada {number}",
            protocol="chihuahua-municipal",
        )
        if number % 3:
            assign_to_affected(case, by=coordinacion, worker=atencion)


@pytest.mark.django_db
def test_the_harness_measures_every_page_and_writes_its_json(small_world, tmp_path):
    output = tmp_path / "results.json"

    call_command(
        "bench",
        requests=2,
        warmup=0,
        sql_samples=1,
        repetitions=1,
        only=MEASURED,
        output=str(output),
        stdout=io.StringIO(),
    )

    report = json.loads(output.read_text(encoding="utf-8"))
    assert {"machine", "database", "settings", "scenarios"} <= set(report)
    assert [s["name"] for s in report["scenarios"]] == MEASURED
    for scenario in report["scenarios"]:
        assert scenario["requests"] == 2
        assert scenario["p95_ms"] >= scenario["p50_ms"] > 0
        assert scenario["queries"]["min"] > 0
    inboxes = [s for s in report["scenarios"] if s["page_size_check"]]
    assert {s["name"] for s in inboxes} == {"inbox", "inbox_mine"}
    assert all(s["page_size_check"]["constant"] for s in inboxes)


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 201)]
    assert harness.percentile(values, 0.95) == 190.0
    assert harness.percentile(values, 0.50) == 100.0
