"""``AnyOf``: a column among a list of values, sent as one parameter on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from violeta.accounts.models import User
from violeta.db import AnyOf
from violeta.testing.factories import UserFactory


@pytest.fixture
def users(db: Any) -> list[User]:
    return [UserFactory.create() for _ in range(4)]


def test_it_keeps_the_rows_whose_value_is_listed(users: list[User]) -> None:
    wanted = [users[0].pk, users[2].pk, 10**9]  # one that matches nothing
    found = User.objects.filter(AnyOf(F("pk"), wanted)).order_by("pk")
    assert list(found) == [users[0], users[2]]


def test_an_empty_list_matches_nothing(users: list[User]) -> None:
    assert not User.objects.filter(AnyOf(F("pk"), [])).exists()
    assert User.objects.exclude(AnyOf(F("pk"), [])).count() == len(users)


def test_it_combines_with_other_conditions(users: list[User]) -> None:
    keys = [user.pk for user in users]
    found = User.objects.filter(AnyOf(F("pk"), keys), email=users[1].email)
    assert list(found) == [users[1]]


def test_on_postgresql_the_list_is_one_parameter(users: list[User]) -> None:
    keys = [user.pk for user in users]
    with CaptureQueriesContext(connection) as captured:
        list(User.objects.filter(AnyOf(F("pk"), keys)))
    sql = captured.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and "IN (" not in sql
    else:
        assert "IN (" in sql
