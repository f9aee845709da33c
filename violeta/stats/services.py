"""Keeping the rollup equal to the records: mark, refresh, rebuild, verify."""

from __future__ import annotations

import contextvars
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from violeta.cases.models import Case
from violeta.stats.facts import Contribution, KnownCase, contributions, month_of
from violeta.stats.models import CaseFact, PendingFact, RollupCell

BATCH = 2000
RollupKey = tuple[Any, str, str, str]  # (month, dependencia, dimension, value)

_UPSERT = (
    "INSERT INTO stats_rollupcell (month, dependencia, dimension, value, n) VALUES {rows} "
    "ON CONFLICT (month, dependencia, dimension, value) "
    "DO UPDATE SET n = stats_rollupcell.n + excluded.n"
)
# Cells per statement: 5 parameters each stays far below SQLite's and PostgreSQL's limits.
UPSERT_ROWS = 500


def _rollup_keys(month: Any, dependencia: str, rows: Iterable[Sequence[Any]]) -> Counter[RollupKey]:
    counts: Counter[RollupKey] = Counter()
    for dimension, value, n in rows:
        counts[(month, dependencia, dimension, value)] += n
    return counts


def _contribution_keys(contribution: Contribution) -> Counter[RollupKey]:
    if not contribution.counted:
        return Counter()
    return _rollup_keys(contribution.month, contribution.dependencia, contribution.as_rows())


def _fact_keys(fact: CaseFact) -> Counter[RollupKey]:
    if not fact.counted:
        return Counter()
    return _rollup_keys(fact.month, fact.dependencia, fact.cells)


def _apply(deltas: Counter[RollupKey]) -> None:
    # One statement for up to UPSERT_ROWS changed cells, in key order so two refreshes never
    # deadlock (each key appears once, as one statement may change a row only once). The
    # upsert (INSERT … ON CONFLICT DO UPDATE, in SQLite and PostgreSQL) adds atomically: two
    # transactions adding to the same cell both count.
    rows = [(*key, n) for key, n in sorted(deltas.items(), key=lambda item: item[0]) if n]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start : start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(_UPSERT.format(rows=values), [v for row in chunk for v in row])


class _RefreshOnCommit:
    """The one commit callback of a transaction: the cases it marked."""

    def __init__(self) -> None:
        self.ids: set[UUID] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        facts_refresh(self.ids)


def _callback_of_transaction() -> _RefreshOnCommit | None:
    # Django drops a rolled-back transaction's (or savepoint's) callbacks, so a callback still
    # in the list belongs to the transaction in progress.
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, _RefreshOnCommit) and not callback.ran:
            return callback
    return None


@dataclasses.dataclass
class _NewCases:
    """The cases whose facts the transaction in progress writes itself before it commits (see
    ``facts_of_new_cases``): their marks go nowhere else. ``known``: those whose writer gave
    what they contribute from the rows in hand (``new_case_known``); ``read``: those to read
    from the database all the same, because a row that the writer's rows do not cover was
    written for them, or a row after the writer gave them."""

    ids: set[UUID]
    known: dict[UUID, KnownCase] = dataclasses.field(default_factory=dict)
    read: set[UUID] = dataclasses.field(default_factory=set)


_NEW_CASES: contextvars.ContextVar[_NewCases | None] = contextvars.ContextVar(
    "stats_new_cases", default=None
)

# The rows whose writes a new case's rows in hand cover (``facts.known_case``: the case, its
# parties, incidents, classification and consents; its protocol's rows, whose deadlines are
# read all the same).
IN_HAND: frozenset[str] = frozenset(
    {
        "cases.Case",
        "cases.CaseParty",
        "cases.Incident",
        "cases.Incident_violence_types",
        "cases.Incident_violence_modalities",
        "cases.ConsentDecision",
        "protocols.StageChange",
        "protocols.Deadline",
    }
)


def pending_mark(case_ids: Iterable[UUID], *, written: str | None = None) -> None:
    """Note, inside the writing transaction, that these cases' facts must be recomputed, and
    recompute them once the transaction commits: one mark and one refresh per case and
    transaction, however many rows of the case it writes. ``written``: the model whose row
    was written (``app_label.Model``), when the mark comes from one."""
    ids = {case_id for case_id in case_ids if case_id is not None}
    new_cases = _NEW_CASES.get()
    if new_cases is not None:
        ours = ids & new_cases.ids
        if ours and (written not in IN_HAND or ours & new_cases.known.keys()):
            new_cases.read |= ours
        ids -= new_cases.ids
    callback = _callback_of_transaction() if connection.in_atomic_block else None
    if callback is not None:
        ids -= callback.ids
    if not ids:
        return
    PendingFact.objects.bulk_create(
        [PendingFact(case_id=case_id) for case_id in ids], ignore_conflicts=True
    )
    if callback is None:
        callback = _RefreshOnCommit()
        callback.ids |= ids
        transaction.on_commit(callback, robust=True)
    else:
        callback.ids |= ids


