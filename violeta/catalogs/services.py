from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from violeta.catalogs.loader import Row, default_files, parse_files
from violeta.catalogs.models import CatalogEntry, Institution
from violeta.catalogs.receivers import generation_bumped_once


@dataclasses.dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _file_values(row: Row, current: CatalogEntry) -> dict[str, Any]:
    """The values the file still decides for an existing row.

    An institution's contact data is maintained by administración: once someone has confirmed
    it in the admin (``reviewed_at``), the file no longer touches it, or every deploy would
    undo her corrections. Until then the file keeps it up to date.
    """
    if isinstance(current, Institution) and current.reviewed_at is not None:
        return {
            field: value
            for field, value in row.values.items()
            if field not in Institution.CONTACT_FIELDS
        }
    return row.values


def _identity(model: type[CatalogEntry], key: dict[str, Any]) -> tuple[Any, ...]:
    return (model, *sorted(key.items()))


def _existing_rows(rows: list[Row]) -> dict[tuple[Any, ...], CatalogEntry]:
    """The rows already stored for the catalogs the files fill, locked, by their key (code,
    effective date and, for the types and modalities of violence, the law): one read per
    catalog instead of one per entry. Catalogs hold hundreds of rows, not more."""
    fields_of: dict[type[CatalogEntry], set[tuple[str, ...]]] = {}
    for row in rows:
        fields_of.setdefault(row.model, set()).add(tuple(sorted(row.key)))
    found: dict[tuple[Any, ...], CatalogEntry] = {}
    for model, shapes in fields_of.items():
        for current in model._default_manager.select_for_update().order_by("pk"):
            for fields in shapes:
                key = {field: getattr(current, field) for field in fields}
                found.setdefault(_identity(model, key), current)
    return found


def catalogs_load(*, paths: Sequence[Path] | None = None) -> LoadReport:
    """Load catalog files, all or nothing. Loading the same files twice changes nothing.

    Every file is validated before the first write; any problem raises CatalogFileError and
    the database stays as it was. A new row takes every value from the file. An existing row
    is brought in line with the file, except an institution's contact data
    (``Institution.CONTACT_FIELDS``: phone, address, hours, site, e-mail, liaison) once
    administración has confirmed it in the admin: from then on the admin's data stands.
    """
    files = list(paths) if paths is not None else default_files()
    rows = parse_files(files)
    report = LoadReport(files=[path.name for path in files])
    with transaction.atomic(), generation_bumped_once():
        existing = _existing_rows(rows)
        for row in rows:
            current = existing.get(_identity(row.model, row.key))
            if current is None:
                row.model._default_manager.create(**row.key, **row.values)
                report.created += 1
                continue
            differing = {
                field: value
                for field, value in _file_values(row, current).items()
                if getattr(current, field) != value
            }
            if not differing:
                report.unchanged += 1
                continue
            for field, value in differing.items():
                setattr(current, field, value)
            current.full_clean()
            current.save(update_fields=list(differing))
            report.updated += 1
    return report


def institution_contact_confirm(*, institution: Institution, reviewer: AbstractBaseUser) -> None:
    """Save an institution edited by administración, recording that she confirmed its contact
    data today. Saving is the confirmation, even with nothing changed: it says the data was
    checked. From then on ``catalogs_load`` leaves the contact data alone."""
    institution.reviewed_at = timezone.now()
    # By id: catalogs does not import accounts, where the user model lives.
    institution.reviewed_by_id = reviewer.pk
    with transaction.atomic():
        institution.save()
