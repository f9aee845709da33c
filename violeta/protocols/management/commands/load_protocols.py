from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.protocols.loader import ProtocolFileError
from violeta.protocols.services_definitions import protocol_versions_load


class Command(BaseCommand):
    help = (
        "Load protocol definitions (all shipped files, or the ones named) as protocol versions. "
        "All or nothing; safe to run repeatedly. A loaded version is never changed: new content "
        "needs a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Protocol YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] | None = options["files"] or None
        try:
            report = protocol_versions_load(paths=files)
        except ProtocolFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the protocol files; nothing was loaded."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Protocols: {len(report.files)} file(s); {report.created} created, "
                f"{report.unchanged} unchanged."
            )
        )