def new_case_known(known: KnownCase) -> None:
    """Inside ``facts_of_new_cases``, once every row of a new case is written: its writer's
    rows in hand, from which its fact is computed without reading it back. Ignored for a case
    the block is not writing."""
    new_cases = _NEW_CASES.get()
    if new_cases is not None and known.row["id"] in new_cases.ids:
        new_cases.known[known.row["id"]] = known


@contextmanager
def facts_of_new_cases(case_ids: Iterable[UUID]) -> Iterator[None]:
    """Around the writing of cases that do not exist yet (the intake), inside its transaction:
    their facts are computed from what the block wrote and written, with their share of the
    rollup, when it ends, so they commit with the cases. No mark, no refresh after the commit:
    there is no moment at which the cases exist and their facts do not.

    The facts are computed by ``contributions``, as every refresh computes them, from the
    rows the writer has in hand when it gives them (``new_case_known``) and nothing but rows
    they cover was written for the case, from the database otherwise. A fact that already
    exists for one of these cases is an error (its insert fails and the transaction with it):
    the block is for new cases only. Writes of other cases inside the block are marked and
    refreshed after the commit as usual. Nested blocks add their cases to the outer one."""
    if not connection.in_atomic_block:
        raise RuntimeError("facts_of_new_cases() must run inside the writing transaction")
    ids = set(case_ids)
    outer = _NEW_CASES.get()
    if outer is not None:
        outer.ids |= ids
        yield
        return
    new_cases = _NewCases(ids=ids)
    token = _NEW_CASES.set(new_cases)
    try:
        yield
    finally:
        _NEW_CASES.reset(token)
    known = {
        case_id: item for case_id, item in new_cases.known.items() if case_id not in new_cases.read
    }
    _facts_insert(sorted(ids, key=str), known=known)


def _fact_of(contribution: Contribution) -> CaseFact:
    return CaseFact(
        case_id=contribution.case_id,
        counted=contribution.counted,
        month=contribution.month,
        dependencia=contribution.dependencia,
        cells=contribution.as_rows(),
    )


def _facts_insert(ids: list[UUID], *, known: dict[UUID, KnownCase] | None = None) -> None:
    """The facts of cases that have none, and their share of the rollup."""
    deltas: Counter[RollupKey] = Counter()
    facts = []
    for contribution in contributions(ids, known=known).values():
        deltas.update(_contribution_keys(contribution))
        facts.append(_fact_of(contribution))
    CaseFact.objects.bulk_create(facts)
    _apply(deltas)


def facts_refresh(case_ids: Iterable[UUID]) -> int:
    """Recompute these cases' facts and apply the difference to the rollup. Returns how many
    facts changed."""
    ids = sorted(set(case_ids), key=str)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(ids[start : start + BATCH])
    return changed


def _placeholders(ids: list[UUID]) -> None:
    """A blank fact (counted in nothing) for each of these cases that exists and has none, in
    one statement that reads nothing back. Its month and dependencia are overwritten by the
    refresh that follows; uncounted, it adds nothing to the rollup meanwhile."""
    pk = Case._meta.pk
    quote = connection.ops.quote_name
    facts, cases, key = quote(CaseFact._meta.db_table), quote(Case._meta.db_table), quote(pk.column)
    cells = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    marks = ", ".join(["%s"] * len(ids))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {facts} "  # noqa: S608 - names from the models
            "(case_id, counted, month, dependencia, cells, computed_at) "
            f"SELECT {key}, false, %s, '', {cells}, %s FROM {cases} "
            f"WHERE {key} IN ({marks}) ON CONFLICT (case_id) DO NOTHING",
            [
                connection.ops.adapt_datefield_value(month_of(now)),
                connection.ops.adapt_datetimefield_value(now),
                *(pk.get_db_prep_value(case_id, connection) for case_id in ids),
            ],
        )


