"""The staff inbox: the cases a person may consult, with filters, search and pages."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from violeta.accounts import roles
from violeta.cases import services
from violeta.cases.forms_inbox import InboxFilterForm
from violeta.cases.models import Case
from violeta.cases.selectors_inbox import inbox_cases, inbox_rows, stage_names
from violeta.catalogs.selectors import catalog_reads_shared

PAGE_SIZE = 25
# Counted exactly up to this many cases; past it the page says "more than" (see
# CappedPaginator). 20 pages of 25: more than anyone pages through by hand.
COUNT_CAP = 500


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows.

    An exact COUNT(*) of a large result (every open case, for coordinación) reads every
    matching row: hundreds of milliseconds at a million cases, on every page of the inbox. Up
    to ``cap`` the count is exact and nothing changes; past it ``capped`` is true, ``count`` is
    ``cap`` and the pages stop at ``cap / per_page``. The count reads only primary keys, and
    stops at ``cap + 1`` rows.
    """

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        cap: int,
        rows: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap
        # Reads whole the rows of a page's ids (a subquery); by default the list itself,
        # narrowed to them.
        self.rows = rows or (lambda pks: self.queryset.filter(pk__in=pks))

    @cached_property
    def found(self) -> int:
        return self.queryset.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.found, self.cap)

    @property
    def capped(self) -> bool:
        return self.found > self.cap

    def page(self, number: Any) -> Page[Any]:
        """The page's rows in one query that finds their ids first: the ids come from the
        cases' indexes alone (filtered, ordered, offset), and only the page's rows are read
        whole. Read in one go, the database reads every skipped or rejected row whole."""
        page = super().page(number)
        sliced = page.object_list
        if isinstance(sliced, QuerySet):  # a list if the rows were already read
            page.object_list = self.rows(sliced.values("pk"))
        return page


@dataclasses.dataclass(frozen=True)
class InboxRow:
    """What one line of the inbox shows. Never a name or anything encrypted."""

    case: Case
    stage_name: str
    # The earliest of the next protocol deadline (a moment) and the viewer's next task (a day).
    due: datetime.datetime | datetime.date | None
    due_is_deadline: bool
    overdue: bool


def _row(case: Any, names: dict[tuple[int, str], str]) -> InboxRow:
    deadline_at = case.next_deadline_at
    task_on = case.next_task_on
    deadline_first = deadline_at is not None and (
        task_on is None or timezone.localtime(deadline_at).date() <= task_on
    )
    stage = case.run_stage or ""
    return InboxRow(
        case=case,
        stage_name=names.get((case.run_protocol_id, stage), stage),
        due=deadline_at if deadline_first else task_on,
        due_is_deadline=deadline_first,
        overdue=bool(case.overdue),
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not roles.handles_cases(request.user):
        raise Http404
    # The filter form's catalogs and protocols and the rows' stage names: one token read.
    with catalog_reads_shared():
        form = InboxFilterForm(request.GET, user=request.user)
        page, rows, searched = _listed(request, form)
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "searched": searched},
    )


def _listed(
    request: HttpRequest, form: InboxFilterForm
) -> tuple[Page[Any] | None, list[InboxRow], bool]:
    """The page of cases the filters ask for, its rows, and whether it was a search."""
    page: Page[Any] | None = None
    rows: list[InboxRow] = []
    searched = False
    if form.is_valid():
        filters = form.filters()
        searched = filters.searches
        paginator = CappedPaginator(
            inbox_cases(user=request.user, filters=filters, first=COUNT_CAP + 1),
            PAGE_SIZE,
            cap=COUNT_CAP,
            rows=lambda pks: inbox_rows(user=request.user, filters=filters, pks=pks),
        )
        # get_page: a page past the end shows the last one; a non-number, the first.
        page = paginator.get_page(request.GET.get("page"))
        cases = list(page.object_list)
        page.object_list = cases
        names = stage_names(cases=cases)
        rows = [_row(case, names) for case in cases]
        if searched:
            services.case_search_recorded(viewer=request.user, results=paginator.count)
    return page, rows, searched
