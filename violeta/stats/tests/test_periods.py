"""Only complete months are published, and only whole calendar years can be chosen."""

from __future__ import annotations

import datetime

import pytest

from violeta.stats.facts import attention_bucket, deadline_outcome
from violeta.stats.tables import last_complete_month, period_for, years_available


def test_the_current_year_runs_to_the_last_complete_month() -> None:
    period = period_for(2026, datetime.date(2026, 11, 28))
    assert period is not None
    assert (period.first, period.last) == (datetime.date(2026, 1, 1), datetime.date(2026, 10, 1))
    assert len(period.months) == 10


def test_in_january_the_newest_year_is_the_one_before() -> None:
    today = datetime.date(2027, 1, 3)
    assert last_complete_month(today) == datetime.date(2026, 12, 1)
    assert period_for(2027, today) is None
    period = period_for(2026, today)
    assert period is not None and period.last == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_with_no_case_the_only_year_is_the_newest_complete_one() -> None:
    assert years_available(datetime.date(2026, 11, 28)) == [2026]
    assert years_available(datetime.date(2027, 1, 3)) == [2026]


def test_first_attention_buckets() -> None:
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    hours = datetime.timedelta(hours=1)
    assert attention_bucket(start, None) == "sin_atencion"
    assert attention_bucket(start, start - hours) == "hasta_24h"  # recorded before: no wait
    assert attention_bucket(start, start + 24 * hours) == "hasta_24h"
    assert attention_bucket(start, start + 25 * hours) == "1_a_3_dias"
    assert attention_bucket(start, start + 100 * hours) == "4_a_7_dias"
    assert attention_bucket(start, start + 200 * hours) == "8_a_30_dias"
    assert attention_bucket(start, start + 800 * hours) == "mas_de_30_dias"


def test_deadline_outcomes() -> None:
    due = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    minute = datetime.timedelta(minutes=1)
    assert deadline_outcome(due, due, None) == "a_tiempo"
    assert deadline_outcome(due, due + minute, due) == "tarde"
    assert deadline_outcome(due, None, due + minute) == "vencido"
    assert deadline_outcome(due, None, None) == "en_curso"
