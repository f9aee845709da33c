"""A smoke test of the benchmark harness on a tiny database: it runs, the JSON has its shape,
and the inbox costs the same number of queries whatever the page size. No timing is checked:
benchmarks are not tests (`make bench` measures)."""

from __future__ import annotations

import io
import json
import random

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


def _executed(*statements: str) -> list[harness.Executed]:
    return [harness.Executed(sql, [], False, 0.0) for sql in statements]


def test_the_rehearsal_leaves_out_the_savepoints_that_stand_for_transactions():
    executed = _executed(
        'SELECT 1 FROM "django_session"',
        'SAVEPOINT "s1_x1"',
        'INSERT INTO "cases_case" VALUES (1)',
        'SAVEPOINT "s1_x2"',
        'INSERT INTO "cases_incident" VALUES (1)',
        'ROLLBACK TO SAVEPOINT "s1_x2"',
        'RELEASE SAVEPOINT "s1_x2"',
        'RELEASE SAVEPOINT "s1_x1"',
        'SAVEPOINT "s1_x3"',
        'INSERT INTO "notifications_notification" VALUES (1)',
        'RELEASE SAVEPOINT "s1_x3"',
    )

    kept = [s.sql for s in harness._without_outer_savepoints(executed)]

    assert kept == [
        'SELECT 1 FROM "django_session"',
        'INSERT INTO "cases_case" VALUES (1)',
        'SAVEPOINT "s1_x2"',
        'INSERT INTO "cases_incident" VALUES (1)',
        'ROLLBACK TO SAVEPOINT "s1_x2"',
        'RELEASE SAVEPOINT "s1_x2"',
        'INSERT INTO "notifications_notification" VALUES (1)',
    ]


@pytest.mark.django_db
def test_a_rolled_back_request_records_its_writes_and_what_follows_its_commit(small_world):
    from violeta.bench import scenarios
    from violeta.cases.models import Case, RepeatAccused
    from violeta.notifications.models import Notification

    scenario = scenarios.intake_scenario(random.Random(7), 1)  # noqa: S311 - test data
    request = scenario.requests[0]
    assert request.data is not None
    # Someone already accused in another case: the intake links them and, once it commits,
    # tells coordinación.
    request.data["senalada-0-display_name"] = "Persona Señalada 4"
    client = harness.client_for(scenario.user)
    counts = (Case.objects.count(), RepeatAccused.objects.count(), Notification.objects.count())

    result = harness.perform_rolled_back(client, request)

    assert result.status == 302
    written = {next(iter(harness.tables_of(s.sql)), "") for s in result.executed if not s.read}
    assert {"cases_case", "cases_repeataccused", "notifications_notification"} <= written
    assert (
        Case.objects.count(),
        RepeatAccused.objects.count(),
        Notification.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_the_rehearsal_runs_a_statement_for_each_parameter_set_and_keeps_nothing():
    from django.contrib.contenttypes.models import ContentType

    insert = 'INSERT INTO "django_content_type" ("app_label", "model") VALUES (%s, %s)'
    executed = [
        harness.Executed('SAVEPOINT "s1_x1"', None, False, 0.0),
        harness.Executed(insert, [("ensayo", "uno"), ("ensayo", "dos")], True, 0.0),
        harness.Executed('RELEASE SAVEPOINT "s1_x1"', None, False, 0.0),
    ]

    seconds = harness._rehearsed(executed, fixed=True, repetitions=3)

    assert seconds > 0
    assert not ContentType.objects.filter(app_label="ensayo").exists()


def test_the_measured_requests_run_with_what_came_before_frozen_and_then_it_thaws() -> None:
    import gc

    before = gc.get_freeze_count()
    history = [[object()] for _ in range(1000)]  # what the harness has recorded so far
    with harness._history_frozen():
        assert gc.get_freeze_count() >= before + len(history)
    assert gc.get_freeze_count() == 0
