"""manage.py loadtest: gunicorn on this database, locust against it, a summary and JSON.

Starts gunicorn on 127.0.0.1 (nothing else is ever a target), creates the staff sessions the
locust users carry, runs locust headless for the given time, stops gunicorn and reports
throughput, p50/p95 and errors per request type. Exits non-zero if any request failed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.test import Client

from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.bench import harness
from violeta.bench.management.commands.bench import database, machine
from violeta.cases.models import CaseAssignment
from violeta.catalogs.selectors import dependencias
from violeta.testing.second_factor import force_login_verified

LOCUSTFILE = Path(__file__).resolve().parents[2] / "locustfile.py"
# The server's settings for the test: production-like (DEBUG off), served over plain HTTP on
# the loopback, and the public channel's abuse limits raised (one address sends everything).
SERVER_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "REPORT_MIN_SECONDS": "0",
    "REPORT_SUBMIT_LIMIT": "1000",
}


class Command(BaseCommand):
    help = "Load test: gunicorn + locust (public reports and the staff inbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--users", type=int, default=20, help="Concurrent locust users.")
        parser.add_argument("--spawn-rate", type=float, default=10)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--staff", type=int, default=10, help="Staff sessions to create.")
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "bench" / "loadtest.json")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with harness.quiet():
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        bin_dir = Path(sys.executable).parent
        locust = shutil.which("locust", path=str(bin_dir)) or shutil.which("locust")
        gunicorn = shutil.which("gunicorn", path=str(bin_dir)) or shutil.which("gunicorn")
        if not locust or not gunicorn:
            raise CommandError("locust and gunicorn are needed: pip install -e '.[bench]'.")
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        sessions_file = output.parent / "loadtest_sessions.json"
        sessions_file.write_text(json.dumps(self._sessions(options["staff"])), encoding="utf-8")
        sessions_file.chmod(0o600)

        env = {**os.environ, **SERVER_ENV}
        address = f"127.0.0.1:{options['port']}"
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                gunicorn,
                "violeta.config.wsgi",
                "--workers",
                str(options["workers"]),
                "--bind",
                address,
                "--access-logfile",
                "-" if options["verbosity"] > 1 else "/dev/null",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            self._wait_for(f"http://{address}/", server)
            prefix = output.parent / "locust"
            self.stdout.write(
                f"locust: {options['users']} users for {options['seconds']} s against "
                f"gunicorn ({options['workers']} workers) at {address}…"
            )
            run = subprocess.run(  # noqa: S603 - our own locust, fixed arguments
                [
                    locust,
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(options["users"]),
                    "--spawn-rate",
                    str(options["spawn_rate"]),
                    "--run-time",
                    f"{options['seconds']}s",
                    "--host",
                    f"http://{address}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**os.environ, "BENCH_SESSIONS_FILE": str(sessions_file)},
                cwd=settings.BASE_DIR,
                check=False,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            sessions_file.unlink(missing_ok=True)

        rows = read_stats(Path(f"{prefix}_stats.csv"))
        report = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": machine(),
            "database": database(),
            "settings": {
                "seconds": options["seconds"],
                "users": options["users"],
                "spawn_rate": options["spawn_rate"],
                "gunicorn_workers": options["workers"],
                "server_env": SERVER_ENV,
            },
            "requests": rows,
            "locust_exit_code": run.returncode,
        }
        output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(table(rows))
        self.stdout.write(f"\nJSON: {output}")
        failures = sum(row["failures"] for row in rows)
        if failures or run.returncode:
            raise CommandError(f"{failures} requests failed (locust exit {run.returncode}).")

    def _sessions(self, count: int) -> dict[str, Any]:
        """Session cookies of coordinación and of the busiest atención workers, verified."""
        workers = (
            CaseAssignment.objects.filter(ended_at__isnull=True, user__role=Role.ATENCION)
            .values("user")
            .annotate(cases=Count("id"))
            .order_by("-cases")[: max(1, count - 1)]
        )
        users = list(User.objects.filter(pk__in=[row["user"] for row in workers]))
        boss = User.objects.filter(role=Role.COORDINACION, is_active=True).order_by("pk").first()
        if boss is not None:
            users.append(boss)
        if not users:
            raise CommandError("No staff with cases in this database.")
        staff = []
        for user in users:
            client = Client()
            force_login_verified(client, user)
            staff.append(
                {"role": user.role, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}
            )
        return {
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "staff": staff,
            "dependencias": [d.code for d in dependencias()],
        }

    def _wait_for(self, url: str, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn exited before serving.")
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback only
                    return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer within 60 s.")


def read_stats(path: Path) -> list[dict[str, Any]]:
    """Locust's per-request CSV, in milliseconds and requests per second."""
    if not path.exists():
        raise CommandError(f"locust wrote no statistics ({path}).")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "total",
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": _ms(row["50%"]),
                    "p95_ms": _ms(row["95%"]),
                    "p99_ms": _ms(row["99%"]),
                    "max_ms": _ms(row["Max Response Time"]),
                }
            )
    return rows


def _ms(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def table(rows: list[dict[str, Any]]) -> str:
    header = f"{'request':<32} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['name'][:32]:<32} {row['requests']:>7} {row['failures']:>5} "
            f"{row['rps']:>7.1f} {row['p50_ms'] or 0:>7.0f} {row['p95_ms'] or 0:>7.0f}"
        )
    return "\n".join(lines)
