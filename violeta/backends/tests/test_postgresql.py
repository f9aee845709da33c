"""The PostgreSQL backend writes small multi-row inserts as VALUES and large ones as Django
does (UNNEST). Compiled without a server, so it runs whatever database the suite uses."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models.sql import InsertQuery

from violeta.audit.models import AuditEntry
from violeta.backends.postgresql.base import DatabaseWrapper
from violeta.backends.postgresql.compiler import VALUES_UP_TO

FIELDS = ["seq", "created_at", "origin", "action", "target_type", "target_id", "detail"]


@pytest.fixture
def postgresql() -> Any:
    settings: dict[str, Any] = {
        "ENGINE": "violeta.backends.postgresql",
        "NAME": "violeta",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    return DatabaseWrapper(settings)


def insert_sql(connection: Any, rows: int) -> tuple[str, Any]:
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    entries: list[Any] = [
        AuditEntry(
            seq=n,
            created_at=moment,
            origin="web",
            action="create",
            target_type="cases.Case",
            target_id=str(n),
            detail={},
        )
        for n in range(rows)
    ]
    query = InsertQuery(AuditEntry)
    fields: list[Any] = [AuditEntry._meta.get_field(name) for name in FIELDS]
    query.insert_values(fields, entries)
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, params


def test_a_small_insert_is_a_values_list(postgresql: Any) -> None:
    rows = VALUES_UP_TO // len(FIELDS)
    sql, params = insert_sql(postgresql, rows)
    assert "UNNEST" not in sql
    assert sql.count("(%s, %s, %s, %s, %s, %s, %s)") == rows
    assert len(params) == rows * len(FIELDS)


def test_a_large_insert_is_unnested_as_django_writes_it(postgresql: Any) -> None:
    rows = VALUES_UP_TO // len(FIELDS) + 1
    sql, params = insert_sql(postgresql, rows)
    assert "UNNEST" in sql
    assert len(params) == len(FIELDS)  # one array per column
    assert all(len(column) == rows for column in params)


def test_a_single_row_is_unchanged(postgresql: Any) -> None:
    sql, _params = insert_sql(postgresql, 1)
    assert "UNNEST" not in sql and sql.count("%s") == len(FIELDS)
