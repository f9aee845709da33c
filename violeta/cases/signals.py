"""Signals the cases app sends for what no row's signal says."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.dispatch import Signal

if TYPE_CHECKING:
    from violeta.cases.models import Case, CaseParty

# Sent with ``case_ids`` when a transaction is about to write cases that do not exist yet.
# Each receiver returns a context manager, entered around the writing (see ``cases_written``).
cases_writing = Signal()


@contextmanager
def cases_written(case_ids: Iterable[UUID]) -> Iterator[None]:
    """Around the writing of new cases, inside their transaction: whatever other apps keep
    beside a case (its statistics) can be written in the same transaction, from what the block
    wrote, instead of after the commit."""
    ids = list(case_ids)
    with ExitStack() as stack:
        for _receiver, manager in cases_writing.send(sender=None, case_ids=ids):
            stack.enter_context(cast(AbstractContextManager[object], manager))
        yield


@dataclasses.dataclass(frozen=True)
class WrittenCase:
    """A new case as its writer has it once every row of it is written: the case (with its
    dependencia), all its parties, the types and modalities of violence of its incidents
    (catalog entries) and her consent decisions by purpose."""

    case: Case
    parties: Sequence[CaseParty]
    violence_types: Sequence[Any]
    violence_modalities: Sequence[Any]
    consents: Mapping[str, bool]


# Sent with ``written`` (a ``WrittenCase``) inside ``cases_written``, once the new case's rows
# are all written: what other apps keep beside the case can be computed from them instead of
# reading them back.
case_rows_written = Signal()
