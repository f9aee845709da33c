"""Reads of the catalogs. Catalog content is public law and public directory data, so these
take a date rather than a viewer: what was in force on that day.

Catalogs change a few times a year and are read on every page, so what is in force is kept in
each process's memory until any catalog is written (``CatalogGeneration``). The entries handed
out are shared between requests: read them, never change them.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from violeta.catalogs.models import (
    CatalogEntry,
    CatalogGeneration,
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
T = TypeVar("T")


def _today() -> datetime.date:
    return timezone.localdate()


_shared = SharedReads("catalog_reads")


@contextmanager
def catalog_reads_shared() -> Iterator[None]:
    """Read the catalogs' generation token once inside the block.

    For a page built from several apps' sections, or a form with many subforms, that each
    read the catalogs: the case page asks for the institutions three times and the intake's
    formsets ask for the dependencias once per form. Only for blocks that write no catalog.
    Outside such a block every read asks for the token (one small statement). Inside one, a
    nested block is the same block.
    """
    if _shared.active:
        yield
        return
    with _shared.block():
        yield


def in_force(
    queryset: QuerySet[EntryT],
    *,
    on: datetime.date | None = None,
    key: Hashable | None = None,
) -> list[EntryT]:
    """The newest version of each code that is in force on the day (today by default).

    Kept in this process's memory, under the catalogs' generation token, until any catalog is
    written (``CatalogGeneration``); inside ``catalog_reads_shared()`` the token itself is read
    once. ``key`` names the question (e.g. the law) for callers that ask it often; without it
    the queryset's SQL names it.
    """
    day = on or _today()
    question = (queryset.model._meta.label, key if key is not None else str(queryset.query), day)
    # A copy: a caller may change its list without changing the next caller's.
    return list(reference_read(question, lambda: _in_force(queryset, day)))


def reference_read(question: Hashable, read: Callable[[], T]) -> T:
    """``read()``, kept in this process's memory under the catalogs' generation token.

    For reference data that changes only when it is loaded: the catalogs, and other apps'
    published definitions whose every write renews the token too
    (``catalogs.receivers.generation_watch``: the protocol versions). ``question`` names the
    answer; the answer is shared between requests: read it, never change it. Without a token
    (no such data was ever written through the application) every read goes to the database.
    """
    token = _shared.get(("generation",), _generation) if _shared.active else _generation()
    if token is None:
        return _shared.get(question, read)
    return _remembered(token, question, read)


# Reference data as read under the current token: {question: answer}.
_memory: dict[Hashable, Any] = {"token": None, "answers": {}}
_memory_lock = threading.Lock()


def _remembered(token: str, question: Hashable, read: Callable[[], T]) -> T:
    with _memory_lock:
        if _memory["token"] != token:
            _memory["token"], _memory["answers"] = token, {}
        answers: dict[Hashable, Any] = _memory["answers"]
        if question in answers:
            remembered: T = answers[question]
            return remembered
    answer = read()
    with _memory_lock:
        if _memory["token"] == token:
            answers[question] = answer
    return answer


def _generation() -> str | None:
    """The catalogs' generation token: a plain statement, for it is read on many pages."""
    table = connection.ops.quote_name(CatalogGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [CatalogGeneration.SINGLETON_ID])  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def _in_force(queryset: QuerySet[EntryT], day: datetime.date) -> list[EntryT]:
    candidates = queryset.filter(
        Q(effective_date__lte=day), Q(repealed_date__isnull=True) | Q(repealed_date__gt=day)
    ).order_by("code", "-effective_date")
    newest: dict[tuple[str, str], EntryT] = {}
    for entry in candidates:
        newest.setdefault((getattr(entry, "law", ""), entry.code), entry)
    return sorted(newest.values(), key=lambda entry: (entry.position, entry.code))


def violence_types(*, law: Law, on: datetime.date | None = None) -> list[ViolenceType]:
    return in_force(ViolenceType.objects.filter(law=law), on=on, key=law)


def violence_modalities(*, law: Law, on: datetime.date | None = None) -> list[ViolenceModality]:
    return in_force(ViolenceModality.objects.filter(law=law), on=on, key=law)


def dependencias(*, on: datetime.date | None = None) -> list[Dependencia]:
    return in_force(Dependencia.objects.all(), on=on, key="all")


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
    return in_force(Institution.objects.all(), on=on, key="all")


def principles(*, on: datetime.date | None = None) -> list[Principle]:
    return in_force(Principle.objects.all(), on=on, key="all")


def vulnerable_groups(*, on: datetime.date | None = None) -> list[VulnerableGroup]:
    return in_force(VulnerableGroup.objects.all(), on=on, key="all")