def _refresh_batch(ids: list[UUID]) -> int:
    with transaction.atomic():
        # Placeholders first, so that every fact row exists and can be locked: two refreshes
        # of the same case then run one after the other.
        _placeholders(ids)
        facts = {
            fact.case_id: fact
            for fact in CaseFact.objects.select_for_update().filter(case_id__in=ids).order_by("pk")
        }
        fresh = contributions(ids)
        deltas: Counter[RollupKey] = Counter()
        to_update = []
        for case_id, fact in facts.items():
            contribution = fresh.get(case_id)
            if contribution is None:
                continue  # the case is being deleted; its pre_delete removed the contribution
            new_rows = contribution.as_rows()
            if (
                fact.counted == contribution.counted
                and fact.month == contribution.month
                and fact.dependencia == contribution.dependencia
                and fact.cells == new_rows
            ):
                continue
            deltas.update(_contribution_keys(contribution))
            deltas.subtract(_fact_keys(fact))
            fact.counted = contribution.counted
            fact.month = contribution.month
            fact.dependencia = contribution.dependencia
            fact.cells = new_rows
            to_update.append(fact)
        _apply(deltas)
        if to_update:
            CaseFact.objects.bulk_update(to_update, ["counted", "month", "dependencia", "cells"])
        PendingFact.objects.filter(case_id__in=ids).delete()
    return len(to_update)


def fact_remove(case_id: UUID) -> None:
    """A case is being deleted: take its contribution out of the rollup."""
    with transaction.atomic():
        fact = CaseFact.objects.select_for_update().filter(case_id=case_id).first()
        if fact is None:
            return
        deltas: Counter[RollupKey] = Counter()
        deltas.subtract(_fact_keys(fact))
        _apply(deltas)
        fact.delete()
        PendingFact.objects.filter(case_id=case_id).delete()


def pending_refresh(*, limit: int = 5000) -> int:
    """Recompute the facts a crash or a rolled-back refresh left pending (usually none)."""
    ids = list(PendingFact.objects.order_by("marked_at").values_list("case_id", flat=True)[:limit])
    if not ids:
        return 0
    present = set(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
    PendingFact.objects.filter(case_id__in=[i for i in ids if i not in present]).delete()
    return facts_refresh(present)


def _case_batches() -> Iterator[list[UUID]]:
    """Every case's id, in batches, by keyset pagination on the primary key."""
    last = None
    while True:
        page = Case.objects.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        last = ids[-1]
        yield ids


@dataclasses.dataclass
class RebuildReport:
    cases: int = 0
    counted: int = 0
    cells: int = 0


def facts_rebuild(*, progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Recompute every fact and the whole rollup from the records: set-based SQL on
    PostgreSQL (``rebuild_sql``), batches through ``facts.contributions`` elsewhere."""
    report = RebuildReport()
    if connection.vendor == "postgresql":
        from violeta.stats.rebuild_sql import rebuild_sql

        with transaction.atomic():
            report.cases, report.counted, report.cells = rebuild_sql()
        return report
    total = Case.objects.count()
    rollup: Counter[RollupKey] = Counter()
    with transaction.atomic():
        PendingFact.objects.all().delete()
        CaseFact.objects.all().delete()
        RollupCell.objects.all().delete()
        for ids in _case_batches():
            batch = contributions(ids)
            facts = []
            for contribution in batch.values():
                facts.append(_fact_of(contribution))
                rollup.update(_contribution_keys(contribution))
                report.counted += contribution.counted
            CaseFact.objects.bulk_create(facts, batch_size=1000)
            report.cases += len(ids)
            if progress is not None:
                progress(report.cases, total)
        cells = [
            RollupCell(month=month, dependencia=dep, dimension=dim, value=value, n=n)
            for (month, dep, dim, value), n in sorted(rollup.items(), key=lambda item: item[0])
            if n
        ]
        RollupCell.objects.bulk_create(cells, batch_size=2000)
        report.cells = len(cells)
    return report


def rollup_differences() -> dict[RollupKey, tuple[int, int]]:
    """Every cell where the stored rollup and a fresh computation from the records disagree:
    {key: (stored, fresh)}. Empty when all is well."""
    fresh: Counter[RollupKey] = Counter()
    for ids in _case_batches():
        for contribution in contributions(ids).values():
            fresh.update(_contribution_keys(contribution))
    stored: Counter[RollupKey] = Counter()
    for month, dep, dim, value, n in RollupCell.objects.values_list(
        "month", "dependencia", "dimension", "value", "n"
    ):
        stored[(month, dep, dim, value)] += n
    keys = {key for key, n in stored.items() if n} | {key for key, n in fresh.items() if n}
    return {key: (stored[key], fresh[key]) for key in keys if stored[key] != fresh[key]}
