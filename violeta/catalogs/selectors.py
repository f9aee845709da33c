"""Reads of the catalogs. Catalog content is public law and public directory data, so these
take a date rather than a viewer: what was in force on that day."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from violeta.catalogs.models import (
    CatalogEntry,
    Dependencia,
    Institution,
    Law,
    Principle,
    ViolenceModality,
    ViolenceType,
    VulnerableGroup,
)
from violeta.shared_reads import SharedReads

EntryT = TypeVar("EntryT", bound=CatalogEntry)


def _today() -> datetime.date:
    return timezone.localdate()


_shared = SharedReads("catalog_reads")


@contextmanager
def catalog_reads_shared() -> Iterator[None]:
    """Answer each distinct ``in_force`` read once inside the block.

    For a page built from several apps' sections, or a form with many subforms, that each
    read the same catalogs: the case page asks for the institutions three times and the
    intake's formsets ask for the dependencias once per form. Only for blocks that write no
    catalog. Outside such a block every call reads the database afresh.
    """
    with _shared.block():
        yield


def in_force(queryset: QuerySet[EntryT], *, on: datetime.date | None = None) -> list[EntryT]:
    """The newest version of each code that is in force on the day (today by default)."""
    day = on or _today()
    if not _shared.active:
        return _in_force(queryset, day)
    key = (queryset.model._meta.label, str(queryset.query), day)
    # A copy: a caller may change its list without changing the next caller's.
    return list(_shared.get(key, lambda: _in_force(queryset, day)))


def _in_force(queryset: QuerySet[EntryT], day: datetime.date) -> list[EntryT]:
    candidates = queryset.filter(
        Q(effective_date__lte=day), Q(repealed_date__isnull=True) | Q(repealed_date__gt=day)
    ).order_by("code", "-effective_date")
    newest: dict[tuple[str, str], EntryT] = {}
    for entry in candidates:
        newest.setdefault((getattr(entry, "law", ""), entry.code), entry)
    return sorted(newest.values(), key=lambda entry: (entry.position, entry.code))


def violence_types(*, law: Law, on: datetime.date | None = None) -> list[ViolenceType]:
    return in_force(ViolenceType.objects.filter(law=law), on=on)


def violence_modalities(*, law: Law, on: datetime.date | None = None) -> list[ViolenceModality]:
    return in_force(ViolenceModality.objects.filter(law=law), on=on)


def dependencias(*, on: datetime.date | None = None) -> list[Dependencia]:
    return in_force(Dependencia.objects.all(), on=on)


def imm(*, on: datetime.date | None = None) -> Dependencia | None:
    return next((dep for dep in dependencias(on=on) if dep.is_imm), None)


def dependencia_chain(code: str, *, on: datetime.date | None = None) -> list[str]:
    """``code`` and every dependencia above it, nearest first (a cycle in the data stops)."""
    parents = {dep.code: dep.parent for dep in dependencias(on=on)}
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        code = parents.get(code, "")
    return chain


def same_chain(first: str, second: str, *, on: datetime.date | None = None) -> bool:
    """Whether two dependencias are in one chain of command: the same, or one above the other."""
    if not first or not second:
        return False
    return first in dependencia_chain(second, on=on) or second in dependencia_chain(first, on=on)


def institutions(*, on: datetime.date | None = None) -> list[Institution]:
    return in_force(Institution.objects.all(), on=on)


def principles(*, on: datetime.date | None = None) -> list[Principle]:
    return in_force(Principle.objects.all(), on=on)


def vulnerable_groups(*, on: datetime.date | None = None) -> list[VulnerableGroup]:
    return in_force(VulnerableGroup.objects.all(), on=on)
