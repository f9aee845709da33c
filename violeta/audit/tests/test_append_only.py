import pytest
from django.db import DatabaseError, connection, transaction

from violeta.audit.dba import append_only_suspended
from violeta.audit.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

# What "empty the table in one statement" is on each database.
EMPTY_TABLE = {
    "postgresql": "TRUNCATE audit_auditentry",
    "sqlite": "DELETE FROM audit_auditentry",
}


def _refused(operation):
    # Each attempt in its own savepoint: after an error PostgreSQL accepts nothing more in
    # the transaction until it rolls back.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        operation()


def test_database_refuses_to_update_an_entry_through_the_orm(chain):
    _refused(lambda: AuditEntry.objects.filter(seq=2).update(action="view"))
    entry = AuditEntry.objects.get(seq=2)
    entry.target_id = "999"
    _refused(entry.save)
    assert AuditEntry.objects.get(seq=2).action == "update"


def test_database_refuses_to_delete_entries_through_the_orm(chain):
    _refused(lambda: AuditEntry.objects.filter(seq=3).delete())
    _refused(AuditEntry.objects.get(seq=5).delete)
    _refused(AuditEntry.objects.all().delete)
    assert AuditEntry.objects.count() == 5


def test_database_refuses_to_empty_the_table_in_one_statement(chain):
    # PostgreSQL refuses TRUNCATE while this test's own inserts have foreign-key checks
    # pending (a real TRUNCATE comes in a transaction of its own): run them first.
    connection.check_constraints()

    def empty():
        with connection.cursor() as cursor:
            cursor.execute(EMPTY_TABLE[connection.vendor])

    _refused(empty)
    assert AuditEntry.objects.count() == 5


def test_the_chain_head_stays_updatable_because_every_append_moves_it(chain):
    assert AuditChainHead.objects.update(seq=5) == 1


def test_the_dba_helper_lifts_the_refusal_only_inside_its_block(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=2).update(target_id="999")
    assert AuditEntry.objects.get(seq=2).target_id == "999"
    _refused(lambda: AuditEntry.objects.filter(seq=2).update(target_id="1000"))


def test_the_dba_helper_restores_the_refusal_when_its_block_fails(chain):
    with pytest.raises(RuntimeError), append_only_suspended():
        raise RuntimeError("the tampering went wrong")
    _refused(lambda: AuditEntry.objects.filter(seq=2).delete())
