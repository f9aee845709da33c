"""Signals the cases app sends for what no row's signal says."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import cast
from uuid import UUID

from django.dispatch import Signal

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
