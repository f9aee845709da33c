from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.training.action_lines import ActionLinesFileError, action_lines_load


class Command(BaseCommand):
    help = (
        "Load the lines of action of the Programa Municipal de Igualdad "
        "(violeta/training/data/action_lines.yaml, or the file named). "
        "All or nothing; safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="An action lines YAML file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = action_lines_load(path=options["file"])
        except ActionLinesFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the action lines file; nothing was loaded."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Action lines: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )
