"""Appends racing from separate connections (one per thread), on the real test database."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError, transaction

from violeta.audit.models import AuditAction, AuditChainHead, AuditEntry
from violeta.audit.services import audit_record
from violeta.audit.verify import audit_verify

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 6
APPENDS_EACH = 10


def _race(turn: contextlib.AbstractContextManager[object]) -> int:
    """Start WRITERS threads together, each appending APPENDS_EACH entries in its own
    transactions; return how many appends failed."""
    start = threading.Barrier(WRITERS)
    failures = []

    def writer(number: int) -> None:
        from django.db import connection as own_connection  # this thread's connection

        try:
            start.wait()
            for _ in range(APPENDS_EACH):
                try:
                    with turn, transaction.atomic():
                        audit_record(action=AuditAction.VIEW, detail={"writer": number})
                except DatabaseError:
                    failures.append(number)
        finally:
            own_connection.close()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for future in [pool.submit(writer, number) for number in range(WRITERS)]:
            future.result()
    return len(failures)


def test_appends_from_several_connections_at_once_keep_one_unbroken_chain():
    # Truly at once on both databases: PostgreSQL locks the head row; SQLite (a WAL file with
    # IMMEDIATE transactions, see settings) queues the writers on its write lock.
    assert _race(contextlib.nullcontext()) == 0
    total = WRITERS * APPENDS_EACH
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    assert AuditChainHead.objects.get().seq == total
    result = audit_verify()
    assert (result.ok, result.verified) == (True, total)
