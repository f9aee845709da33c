import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from violeta.audit.models import AuditAction, AuditChainHead, AuditEntry
from violeta.audit.services import audit_batch, audit_record
from violeta.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def _data_statements(context):
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


@pytest.mark.parametrize("returning", [True, False], ids=["update-returning", "update-then-read"])
@pytest.mark.parametrize("count", [2, 7])
def test_a_batch_links_its_entries_in_order_with_the_same_statements_for_any_number(
    chain, coordinacion, count, returning, monkeypatch
):
    monkeypatch.setattr("violeta.db.writes_return_rows", lambda: returning)
    with CaptureQueriesContext(connection) as context, transaction.atomic(), audit_batch():
        entries = [
            audit_record(action=AuditAction.VIEW, actor=coordinacion, detail={"n": n})
            for n in range(count)
        ]
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in stored] == list(range(1, len(chain) + count + 1))
    assert [entry.detail for entry in stored[len(chain) :]] == [{"n": n} for n in range(count)]
    assert [entry.hash for entry in entries] == [entry.hash for entry in stored[len(chain) :]]
    assert stored[len(chain)].prev_hash == chain[-1].hash
    assert AuditChainHead.objects.get().seq == len(chain) + count
    assert audit_verify().ok
    # Advance the head (and read it, where an UPDATE returns no rows), insert the entries,
    # store the new hash: whatever the count.
    assert len(_data_statements(context)) == (3 if returning else 4)


def test_an_error_inside_a_batch_writes_none_of_its_entries(chain, coordinacion):
    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(action=AuditAction.VIEW, actor=coordinacion)
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == len(chain)
    entry = audit_record(action=AuditAction.VIEW, actor=coordinacion)
    assert entry.seq == len(chain) + 1
    assert audit_verify().ok


def test_a_nested_batch_joins_the_outer_one(coordinacion):
    with transaction.atomic(), audit_batch():
        audit_record(action=AuditAction.VIEW, actor=coordinacion, detail={"n": 1})
        with audit_batch():
            audit_record(action=AuditAction.VIEW, actor=coordinacion, detail={"n": 2})
        # Nothing is written until the outer block ends.
        assert not AuditEntry.objects.exists()
        audit_record(action=AuditAction.VIEW, actor=coordinacion, detail={"n": 3})
    assert list(AuditEntry.objects.order_by("seq").values_list("detail", flat=True)) == [
        {"n": 1},
        {"n": 2},
        {"n": 3},
    ]
    assert audit_verify().ok


def test_a_batch_outside_a_transaction_is_refused(coordinacion):
    # The test's own transaction would hide the mistake: step outside it.
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"), audit_batch():
            pass
    finally:
        connection.in_atomic_block = atomic


def test_a_bad_entry_is_refused_when_it_is_recorded_not_when_the_batch_ends(coordinacion):
    with pytest.raises(ValueError), transaction.atomic(), audit_batch():
        audit_record(action=AuditAction.VIEW, actor=coordinacion, detail={"Bad Key": 1})
    assert not AuditEntry.objects.exists()
