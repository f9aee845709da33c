"""The lines of action of the Programa Municipal de Igualdad, read from
``data/action_lines.yaml`` and upserted by code.

The file is validated completely (pydantic) before the first write, so a mistake loads nothing.
Loading the same file twice changes nothing. A line that leaves the file is not deleted:
campaigns already linked to it keep it (the link is history), it just stops being updated.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from django.db import transaction
from pydantic import Field, ValidationError, model_validator

from violeta import yaml_files
from violeta.catalogs.schema import Code, Localized, Strict, Text
from violeta.training.models import ActionLine

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "action_lines.yaml"


class ActionLinesFileError(Exception):
    """Problems in the action lines file; each names the entry and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class LineEntry(Strict):
    code: Code
    name: Localized


class ActionLinesFile(Strict):
    program: Localized
    source: Text
    # Whether the lines were checked against the published Programa; the shipped file is not.
    verified: bool = False
    lines: list[LineEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_once(self) -> ActionLinesFile:
        codes = [line.code for line in self.lines]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"repeated code(s): {', '.join(repeated)}")
        return self


@dataclasses.dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def action_lines_parse(path: Path = DEFAULT_FILE) -> ActionLinesFile:
    name = path.name
    try:
        raw = yaml_files.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ActionLinesFileError([f"{name}: cannot be read ({exc.strerror})"]) from exc
    except yaml.YAMLError as exc:
        raise ActionLinesFileError([f"{name}: is not valid YAML: {exc}"]) from exc
    try:
        return ActionLinesFile.model_validate(raw)
    except ValidationError as exc:
        raise ActionLinesFileError(
            [
                f"{name}: field {'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from exc


def action_lines_load(*, path: Path | None = None) -> LoadReport:
    """Upsert every line of the file by code, all or nothing. Idempotent."""
    parsed = action_lines_parse(path or DEFAULT_FILE)
    report = LoadReport()
    with transaction.atomic():
        current = {line.code: line for line in ActionLine.objects.select_for_update()}
        for entry in parsed.lines:
            values = {"name_es": entry.name.es, "name_en": entry.name.en}
            line = current.get(entry.code)
            if line is None:
                ActionLine.objects.create(code=entry.code, **values)
                report.created += 1
                continue
            differing = {f: v for f, v in values.items() if getattr(line, f) != v}
            if not differing:
                report.unchanged += 1
                continue
            for field, value in differing.items():
                setattr(line, field, value)
            line.full_clean()
            line.save(update_fields=list(differing))
            report.updated += 1
    return report
