from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.protocols.loader import ProtocolFileError, parse_protocol_file


class Command(BaseCommand):
    help = (
        "Validate protocol definition files without loading them. Prints each problem with "
        "file, line and field; exits non-zero if any file has one."
    )
    # It reads files only: checking them must not depend on the rest of the project being sound.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="Protocol YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        bad = 0
        for path in files:
            try:
                protocol, _sha256 = parse_protocol_file(path)
            except ProtocolFileError as exc:
                bad += 1
                for problem in exc.problems:
                    self.stderr.write(problem)
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path}: OK ({protocol.code} {protocol.version}, "
                    f"{len(protocol.stages)} stages, {len(protocol.transitions)} transitions)"
                )
            )
        if bad:
            raise CommandError(f"{bad} of {len(files)} protocol file(s) have problems.")
