"""manage.py bench: measure the inbox, searches, case page, dashboard and intake.

With --setup (what `make bench` passes) it first makes the database ready: creates it if
missing, migrates, loads catalogs, protocols and non-working days, generates the synthetic
cases unless the database already holds that many, and rebuilds the statistics rollups.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from violeta.bench import harness, scenarios

DEFAULT_CASES = 1_000_000


class Command(BaseCommand):
    help = "Measure the case pages (server time, SQL vs hand-written SQL, queries per request)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--setup",
            action="store_true",
            help="Create, migrate and fill the database first (PostgreSQL).",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=int(os.environ.get("BENCH_CASES", DEFAULT_CASES)),
            help="Synthetic cases the database must hold (--setup).",
        )
        parser.add_argument(
            "--setup-only", action="store_true", help="Make the database ready; measure nothing."
        )
        parser.add_argument("--requests", type=int, default=200, help="Requests per scenario.")
        parser.add_argument("--warmup", type=int, default=10, help="Untimed requests first.")
        parser.add_argument(
            "--sql-samples", type=int, default=10, help="Requests whose SQL is compared."
        )
        parser.add_argument(
            "--repetitions", type=int, default=5, help="Runs of each SQL set (median)."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--only", nargs="*", choices=scenarios.SCENARIOS, default=list(scenarios.SCENARIOS)
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "bench" / "results.json"),
            help="Where the JSON goes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with harness.quiet():
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        if options["setup"]:
            self._setup(options["cases"])
        if options["setup_only"]:
            return
        self.stdout.write(f"Building scenarios ({options['requests']} requests each)…")
        built = scenarios.build(options["only"], seed=options["seed"], requests=options["requests"])
        started = time.monotonic()
        load_before = os.getloadavg()
        results = harness.run(
            built,
            warmup=options["warmup"],
            sql_samples=options["sql_samples"],
            repetitions=options["repetitions"],
            progress=lambda line: self.stdout.write(f"  {line}"),
        )
        missing = sorted(set(options["only"]) - {s.name for s in built})
        report = {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "seconds": round(time.monotonic() - started, 1),
            "machine": machine(),
            # Other work on the machine during the run (1-minute load average before, after).
            "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
            "database": database(),
            "settings": {
                "requests": options["requests"],
                "warmup": options["warmup"],
                "sql_samples": options["sql_samples"],
                "repetitions": options["repetitions"],
                "seed": options["seed"],
                "debug": settings.DEBUG,
                "session_engine": settings.SESSION_ENGINE,
                "cache": settings.CACHES["default"]["BACKEND"],
            },
            "not_measured": missing,
            "scenarios": results,
        }
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
        self.stdout.write("")
        self.stdout.write(harness.table(results))
        if missing:
            self.stdout.write(f"Not measured (page not installed): {', '.join(missing)}")
        self.stdout.write(f"\nJSON: {output}")

    def _setup(self, cases: int) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        ensure_database(connection.settings_dict)
        step = self.stdout.write
        step("Migrating…")
        call_command("migrate", verbosity=0, interactive=False)
        for command in ("load_catalogs", "load_protocols", "load_non_working_days"):
            call_command(command, verbosity=0, stdout=io.StringIO())
        held = synthetic_cases()
        if held >= cases:
            step(f"The database already holds {held:,} synthetic cases: reusing them.")
        else:
            if "generate_synthetic" not in get_commands():
                raise CommandError("generate_synthetic is not installed (violeta.synthetic).")
            step(f"Generating {cases - held:,} synthetic cases (the database holds {held:,})…")
            began = time.monotonic()
            call_command("generate_synthetic", cases=cases - held)
            step(f"  generated in {time.monotonic() - began:.0f} s")
            if "stats_rebuild" in get_commands():
                step("Rebuilding the statistics rollups…")
                began = time.monotonic()
                call_command("stats_rebuild")
                step(f"  rebuilt in {time.monotonic() - began:.0f} s")
            # What autovacuum would have done by the time such a database serves: statistics
            # for the planner and the visibility map for index-only scans.
            step("VACUUM ANALYZE…")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


def synthetic_cases() -> int:
    """How many synthetic cases the database holds (registered by the synthetic staff)."""
    from violeta.synthetic.staff import synthetic_cases as synthetic

    return synthetic().count()


def ensure_database(settings_dict: dict[str, Any]) -> None:
    """Create the database named in the settings if it does not exist yet."""
    import psycopg
    from psycopg import sql

    params: dict[str, Any] = {
        key.lower(): settings_dict[key]
        for key in ("HOST", "PORT", "USER", "PASSWORD")
        if settings_dict.get(key)
    }
    name = settings_dict["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "system": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def database() -> dict[str, Any]:
    info: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        info["cases"] = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version(), pg_database_size(current_database())")
            version, size = cursor.fetchone()
            info["version"] = version
            info["size_gib"] = round(size / 2**30, 2)
            for name in ("shared_buffers", "work_mem", "effective_cache_size"):
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
    return info
