"""The database itself refuses to change or remove audit entries.

Threat: code (or an operator in a database shell using the application's role) quietly
editing or deleting who did what. With these triggers that takes switching them off first,
which needs the table owner's rights; and the hash chain shows it afterwards anyway.

The chain head (audit_auditchainhead) is updated on every append and gets no trigger.
The SQL is written out here, not imported, so this migration means the same thing forever.
On SQLite, a later migration that rebuilds audit_auditentry drops these triggers and must
create them again.
"""

from django.db import NotSupportedError, migrations

TABLE = "audit_auditentry"

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_entry_refuse_update_delete
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()
    """,
    # TRUNCATE fires no row triggers; it needs a statement-level one of its own.
    f"""
    CREATE TRIGGER audit_entry_refuse_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_entry_refuse_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_refuse_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
]

# SQLite has no TRUNCATE: "DELETE FROM t" without WHERE is its equivalent, and its fast path
# is turned off when the table has triggers, so the DELETE trigger covers it.
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER audit_entry_refuse_update
    BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on {TABLE} refused');
    END
    """,
    f"""
    CREATE TRIGGER audit_entry_refuse_delete
    BEFORE DELETE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only: DELETE on {TABLE} refused');
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_entry_refuse_delete",
    "DROP TRIGGER IF EXISTS audit_entry_refuse_update",
]


def _run(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise NotSupportedError(f"No append-only triggers written for {vendor}.")
    for statement in statements_by_vendor[vendor]:
        # params=None: the statements contain "%" (plpgsql's RAISE) and take no parameters.
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
