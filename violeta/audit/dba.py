"""What a database administrator can do to the append-only guard, in one place.

The triggers stop the application and honest mistakes; the table's owner can always switch
them off. This module does exactly that, so that tests can play the administrator who tampers
(and show that the hash chain, not the trigger, is what catches it) and so that ``flush`` can
empty a test database. Nothing in normal operation calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections, transaction

from violeta.audit.models import AuditEntry


@contextmanager
def append_only_suspended(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside the block, UPDATE, DELETE and TRUNCATE on the audit table are not refused.

    Runs in a transaction, so on both databases the suspension is invisible to other
    connections and undone even if the block fails. Needs the table owner's privileges.
    """
    connection = connections[using]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    # No try/finally: if the block fails, the rollback undoes the suspension too (DDL is
    # transactional on both databases), and on PostgreSQL a statement after an error would
    # only fail again and hide the original one.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE is refused while deferred foreign-key checks on the table are
            # pending (rows inserted earlier in this transaction): run them now.
            connection.check_constraints()
            # USER: only our triggers, not the internal ones that enforce foreign keys.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield
            connection.check_constraints()
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            # SQLite cannot disable a trigger: drop it and re-create it from its own stored
            # definition, so this stays right whatever the migrations made.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AuditEntry._meta.db_table],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            raise NotSupportedError(f"No append-only guard for {connection.vendor}.")
