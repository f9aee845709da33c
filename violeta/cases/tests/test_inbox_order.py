"""The inbox's pages and its "vence primero" order against one unpaged, unnarrowed read."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from violeta.cases.models import Case
from violeta.cases.selectors_inbox import InboxFilters, Order, StatusFilter, inbox_cases, inbox_rows
from violeta.cases.tests.test_inbox import task_for
from violeta.testing.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", [Order.NEWEST, Order.DUE_FIRST])
def test_each_page_holds_the_rows_of_that_slice_in_the_same_order(
    catalogs, enlace, coordinacion, order
):
    from violeta.cases.views.inbox import CappedPaginator

    for _ in range(7):
        make_case(registered_by=enlace, protocol="chihuahua-municipal")
    make_case(registered_by=enlace)  # no protocol: no deadline, last when due first
    filters = InboxFilters(status=StatusFilter.ALL, order=order)
    expected = [case.pk for case in inbox_cases(user=coordinacion, filters=filters)]
    for rows in (None, lambda pks: inbox_rows(user=coordinacion, filters=filters, pks=pks)):
        paginator = CappedPaginator(
            inbox_cases(user=coordinacion, filters=filters), 3, cap=500, rows=rows
        )
        pages = [[case.pk for case in paginator.page(number).object_list] for number in (1, 2, 3)]
        assert [len(page) for page in pages] == [3, 3, 2]
        assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("status", [StatusFilter.OPEN, StatusFilter.ALL])
@pytest.mark.parametrize("with_tasks", [0.0, 0.3], ids=["no-tasks", "tasks"])
@pytest.mark.parametrize("inline", [900, 2], ids=["by-id", "by-condition"])
def test_due_first_narrowed_to_the_first_rows_gives_the_same_first_rows(
    frozen, catalogs, enlace, coordinacion, seed, status, with_tasks, inline, monkeypatch
):
    # The candidates are named by id, or past DUE_FIRST_INLINE of them by conditions.
    monkeypatch.setattr("violeta.cases.selectors_inbox.DUE_FIRST_INLINE", inline)
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    now = timezone.now()
    for _ in range(14):
        case = make_case(registered_by=enlace)
        # Some share a day; about a third have no deadline.
        hours = None if rng.random() < 0.35 else rng.choice(range(-72, 97, 6))
        Case.objects.filter(pk=case.pk).update(
            registered_at=now - datetime.timedelta(hours=rng.randint(1, 400)),
            next_deadline_at=None if hours is None else now + datetime.timedelta(hours=hours),
            status=rng.choice(["abierto", "abierto", "cerrado"]),
        )
        if rng.random() < with_tasks:
            task_for(
                case,
                user=coordinacion,
                due_on=timezone.localdate() + datetime.timedelta(days=rng.randint(-3, 6)),
                done=rng.random() < 0.3,
            )
    filters = InboxFilters(status=status, order=Order.DUE_FIRST)
    whole = [case.pk for case in inbox_cases(user=coordinacion, filters=filters)]
    assert len(whole) > 3
    for first in range(1, len(whole) + 2):
        narrowed = inbox_cases(user=coordinacion, filters=filters, first=first)
        assert [case.pk for case in narrowed][:first] == whole[:first]
        assert narrowed.count() >= min(first, len(whole))


def test_due_first_by_id_never_leaves_out_cases_due_later_the_same_day(
    frozen, catalogs, enlace, coordinacion, monkeypatch
):
    # Within a day the newest case comes first, whatever the hour: the one due last that day
    # leads. With room for two ids and four cases that day, the ids would leave it out.
    monkeypatch.setattr("violeta.cases.selectors_inbox.DUE_FIRST_INLINE", 2)
    day = timezone.localtime().replace(hour=6, minute=0, second=0, microsecond=0)
    day += datetime.timedelta(days=1)
    now = timezone.now()
    cases = []
    for index in range(4):
        case = make_case(registered_by=enlace)
        Case.objects.filter(pk=case.pk).update(
            registered_at=now - datetime.timedelta(hours=10 - index),
            next_deadline_at=day + datetime.timedelta(hours=3 * index),
        )
        cases.append(case.pk)
    filters = InboxFilters(status=StatusFilter.ALL, order=Order.DUE_FIRST)
    whole = [case.pk for case in inbox_cases(user=coordinacion, filters=filters)]
    assert whole[0] == cases[-1]
    narrowed = inbox_cases(user=coordinacion, filters=filters, first=1)
    assert narrowed[0].pk == cases[-1]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("status", [StatusFilter.OPEN, StatusFilter.CLOSED, StatusFilter.ALL])
@pytest.mark.parametrize("with_tasks", [0.0, 0.3], ids=["no-tasks", "tasks"])
def test_due_first_in_mine_through_her_assignments_gives_the_same_first_rows(
    frozen, catalogs, enlace, coordinacion, atencion, seed, status, with_tasks
):
    """ "Mine" finds her cases with a deadline through her assignments, which keep their
    cases' next deadlines (set here as the receivers set them); a case she is not assigned
    to, or no longer, never comes in, whatever its deadline."""
    from violeta.cases.models import CaseAssignment
    from violeta.cases.selectors_inbox import Scope
    from violeta.testing.factories import assign_to_affected

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    now = timezone.now()
    for index in range(24):
        case = make_case(registered_by=enlace)
        hours = None if rng.random() < 0.35 else rng.choice(range(-72, 97, 6))
        due = None if hours is None else now + datetime.timedelta(hours=hours)
        Case.objects.filter(pk=case.pk).update(
            registered_at=now - datetime.timedelta(hours=rng.randint(1, 400)),
            next_deadline_at=due,
            status=rng.choice(["abierto", "abierto", "cerrado"]),
        )
        if index % 5 == 4:
            continue  # not hers
        assignment = assign_to_affected(case, by=coordinacion, worker=atencion)
        ended = index % 7 == 6
        CaseAssignment.objects.filter(pk=assignment.pk).update(
            next_deadline_at=due, ended_at=now if ended else None
        )
        if rng.random() < with_tasks:
            task_for(
                case,
                user=atencion,
                due_on=timezone.localdate() + datetime.timedelta(days=rng.randint(-3, 6)),
                done=rng.random() < 0.3,
            )
    filters = InboxFilters(scope=Scope.MINE, status=status, order=Order.DUE_FIRST)
    whole = [case.pk for case in inbox_cases(user=atencion, filters=filters)]
    mine = set(
        CaseAssignment.objects.filter(user=atencion, ended_at__isnull=True).values_list(
            "case_id", flat=True
        )
    )
    assert set(whole) <= mine
    assert len(whole) > 2
    for first in range(1, len(whole) + 2):
        narrowed = inbox_cases(user=atencion, filters=filters, first=first)
        assert [case.pk for case in narrowed][:first] == whole[:first]
        assert narrowed.count() >= min(first, len(whole))
