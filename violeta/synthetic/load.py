"""Writing the generated rows: COPY into PostgreSQL, executemany elsewhere (SQLite).

The whole load is one transaction: it commits completely or not at all. Inside it the folio
counters are advanced under their row locks (so intake afterwards continues after the
synthetic folios) and a block of protocol-run ids is reserved.

On PostgreSQL, COPY's cost is dominated by index maintenance (every row of ~55 per case lands
in several B-trees keyed by random UUIDs), not by the heap. For a large load the indexes and
the primary, unique and foreign key constraints of the tables written are therefore dropped
inside the transaction and created again after the rows are in: a B-tree built by sorting is
several times cheaper than one grown row by row, and re-adding a foreign key validates every
row in one join. Nothing is disabled: the constraints are created again, and checked, before
the commit, and if any check fails the whole load (drops included) is rolled back. Meanwhile
other sessions wait on those tables (ACCESS EXCLUSIVE), which is why this is a loader for a
database without real cases.
"""

from __future__ import annotations

import collections
import dataclasses
import multiprocessing
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from django.db import connection, connections, transaction

from violeta.cases.models import FolioCounter
from violeta.crypto.models import DataKey
from violeta.protocols.models import ProtocolRun
from violeta.synthetic import tables as t
from violeta.synthetic.generate import CHUNK, ChunkGenerator
from violeta.synthetic.sealer import Sealer
from violeta.synthetic.world import World

# Below this many cases (or when the tables already hold more than twice as many), indexes are
# kept and maintained row by row: rebuilding them would cost more than it saves.
REBUILD_MIN_CASES = 20_000

# Set in the parent before the worker processes fork; the workers only read them.
_world: World | None = None
_sealer: Sealer | None = None


@dataclasses.dataclass
class LoadReport:
    cases: int = 0
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0
    load_seconds: float = 0.0
    # Of ``load_seconds``, the time this process spent handing rows to the database (COPY),
    # while the workers went on generating the next ones.
    write_seconds: float = 0.0
    index_seconds: float = 0.0
    analyze_seconds: float = 0.0
    rebuilt_indexes: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


Batch = tuple[int, int, int, dict[int, int], int]  # first case, count, chunk, folio bases, run


def _generate(batch: Batch) -> tuple[int, dict[str, bytes], dict[str, int]]:
    """One batch of cases as COPY data per table (runs in a worker process or inline)."""
    first, count, first_chunk, folio_base, run_id_base = batch
    assert _world is not None and _sealer is not None  # noqa: S101 - set before forking
    data: dict[str, bytes] = {}
    rows: dict[str, int] = {}
    merged: dict[str, list[str]] = {}
    chunk = first_chunk
    start = first
    while start < first + count:
        size = min(CHUNK, first + count - start)
        generator = ChunkGenerator(
            _world, _sealer, chunk=chunk, folio_base=folio_base, run_id_base=run_id_base
        )
        for name, lines in generator.generate(start, size).items():
            merged.setdefault(name, []).extend(lines)
        start += size
        chunk += 1
    for name, lines in merged.items():
        if lines:
            data[name] = ("\n".join(lines) + "\n").encode()
            rows[name] = len(lines)
    return count, data, rows


def _batches(
    count: int, batch_size: int, folio_base: dict[int, int], run_id_base: int
) -> Iterator[Batch]:
    # Batches are whole chunks, so a case's random draws never depend on the batch size.
    size = max(CHUNK, batch_size // CHUNK * CHUNK)
    for first in range(0, count, size):
        yield (first, min(size, count - first), first // CHUNK, folio_base, run_id_base)


def _folio_bases(world: World) -> dict[int, int]:
    """Lock each year's folio counter, return its current value and advance it past the
    synthetic folios, so that real intake afterwards continues after them."""
    per_year = collections.Counter(world.folio_year)
    bases = {}
    for year in sorted(per_year):
        FolioCounter.objects.get_or_create(year=year)
        counter = FolioCounter.objects.select_for_update().get(year=year)
        bases[year] = counter.last
        FolioCounter.objects.filter(year=year).update(last=counter.last + per_year[year])
    return bases


def _reserve_run_ids(count: int) -> int:
    """The first of ``count`` consecutive ProtocolRun ids nobody else will use."""
    table = ProtocolRun._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Held to the commit: intake may not start a run in the middle of the block.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), "  # noqa: S608
                f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
                f"FROM {sequence}))"
            )
            first = int(cursor.fetchone()[0]) + 1
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return first
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


