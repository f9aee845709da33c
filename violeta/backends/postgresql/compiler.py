from typing import Any

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as DjangoInsertCompiler

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

# Up to this many values an insert is a VALUES list; beyond, Django's UNNEST.
VALUES_UP_TO = 200


class SQLInsertCompiler(DjangoInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if len(value_rows) * max(len(fields), 1) <= VALUES_UP_TO:
            # The generic compiler's VALUES list, skipping PostgreSQL's UNNEST.
            return super(DjangoInsertCompiler, self).assemble_as_sql(fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
