from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.protocols.calendar import (
    DEFAULT_FILE,
    NonWorkingDaysFileError,
    non_working_days_load,
)


class Command(BaseCommand):
    help = (
        "Load the días inhábiles the institution declares (a YAML file; by default the one "
        "shipped in protocols/data). All or nothing; safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", type=Path, default=DEFAULT_FILE, help="Non-working days YAML file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            report = non_working_days_load(path=path)
        except NonWorkingDaysFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {path.name}; nothing was loaded."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Non-working days ({report.file}): {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