class IndexPlan:
    """The indexes and key constraints of the tables loaded (and the foreign keys pointing at
    them), captured as DDL, dropped, and created again from that same DDL."""

    def __init__(self, cursor: Any, names: list[str]) -> None:
        self.cursor = cursor
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
            "ORDER BY 1, 2",
            [names, names],
        )
        self.foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [names],
        )
        self.keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
            [names],
        )
        self.indexes = cursor.fetchall()

    def drop(self) -> None:
        run = self.cursor.execute
        for table, name, _definition in self.foreign_keys:
            run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table, name, _definition in self.keys:
            run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            run(f"DROP INDEX {name}")

    def restore(self) -> None:
        run = self.cursor.execute
        for _name, definition in self.indexes:
            run(definition)
        for table, name, definition in self.keys:
            run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        # Adding a foreign key checks every row against the key it references. PostgreSQL 15
        # can only hash the referenced side of that anti-join: for the data keys (one per
        # encrypted row, the largest table) that is a hash of every key once per referencing
        # table, far dearer than probing the primary key just built, so hashing is turned off
        # for those checks.
        for table, name, definition in self.foreign_keys:
            probe = f"REFERENCES {DataKey._meta.db_table}(" in definition
            if probe:
                run("SET LOCAL enable_hashjoin TO off")
                run("SET LOCAL enable_mergejoin TO off")
            run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            if probe:
                run("SET LOCAL enable_hashjoin TO DEFAULT")
                run("SET LOCAL enable_mergejoin TO DEFAULT")


class _Writer(Protocol):
    def write(self, data: dict[str, bytes]) -> None: ...


class _CopyWriter:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def write(self, data: dict[str, bytes]) -> None:
        for table in t.TABLES:
            block = data.get(table.name)
            if block:
                columns = ", ".join(t.ROW_COLUMNS[table.name])
                with self.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    copy.write(block)


class _InsertWriter:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.converters = {table.name: t.row_converters(table) for table in t.TABLES}

    def write(self, data: dict[str, bytes]) -> None:
        quote = connection.ops.quote_name
        for table in t.TABLES:
            block = data.get(table.name)
            if not block:
                continue
            columns = t.ROW_COLUMNS[table.name]
            converters = self.converters[table.name]
            rows = [t.row_values(converters, line) for line in block.decode().split("\n") if line]
            sql = (
                f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            self.cursor.executemany(sql, rows)


def load(
    *,
    world: World,
    sealer: Sealer,
    count: int,
    batch_size: int,
    workers: int,
    rebuild_indexes: bool,
    on_progress: Callable[[int], None],
    on_phase: Callable[[str], None],
) -> LoadReport:
    """Write ``count`` synthetic cases in one transaction."""
    global _world, _sealer
    _world, _sealer = world, sealer
    report = LoadReport(cases=count)
    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    pool = None
    if postgres and workers > 1 and not connection.in_atomic_block:
        # Fork before the transaction opens, with no connection open: the children only
        # generate rows; this process writes them.
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            folio_base = _folio_bases(world)
            run_id_base = _reserve_run_ids(count)
            plan = None
            if postgres:
                raw = cursor.cursor
                raw.execute("SET LOCAL synchronous_commit TO OFF")
                raw.execute("SET LOCAL maintenance_work_mem TO '1GB'")
                writer: _Writer = _CopyWriter(raw)
                if rebuild_indexes:
                    # ALTER TABLE refuses tables with foreign-key checks still queued from
                    # earlier in the transaction (when called from inside one): run them now.
                    raw.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    raw.execute("SET CONSTRAINTS ALL DEFERRED")
                    plan = IndexPlan(raw, [table.name for table in t.TABLES])
                    plan.drop()
                    report.rebuilt_indexes = True
            else:
                writer = _InsertWriter(cursor)
            done = 0
            batches = _batches(count, batch_size, folio_base, run_id_base)

            def take(result: tuple[int, dict[str, bytes], dict[str, int]]) -> None:
                nonlocal done
                cases, data, rows = result
                writing = time.monotonic()
                writer.write(data)
                report.write_seconds += time.monotonic() - writing
                for name, n in rows.items():
                    report.rows[name] = report.rows.get(name, 0) + n
                done += cases
                on_progress(done)

            if pool is None:
                for batch in batches:
                    take(_generate(batch))
            else:
                pending: collections.deque[Any] = collections.deque()
                for batch in batches:
                    pending.append(pool.apply_async(_generate, (batch,)))
                    if len(pending) > 2 * workers:
                        take(pending.popleft().get())
                while pending:
                    take(pending.popleft().get())
            report.load_seconds = time.monotonic() - started
            if plan is not None:
                on_phase("indexes")
                rebuilt = time.monotonic()
                plan.restore()
                report.index_seconds = time.monotonic() - rebuilt
            on_phase("commit")
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if postgres:
        # The planner's statistics, so that the first queries on the new rows plan well.
        on_phase("analyze")
        analyzed = time.monotonic()
        with connection.cursor() as cursor:
            for table in t.TABLES:
                cursor.execute(f"ANALYZE {table.name}")
        report.analyze_seconds = time.monotonic() - analyzed
    report.seconds = time.monotonic() - started
    return report
