from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from violeta.catalogs.loader import default_files, parse_files


@dataclasses.dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def catalogs_load(*, paths: Sequence[Path] | None = None) -> LoadReport:
    """Load catalog files, all or nothing. Loading the same files twice changes nothing.

    Every file is validated before the first write; any problem raises CatalogFileError and
    the database stays as it was.
    """
    files = list(paths) if paths is not None else default_files()
    rows = parse_files(files)
    report = LoadReport(files=[path.name for path in files])
    with transaction.atomic():
        for row in rows:
            current = row.model._default_manager.select_for_update().filter(**row.key).first()
            if current is None:
                row.model._default_manager.create(**row.key, **row.values)
                report.created += 1
                continue
            differing = {
                field: value
                for field, value in row.values.items()
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
