"""The staff inbox: which cases a viewer sees in the list, filtered and annotated in SQL.

Every read starts from ``cases_visible_to`` (deny by default; a party never sees her own case).
The rows carry only what the list shows: folio, status, dependencia, protocol stage, registered
date, the next due date and whether something is overdue. Never a name or anything encrypted:
a search by identifier goes through the blind indexes, never through the encrypted columns.

A page costs a constant number of queries whatever its size: the stage and the next deadline
are the case's own columns (kept by ``cases.receivers``), the viewer's next task is a correlated
subquery on the page's own SELECT, and stage names come from the protocol versions, remembered
between requests (``stage_names``).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    CharField,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.db.models.functions import Cast, Coalesce, Least, Right, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.accounts import roles
from violeta.cases.models import (
    Case,
    CaseParty,
    CaseStatus,
    CaseTask,
    CaseViolenceModality,
    CaseViolenceType,
)
from violeta.cases.selectors import cases_assigned_to, cases_visible_to
from violeta.catalogs.models import CatalogEntry, Dependencia, ViolenceModality, ViolenceType
from violeta.catalogs.selectors import reference_read
from violeta.crypto.blind_index import blind_index
from violeta.db import AnyOf
from violeta.protocols.models import Deadline
from violeta.protocols.selectors_definitions import protocol_version_ids, protocol_versions
from violeta.protocols.services_definitions import protocol_definition

# ProtocolRun.subject_type of a case (protocols knows cases only by label and id).
CASE_SUBJECT = "cases.Case"
DUE_SOON_DAYS = 3
# Party columns searched for an exact identifier, each with its blind-index kind.
IDENTIFIER_INDEXES = (
    ("name_bidx", "name"),
    ("curp_bidx", "curp"),
    ("phone_bidx", "phone"),
    ("email_bidx", "email"),
    ("employee_number_bidx", "employee_number"),
)
# Folios are PREFIX-YEAR-NNNNN (services.intake.folio_next).
FOLIO_NUMBER_DIGITS = 5
# Up to this many cases with a due task of the viewer are named in the query by id.
TASK_CASES_INLINE = 500
# Up to this many candidates for the first rows in "due first" order are named by id (below
# the 999 parameters of older SQLite builds, with the query's other parameters).
DUE_FIRST_INLINE = 900


class Scope(TextChoices):
    MINE = "mios", _("Asignados a mí")
    ALL = "todos", _("Todos los que puedo consultar")


class StatusFilter(TextChoices):
    OPEN = CaseStatus.OPEN.value, _("Abiertos")
    CLOSED = CaseStatus.CLOSED.value, _("Cerrados")
    ALL = "todos", _("Todos")


class DueFilter(TextChoices):
    ANY = "", _("Sin filtro de plazos")
    SOON = "pronto", _("Vencen pronto")
    OVERDUE = "vencidos", _("Vencidos")


class Order(TextChoices):
    NEWEST = "recientes", _("Más recientes primero")
    DUE_FIRST = "vence", _("Vence primero")


class ContextFlag(TextChoices):
    """The derived context stored on the case (services.context)."""

    WORKPLACE = "is_workplace", _("Ámbito laboral")
    HIERARCHICAL = "is_hierarchical", _("Relación jerárquica")
    INTIMATE_PARTNER = "is_intimate_partner", _("Pareja o expareja")
    MINOR_VICTIM = "is_minor_victim", _("Persona afectada menor de edad")


def default_scope(*, user: Any) -> Scope:
    """Which cases the inbox opens on for this viewer.

    Atención and the autoridad work the cases assigned to them, so they start on "mine".
    Coordinación supervises every case and is never assigned, and an enlace sees only the
    cases she registered until the IMM takes them (she is never assigned either), so both
    start on everything they can see; "mine" would always be empty for them.
    """
    if roles.is_atencion(user) or roles.is_autoridad(user):
        return Scope.MINE
    return Scope.ALL


@dataclasses.dataclass(frozen=True, kw_only=True)
class InboxFilters:
    """What the viewer asked for. ``None`` scope means the viewer's default scope.

    ``stage`` is (protocol code, stage code); ``violence_type`` and ``violence_modality`` are
    (law, catalog code): codes, so a case classified under an older version of a catalog entry
    still matches the entry in force.
    """

    scope: Scope | None = None
    status: StatusFilter = StatusFilter.OPEN
    due: DueFilter = DueFilter.ANY
    due_days: int = DUE_SOON_DAYS
    stage: tuple[str, str] | None = None
    violence_type: tuple[str, str] | None = None
    violence_modality: tuple[str, str] | None = None
    dependencia: str = ""
    flags: frozenset[ContextFlag] = frozenset()
    q: str = ""
    order: Order = Order.NEWEST

    @property
    def searches(self) -> bool:
        return bool(self.q.strip())


class _SubjectId(Func):
    """A case's primary key as ``ProtocolRun.subject_id`` stores it: ``str(uuid)``.

    PostgreSQL casts a uuid to its hyphenated text. SQLite stores a UUIDField as 32 hex
    digits, so the hyphens are put back. Comparing the run's indexed column with this
    expression (not the other way round) keeps the (subject_type, subject_id) index usable.
    """

    arity = 1
    output_field = CharField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        return compiler.compile(Cast(self.source_expressions[0], output_field=CharField()))

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        pieces = " || '-' || ".join(f"substr({sql}, {start}, {length})" for start, length in parts)
        return f"({pieces})", tuple(params) * len(parts)


def next_deadline_of_case(case_pk: Any) -> QuerySet[Deadline, Any]:
    """The due time of the earliest unmet deadline of the run on the case ``case_pk`` (an
    expression such as ``OuterRef("pk")``), as a one-row subquery: what
    ``Case.next_deadline_at`` keeps (see ``cases.receivers``)."""
    return (
        Deadline.objects.filter(
            run__subject_type=CASE_SUBJECT, run__subject_id=_SubjectId(case_pk), met_at__isnull=True
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )


def case_next_deadline(case_pk: Any) -> QuerySet[Case, Any]:
    """The case's ``next_deadline_at``, as a subquery: what each active assignment of it keeps
    (``CaseAssignment.next_deadline_at``)."""
    return Case.objects.filter(pk=case_pk).values("next_deadline_at")[:1]


def _my_open_tasks(user: Any) -> QuerySet[CaseTask]:
    return CaseTask.objects.filter(case=OuterRef("pk"), assigned_to=user, done_at__isnull=True)


def _deadline_or_task(*, user: Any, deadlines: Q, tasks: Q) -> Q:
    """Cases whose next protocol deadline matches ``deadlines`` or with an open task of the
    viewer's matching ``tasks``.

    The deadline is a column of the case under an index. The viewer's matching tasks are
    usually few, so their cases are read first, as ids: an OR with an EXISTS would make the
    database test every case one by one.
    """
    task_cases = list(
        CaseTask.objects.filter(tasks, assigned_to=user, done_at__isnull=True)
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()[: TASK_CASES_INLINE + 1]
    )
    if not task_cases:
        return deadlines
    if len(task_cases) > TASK_CASES_INLINE:
        return deadlines | Q(Exists(_my_open_tasks(user).filter(tasks)))
    return deadlines | Q(pk__in=task_cases)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _ids(model: type[CatalogEntry], **lookup: str) -> list[int]:
    """The ids of the catalog rows that match ``lookup`` (every version of an entry), kept in
    memory under the catalogs' token like the catalogs themselves: a filter costs no lookup
    once asked for."""
    question = ("inbox filter ids", model._meta.label, tuple(sorted(lookup.items())))
    return list(
        reference_read(
            question,
            lambda: list(model._default_manager.filter(**lookup).values_list("pk", flat=True)),
        )
    )


def _identifier_match(q: str) -> Q:
    """Cases whose folio is q, or with a party whose exact identifier is q.

    Each blind-index kind normalises q its own way (case, accents, spacing, phone prefixes),
    so q is indexed once per kind and each kind is looked up. Nothing is decrypted and no LIKE
    touches an encrypted column. The match is a set of case ids in one subquery (a UNION of
    index lookups), so the database never scans every case to answer a search.
    """
    text = q.strip()
    folio_arms = Q(folio__iexact=text)
    if text.isdigit():
        # "42" is the case numbered 42 in any year: IMM-2026-00042. "Ends with" is written as
        # "its last characters equal", which the folio suffix index answers (LIKE '%-00042'
        # reads every case); a number past five digits has a longer suffix, compared alike.
        suffix = f"-{int(text):0{FOLIO_NUMBER_DIGITS}d}"
        folio_arms |= Q(Exact(Right("folio", len(suffix)), suffix))
    by_folio = Case.objects.filter(folio_arms).order_by().values("pk")
    # One arm per blind index, each read from its (identifier, case) index alone; an OR of
    # them in one arm would read every matching party row (tens of thousands for a common
    # name).
    by_party = [
        CaseParty.objects.filter(**{column: digest}).order_by().values("case_id")
        for column, kind in IDENTIFIER_INDEXES
        if (digest := blind_index(kind, text))
    ]
    if not by_party:
        return Q(pk__in=by_folio)
    return Q(pk__in=by_folio.union(*by_party))


def _due_first_candidates(
    cases: QuerySet[Case], *, user: Any, first: int, dated: QuerySet[Case] | None = None
) -> QuerySet[Case]:
    """``cases`` narrowed to a set that holds their first ``first`` in "due first" order.

    That order is by a value computed per case (the earlier of its next deadline and the
    viewer's next task), which no index holds: sorted whole, a million cases take seconds.
    But the viewer's task cases are few, and the others are ordered by their next deadline's
    day, which the index on ``next_deadline_at`` walks in order, then (without one) newest
    first. So the candidates are: the viewer's task cases; the others due up to the day of
    the ``first``-th of them; and, if fewer than ``first`` have a deadline, the newest of those
    without one, enough to make up ``first``. The caller's order then sorts a few hundred rows.

    ``dated``: the same cases as ``cases`` among those with a deadline, found another way
    (in "mine", through her assignments that keep their cases' next deadlines).

    The candidates are read as ids (up to ``DUE_FIRST_INLINE``), so that the count and the
    page look up those cases by key instead of walking the index and testing each case
    against the viewer again; past that they are named by the same conditions instead.
    """
    task_cases = list(
        CaseTask.objects.filter(assigned_to=user, done_at__isnull=True)
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()[: TASK_CASES_INLINE + 1]
    )
    if len(task_cases) > TASK_CASES_INLINE:
        return cases
    others = cases.exclude(pk__in=task_cases)
    with_deadline = (
        others.filter(next_deadline_at__isnull=False)
        if dated is None
        else dated.exclude(pk__in=task_cases).filter(next_deadline_at__isnull=False)
    )
    first_dated = list(
        with_deadline.order_by("next_deadline_at", "pk").values_list("pk", "next_deadline_at")[
            :first
        ]
    )
    candidates = {pk for pk, _due in first_dated} | set(task_cases)
    mine = Q(pk__in=task_cases)
    if len(first_dated) == first:
        last_due = first_dated[-1][1]
        day_end = _day_start(timezone.localtime(last_due).date() + datetime.timedelta(days=1))
        # The rest of that day: within a day the order is the newest first, not the hour.
        candidates.update(
            others.filter(next_deadline_at__gte=last_due, next_deadline_at__lt=day_end)
            .order_by()
            .values_list("pk", flat=True)[: DUE_FIRST_INLINE + 1]
        )
        if len(candidates) > DUE_FIRST_INLINE:
            return cases.filter(Q(next_deadline_at__lt=day_end) | mine)
        return cases.filter(AnyOf(F("pk"), candidates))
    missing = first - len(first_dated)
    newest = list(
        others.filter(next_deadline_at__isnull=True)
        .order_by("-registered_at", "-pk")
        .values_list("pk", "registered_at")[:missing]
    )
    candidates.update(pk for pk, _registered in newest)
    if len(candidates) > DUE_FIRST_INLINE:
        undated = Q(next_deadline_at__isnull=True)
        if len(newest) == missing:
            undated &= Q(registered_at__gte=newest[-1][1])
        return cases.filter(Q(next_deadline_at__isnull=False) | undated | mine)
    return cases.filter(AnyOf(F("pk"), candidates))


def inbox_cases(*, user: Any, filters: InboxFilters, first: int | None = None) -> QuerySet[Case]:
    """The viewer's inbox: visible cases, filtered and annotated in SQL.

    Annotations: ``next_task_on`` (earliest open task assigned to the viewer), ``next_due_on``
    (the earlier of that and the case's ``next_deadline_at``, as a local date) and ``overdue``
    (either of them is past).

    "Due soon" and "overdue" look at the same two things: the case's unmet protocol deadlines
    (everyone's concern) and the open tasks assigned to the viewer. "Soon" means from now to
    the end of the day ``due_days`` from today, not yet overdue.

    ``first``: the caller reads no more than the first ``first`` rows (the inbox counts and
    pages up to a cap). In "due first" order the query is then narrowed to a set that holds
    them (``_due_first_candidates``), so that the database sorts hundreds of rows, not all.
    """
    now = timezone.now()
    today = timezone.localdate()
    scope = filters.scope or default_scope(user=user)
    # "Mine" is the visible cases she is assigned to, which are her assigned cases.
    # Her party cases (almost always none) are read first: the count is then answered from
    # the cases' indexes alone.
    if scope == Scope.MINE:
        cases = cases_assigned_to(user=user, parties_first=True)
    else:
        cases = cases_visible_to(user=user, parties_first=True)

    def narrowed(cases: QuerySet[Case]) -> QuerySet[Case]:
        if filters.status != StatusFilter.ALL:
            cases = cases.filter(status=filters.status.value)
        # Catalog codes are turned into row ids first (one small query each, remembered under the
        # catalogs' token): every version of an entry shares its code, and with the ids in the
        # query the planner can use its statistics of each id. With a join to the catalog instead
        # it guesses, and may read every incident of a million cases to find a type nobody uses.
        if filters.dependencia:
            cases = cases.filter(dependencia__in=_ids(Dependencia, code=filters.dependencia))
        if filters.flags:
            cases = cases.filter(**{flag.value: True for flag in filters.flags})
        if filters.stage is not None:
            protocol_code, stage_code = filters.stage
            versions = protocol_version_ids(code=protocol_code)
            # The case keeps its run's version and stage (cases.receivers), under an index.
            cases = cases.filter(run_stage=stage_code, run_protocol__in=versions)
        # Each case's types and modalities are kept per case (CaseViolenceType, ...Modality),
        # indexed by the catalog entry: the database starts from the entry's cases, which for a
        # rare type are few, instead of testing every case's incidents.
        if filters.violence_type is not None:
            law, code = filters.violence_type
            types = _ids(ViolenceType, law=law, code=code)
            cases = cases.filter(
                pk__in=CaseViolenceType.objects.filter(violence_type__in=types).values("case_id")
            )
        if filters.violence_modality is not None:
            law, code = filters.violence_modality
            modalities = _ids(ViolenceModality, law=law, code=code)
            cases = cases.filter(
                pk__in=CaseViolenceModality.objects.filter(violence_modality__in=modalities).values(
                    "case_id"
                )
            )
        if filters.due == DueFilter.SOON:
            last_day = today + datetime.timedelta(days=filters.due_days)
            cases = cases.filter(
                _deadline_or_task(
                    user=user,
                    deadlines=Q(
                        next_deadline_at__gte=now,
                        next_deadline_at__lt=_day_start(last_day + datetime.timedelta(days=1)),
                    ),
                    tasks=Q(due_on__gte=today, due_on__lte=last_day),
                )
            )
        elif filters.due == DueFilter.OVERDUE:
            cases = cases.filter(
                _deadline_or_task(
                    user=user, deadlines=Q(next_deadline_at__lt=now), tasks=Q(due_on__lt=today)
                )
            )
        if filters.searches:
            cases = cases.filter(_identifier_match(filters.q))
        return cases

    cases = narrowed(cases)
    if filters.order == Order.DUE_FIRST and first is not None:
        dated = None
        if scope == Scope.MINE:
            # Her cases with a deadline found through her assignments that keep it (a few
            # thousand at the most, under their own index), not by testing her assignment on
            # every case with a deadline.
            dated = narrowed(cases_assigned_to(user=user, parties_first=True, with_deadline=True))
        cases = _due_first_candidates(cases, user=user, first=first, dated=dated)
    return _inbox_annotated(cases, user=user, order=filters.order)


def inbox_rows(*, user: Any, filters: InboxFilters, pks: Any) -> QuerySet[Case]:
    """The cases ``pks`` (ids taken from ``inbox_cases`` for the same viewer and filters, such
    as one page of them, as a subquery) annotated and ordered as the inbox shows them. The
    filters are not applied again: the ids already passed them."""
    return _inbox_annotated(Case.objects.filter(pk__in=pks), user=user, order=filters.order)


def _inbox_annotated(cases: QuerySet[Case], *, user: Any, order: Order) -> QuerySet[Case]:
    now = timezone.now()
    today = timezone.localdate()
    next_task_on = Subquery(_my_open_tasks(user).order_by("due_on").values("due_on")[:1])
    next_deadline_on = TruncDate("next_deadline_at")
    # The account is never shown in the list (nothing encrypted is): its ciphertext, often
    # kilobytes, is not even read.
    cases = (
        cases.select_related("dependencia")
        .defer("account")
        .annotate(
            next_task_on=next_task_on,
            # LEAST is NULL on SQLite if either side is; the coalesces make it ignore a
            # missing side.
            next_due_on=Least(
                Coalesce(F("next_task_on"), next_deadline_on),
                Coalesce(next_deadline_on, F("next_task_on")),
                output_field=DateField(),
            ),
            overdue=Q(next_deadline_at__lt=now) | Q(next_task_on__lt=today),
        )
    )
    if order == Order.DUE_FIRST:
        return cases.order_by(F("next_due_on").asc(nulls_last=True), "-registered_at", "-pk")
    return cases.order_by("-registered_at", "-pk")


def stage_names(*, cases: Iterable[Case]) -> dict[tuple[int, str], str]:
    """(protocol version id, stage code) -> the stage's name in the viewer's language, for the
    rows given (annotated by ``inbox_cases``). The versions are remembered
    (``protocol_versions``): no query once they were read, whatever the number of rows."""
    rows = list(cases)
    version_ids: set[int] = {
        version for row in rows if (version := getattr(row, "run_protocol_id", None)) is not None
    }
    if not version_ids:
        return {}
    language = get_language()
    names: dict[tuple[int, str], str] = {}
    for version in protocol_versions(version_ids).values():
        for stage in protocol_definition(version).stages:
            names[(version.pk, stage.code)] = stage.name.text(language)
    return names
