from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.training.content import CourseContentError, courses_load


class Command(BaseCommand):
    help = (
        "Load the training courses (course.yaml, lessons and quiz.yaml of each folder under "
        "violeta/training/content/, or under --root). All or nothing: a problem in any file "
        "loads nothing. Safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--root", type=Path, default=None, help="A folder holding one folder per course."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = courses_load(root=options["root"])
        except CourseContentError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the course files; nothing was loaded."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Courses: {', '.join(report.courses) or 'none'}; {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged, "
                f"{report.deleted} removed."
            )
        )
