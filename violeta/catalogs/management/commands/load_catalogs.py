from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.catalogs.loader import CatalogFileError
from violeta.catalogs.services import catalogs_load


class Command(BaseCommand):
    help = (
        "Load the legal and institutional catalogs (all files, or the ones named). "
        "All or nothing: a problem in any file loads nothing. Safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Catalog YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] | None = options["files"] or None
        try:
            report = catalogs_load(paths=files)
        except CatalogFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the catalog files; nothing was loaded."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogs: {len(report.files)} file(s); {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged."
            )
        )
