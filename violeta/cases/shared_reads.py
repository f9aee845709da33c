"""A case's people and incidents, read once while a case page renders.

The page's sections (intake, guidelines, attention, referrals' recommendation facts) each need
the case's parties and incidents. Inside ``case_rows_shared()`` the first of them reads the
rows, with what any section shows of them, and the others get the same rows. Outside such a
block (every write, every service) each call reads the database afresh, so nothing written
in between is missed. Only for rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from violeta.cases.models import Case, CaseParty, GuidelineCheck, Incident
from violeta.shared_reads import SharedReads

_shared = SharedReads("case_rows")

T = TypeVar("T")


@contextmanager
def case_rows_shared() -> Iterator[None]:
    with _shared.block():
        yield


def case_parties(case: Case) -> list[CaseParty]:
    """Every party of the case, with her dependencia and data key."""
    return _shared.get(
        ("parties", case.pk),
        lambda: list(CaseParty.objects.filter(case=case).select_related("dependencia", "data_key")),
    )


def case_parties_known(case: Case, parties: list[CaseParty]) -> None:
    """Inside a block, answer ``case_parties(case)`` with ``parties``: a writer that has just
    saved every party of the case, with her dependencia and data key, in hand."""
    _shared.known(("parties", case.pk), parties)


def case_incidents(case: Case) -> list[Incident]:
    """Every incident of the case, with its types and modalities of violence."""
    return _shared.get(
        ("incidents", case.pk),
        lambda: list(
            Incident.objects.filter(case=case)
            .select_related("data_key")
            .prefetch_related("violence_types", "violence_modalities")
        ),
    )


def case_guideline_checks(case_id: UUID | str) -> list[GuidelineCheck]:
    """Every guideline that fired on the case, with who resolved it and its data key (the
    guidelines' section shows them; the protocol's guard asks which block a step)."""
    # The section passes the case's UUID, the protocol's guard its run's subject id (text).
    return _shared.get(
        ("guideline_checks", str(case_id)),
        lambda: list(
            GuidelineCheck.objects.filter(case_id=case_id).select_related("resolved_by", "data_key")
        ),
    )


def case_rows(kind: str, case: Case, read: Callable[[], list[T]]) -> list[T]:
    """Rows of another app about the case (``kind`` names them), shared the same way: apps
    that build on cases (detection's risk assessments, read by its section and by referrals'
    recommendation facts) share them without cases knowing their models."""
    return _shared.get((kind, case.pk), read)


def known_absent(case: Any, flag: str) -> bool:
    """Whether the case was read for its page (``selectors.case_for_page``) and has none of
    the rows ``flag`` names (``has_notes``, ``has_safety_plans``…): the section then skips
    reading them. A case read any other way knows nothing of them, and the section reads."""
    return getattr(case, flag, None) is False
