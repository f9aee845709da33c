"""Not an app: what the application asks of the database connection itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Lookup


def writes_return_rows() -> bool:
    """Whether INSERT and UPDATE may end in RETURNING (every supported database but SQLite
    before 3.35): a counter can then be advanced and read in one statement."""
    return bool(connection.features.can_return_columns_from_insert)


class AnyOf(Lookup):
    """``lhs`` is one of a list of values, the list sent as a single parameter:
    ``lhs = ANY(%s::type[])`` on PostgreSQL. ``IN (%s, %s, …)`` names each value, and the
    driver parses a statement that long anew every time (it caches only short ones): for a few
    hundred keys that is milliseconds. Elsewhere, ``IN``. Use as ``filter(AnyOf(F("pk"),
    keys))``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in self.rhs]
        if connection.vendor == "postgresql":
            array_type = field.cast_db_type(connection).split("(")[0]
            return f"{lhs_sql} = ANY(%s::{array_type}[])", [*lhs_params, values]
        if not values:
            raise EmptyResultSet
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs_sql} IN ({placeholders})", [*lhs_params, *values]
