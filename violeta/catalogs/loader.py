"""Reads catalog files into validated, database-ready rows, or says exactly what is wrong.

A row carries every value the file gives; which of them an existing database row still takes
is ``services.catalogs_load``'s decision (an institution's contact data, once administración
has confirmed it in the admin, is no longer the file's to change)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from violeta import yaml_files
from violeta.catalogs import models
from violeta.catalogs.schema import ENTRY_SCHEMAS, EntryBase, FileHeader

DATA_DIR = Path(__file__).resolve().parent / "data"

MODELS: dict[str, type[models.CatalogEntry]] = {
    "violence_types": models.ViolenceType,
    "violence_modalities": models.ViolenceModality,
    "dependencias": models.Dependencia,
    "institutions": models.Institution,
    "principles": models.Principle,
    "vulnerable_groups": models.VulnerableGroup,
}


class CatalogFileError(Exception):
    """One or more problems in catalog files; each problem names file, entry and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class Row:
    model: type[models.CatalogEntry]
    key: dict[str, Any]
    values: dict[str, Any]
    where: str


def default_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def _entry_lines(text: str) -> list[int]:
    """Line numbers (1-based) where each item of ``entries`` starts, for error messages."""
    try:
        root = yaml_files.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "entries" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def _row_values(
    catalog: str, header: FileHeader, entry: EntryBase, position: int, file_name: str
) -> Row:
    data = entry.model_dump()
    values: dict[str, Any] = {
        "name_es": entry.name.es,
        "name_en": entry.name.en,
        "description_es": entry.description.es,
        "description_en": entry.description.en,
        "legal_source": entry.legal_source,
        "source_document": header.source,
        "source_url": header.source_url,
        "verified": entry.verified,
        "repealed_date": entry.repealed_date,
        "position": position,
        "loaded_from": file_name,
    }
    for skip in (*EntryBase.model_fields, "hours", "guidelines"):
        data.pop(skip, None)
    values.update(data)
    if catalog == "institutions":
        hours = getattr(entry, "hours", None)
        values["hours_es"] = hours.es if hours else ""
        values["hours_en"] = hours.en if hours else ""
    if catalog == "vulnerable_groups":
        values["guidelines"] = [item.model_dump() for item in getattr(entry, "guidelines", [])]
    key: dict[str, Any] = {"code": entry.code, "effective_date": entry.effective_date}
    if header.law is not None:
        key["law"] = header.law
    return Row(model=MODELS[catalog], key=key, values=values, where=f"{file_name}: {entry.code}")


def parse_file(path: Path) -> list[Row]:
    """Validate one file completely; raise CatalogFileError listing every problem in it."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogFileError([f"{name}: cannot be read ({exc.strerror})"]) from exc
    try:
        raw = yaml_files.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise CatalogFileError([f"{name}:{line} is not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise CatalogFileError([f"{name}: must be a mapping with catalog, source and entries"])
    try:
        header = FileHeader.model_validate(raw)
    except ValidationError as exc:
        raise CatalogFileError(
            [f"{name}: field {_field(err['loc'])}: {err['msg']}" for err in exc.errors()]
        ) from exc

    schema = ENTRY_SCHEMAS[header.catalog]
    lines = _entry_lines(text)
    problems: list[str] = []
    rows: list[Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for index, item in enumerate(header.entries):
        code = item.get("code", "?") if isinstance(item, dict) else "?"
        line = f", line {lines[index]}" if index < len(lines) else ""
        where = f"{name}: entry {index + 1} (code {code!r}{line})"
        try:
            entry = schema.model_validate(item)
        except ValidationError as exc:
            problems.extend(
                f"{where}: field {_field(err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            continue
        identity = (entry.code, entry.effective_date)
        if identity in seen:
            problems.append(
                f"{where}: field code: duplicates entry {seen[identity]} "
                f"with the same effective_date"
            )
            continue
        seen[identity] = index + 1
        rows.append(_row_values(header.catalog, header, entry, index + 1, name))
    if problems:
        raise CatalogFileError(problems)
    return rows


def parse_files(paths: Iterable[Path]) -> list[Row]:
    """Validate every file; raise one CatalogFileError with the problems of all of them."""
    problems: list[str] = []
    rows: list[Row] = []
    owners: dict[tuple[Any, ...], str] = {}
    for path in paths:
        try:
            file_rows = parse_file(path)
        except CatalogFileError as exc:
            problems.extend(exc.problems)
            continue
        for row in file_rows:
            identity = (row.model, tuple(sorted(row.key.items())))
            if identity in owners:
                problems.append(f"{row.where}: field code: also defined in {owners[identity]}")
            owners[identity] = row.where
        rows.extend(file_rows)
    if problems:
        raise CatalogFileError(problems)
    return rows
