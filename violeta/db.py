"""Not an app: what the application asks of the database connection itself."""

from __future__ import annotations

from django.db import connection


def writes_return_rows() -> bool:
    """Whether INSERT and UPDATE may end in RETURNING (every supported database but SQLite
    before 3.35): a counter can then be advanced and read in one statement."""
    return bool(connection.features.can_return_columns_from_insert)
