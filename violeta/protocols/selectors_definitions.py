"""Reads of loaded protocol versions. Definitions are public procedure, not case data, so
these take a date rather than a viewer: which version governs a case started on that day.

Versions are loaded a few times a year and read on most pages, so they are kept in each
process's memory under the catalogs' generation token, which every version written renews
(``catalogs.selectors.reference_read``). The versions handed out are shared between requests:
read them, never change them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from violeta.catalogs.selectors import reference_read
from violeta.protocols.models import ProtocolVersion


def protocols_current(*, on: datetime.date | None = None) -> list[ProtocolVersion]:
    """Per protocol code, the newest version in effect on the day (today by default).

    Newest means the latest effective_date; between versions in effect from the same day, the
    one loaded last.
    """
    day = on or timezone.localdate()
    # A copy: a caller may change its list without changing the next caller's.
    return list(
        reference_read((ProtocolVersion._meta.label, "current", day), lambda: _current(day))
    )


def protocol_versions_loaded() -> list[ProtocolVersion]:
    """Every loaded version, in the order loaded (remembered as ``protocols_current``)."""
    return list(reference_read((ProtocolVersion._meta.label, "loaded"), _loaded).values())


def protocol_versions(ids: Iterable[int]) -> dict[int, ProtocolVersion]:
    """The loaded versions with these ids, by id (remembered as ``protocols_current``)."""
    wanted = set(ids)
    if not wanted:
        return {}
    loaded = reference_read((ProtocolVersion._meta.label, "loaded"), _loaded)
    found = {pk: loaded[pk] for pk in wanted if pk in loaded}
    if len(found) < len(wanted):  # loaded after the token this block read: read them afresh
        found.update(
            (version.pk, version)
            for version in ProtocolVersion.objects.filter(pk__in=wanted - found.keys())
        )
    return found


def protocol_version_ids(*, code: str) -> list[int]:
    """The ids of every loaded version of the protocol (remembered as ``protocols_current``)."""
    return [version.pk for version in protocol_versions_loaded() if version.code == code]


def _loaded() -> dict[int, ProtocolVersion]:
    return {version.pk: version for version in ProtocolVersion.objects.order_by("pk")}


def _current(day: datetime.date) -> list[ProtocolVersion]:
    newest = (
        ProtocolVersion.objects.filter(code=OuterRef("code"), effective_date__lte=day)
        .order_by("-effective_date", "-loaded_at", "-pk")
        .values("pk")[:1]
    )
    return list(
        ProtocolVersion.objects.filter(effective_date__lte=day, pk=Subquery(newest)).order_by(
            "code"
        )
    )


def protocol_version_get(*, code: str, version: str) -> ProtocolVersion:
    """The loaded version; raises ProtocolVersion.DoesNotExist if it was never loaded."""
    return ProtocolVersion.objects.get(code=code, version=version)
