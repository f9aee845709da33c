"""Measure pages through their real URLs: server time, the SQL they send, how many queries.

A scenario is a list of requests (each with its own parameters, so no single cached plan or
row answers them all) made by one authenticated person with a verified second factor through
Django's test ``Client``, in process, against whatever database the settings name. For each
request it records the wall time of the whole request (middleware, session, view, template,
audit writes) and the statements sent (``CaptureQueriesContext``).

The SQL comparison re-executes the statements a request sent that only read (SELECT) on the same
connection, several times, and compares the median with the median of a hand-written
equivalent (``hand_sql``) for the same answer. Statements that touch only small fixed tables
(the session, the user, her second factor, catalogs, protocol definitions, the notices badge)
are the same on both sides: a DBA would write the same primary-key lookups. A read's writes
(the session save, audit entries) are counted and timed inside the request, never replayed.

A page whose work is writing (the intake) is compared the same way, writes included: the
request is made once more inside a transaction that is then rolled back, so that nothing it
wrote exists, and every statement it sent is rehearsed in a savepoint rolled back each time,
as the hand-written transaction is.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import math
import re
import statistics
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from violeta.testing.second_factor import force_login_verified

# (sql, params) pairs; params are a sequence for the DB-API cursor.
Statements = list[tuple[str, Sequence[Any]]]

# Statements that touch only these tables cost the same however many cases there are.
FIXED_TABLE = re.compile(
    r"^(django_session|accounts_user|otp_\w+|catalogs_\w+|protocols_protocolversion|"
    r"protocols_nonworkingday|notifications_notification|django_content_type|axes_\w+)$"
)
TABLE_REFERENCE = re.compile(r'(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', re.IGNORECASE)
READ = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)
TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET)\b", re.IGNORECASE
)


@dataclasses.dataclass(frozen=True)
class BenchRequest:
    """One request of a scenario. ``params`` feed the scenario's hand-written SQL."""

    path: str
    method: str = "GET"
    data: dict[str, Any] | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    expect: tuple[int, ...] = (200,)


@dataclasses.dataclass
class Scenario:
    name: str
    label: str
    user: Any
    requests: list[BenchRequest]
    # The hand-written SQL for one request (PostgreSQL), or None where there is none.
    hand: Callable[[BenchRequest], Statements] | None = None
    target_p95_ms: float | None = None
    # For the inbox: re-run one request with these page sizes and compare the query counts.
    page_sizes: tuple[int, ...] = ()
    # The hand-written SQL covers writes too (intake): compare in-request times of everything.
    compare_writes: bool = False


@dataclasses.dataclass
class Executed:
    """One statement as the driver received it, and how long it took (seconds)."""

    sql: str
    params: Any
    many: bool
    seconds: float

    @property
    def control(self) -> bool:
        return bool(TRANSACTION_CONTROL.match(self.sql))

    @property
    def read(self) -> bool:
        return bool(READ.match(self.sql))


@dataclasses.dataclass
class RequestResult:
    status: int
    seconds: float
    # What CaptureQueriesContext saw (the SQL with its parameters bound, as logged).
    captured: list[dict[str, Any]]
    # The same statements with their parameters and precise times (an execute wrapper).
    executed: list[Executed]

    @property
    def queries(self) -> int:
        return sum(1 for s in self.captured if not TRANSACTION_CONTROL.match(s["sql"]))

    @property
    def writes(self) -> int:
        return sum(1 for s in self.executed if not s.control and not s.read)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def tables_of(sql: str) -> set[str]:
    return {name.lower() for name in TABLE_REFERENCE.findall(sql)}


def is_fixed(sql: str) -> bool:
    tables = tables_of(sql)
    return bool(tables) and all(FIXED_TABLE.match(name) for name in tables)


def client_for(user: Any) -> Client:
    client = Client(HTTP_HOST="localhost")
    force_login_verified(client, user)
    return client


@contextmanager
def quiet() -> Iterator[None]:
    """Silence what would drown a results table: the request log (404s, axes' login lines)
    and the warning that static files are not collected (they are served from the apps)."""
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="No directory at")
            yield
    finally:
        logging.disable(logging.NOTSET)


class _Recorder:
    def __init__(self) -> None:
        self.executed: list[Executed] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.executed.append(Executed(sql, params, many, time.perf_counter() - start))


def perform(
    client: Client, request: BenchRequest, *, then: Callable[[], None] | None = None
) -> RequestResult:
    """Make the request and record what it sent; ``then`` runs after it, recorded too."""
    recorder = _Recorder()
    # The connection's query log is a bounded deque that only a request's start empties, and
    # the capture below stops that: emptied here, it never fills up across requests.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        start = time.perf_counter()
        if request.method == "POST":
            response = client.post(request.path, request.data or {})
        else:
            response = client.get(request.path, request.data or {})
        seconds = time.perf_counter() - start
        if then is not None:
            then()
    if response.status_code not in request.expect:
        raise BenchError(
            f"{request.method} {request.path} {request.data or ''} answered "
            f"{response.status_code}, expected {request.expect}"
        )
    return RequestResult(
        response.status_code, seconds, list(captured.captured_queries), recorder.executed
    )


class BenchError(RuntimeError):
    pass


def perform_rolled_back(client: Client, request: BenchRequest) -> RequestResult:
    """``perform`` inside a transaction rolled back afterwards: the request's statements, with
    nothing of what it wrote left behind, so that they can be rehearsed as they were sent (a
    second folio, audit sequence number or primary key would otherwise collide). The request's
    own transaction becomes a savepoint, and what it leaves for after its commit (a notice to
    the team, say) runs, recorded, before the rollback."""
    # Callbacks already waiting belong to whoever opened the transaction around this one.
    waiting = len(connection.run_on_commit)

    def after_commit() -> None:
        while len(connection.run_on_commit) > waiting:
            callback = connection.run_on_commit.pop(waiting)[1]  # (savepoints, callback, robust)
            callback()

    with transaction.atomic():
        sid = transaction.savepoint()
        try:
            result = perform(client, request, then=after_commit)
        finally:
            transaction.savepoint_rollback(sid)
    return result


def _timed(
    statements: Statements, repetitions: int, *, many: frozenset[int] = frozenset()
) -> float:
    """Median seconds to run ``statements`` one after the other (reading every row); those at
    the positions in ``many`` are run for each of their parameter sets, as the driver sent
    them."""
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repetitions):
            start = time.perf_counter()
            for position, (sql, params) in enumerate(statements):
                if position in many:
                    cursor.executemany(sql, params)
                    continue
                cursor.execute(sql, params or None)
                if cursor.description is not None:
                    cursor.fetchall()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+("?\w+"?)', re.I)


def _without_outer_savepoints(executed: list[Executed]) -> list[Executed]:
    """The statements of a rolled-back request without the savepoints that stand for its own
    transactions: made inside the rehearsal's transaction, each of its transactions became a
    savepoint, where the request itself sends BEGIN and COMMIT outside the statements
    recorded."""
    kept = []
    open_names: list[str] = []
    for statement in executed:
        match = SAVEPOINT.match(statement.sql)
        if match is None:
            kept.append(statement)
            continue
        verb, name = match.group(1).upper(), match.group(2)
        if verb == "SAVEPOINT":
            open_names.append(name)
            if len(open_names) == 1:
                continue
        elif name in open_names:
            outer = open_names.index(name) == 0
            del open_names[open_names.index(name) + (verb != "RELEASE SAVEPOINT") :]
            if outer:
                continue
        kept.append(statement)
    return kept


def _rehearsed(executed: list[Executed], *, fixed: bool, repetitions: int) -> float:
    """Median seconds to rehearse, in a savepoint rolled back each time, the statements a
    rolled-back request sent (writes and its savepoints included) that touch only fixed
    tables, or the others."""
    statements: Statements = []
    many = set()
    for statement in _without_outer_savepoints(executed):
        if is_fixed(statement.sql) != fixed:
            continue
        if statement.many:
            many.add(len(statements))
        statements.append((statement.sql, statement.params))
    return _timed_rolled_back(statements, repetitions, many=frozenset(many)) if statements else 0.0


def _replayable(executed: list[Executed]) -> tuple[Statements, Statements]:
    """The request's reads, split into (fixed-cost, case) statements, ready to re-run."""
    fixed: Statements = []
    case: Statements = []
    for statement in executed:
        if statement.control or not statement.read or statement.many:
            continue
        item = (statement.sql, statement.params)
        (fixed if is_fixed(statement.sql) else case).append(item)
    return fixed, case


def compare_sql(
    scenario: Scenario, request: BenchRequest, result: RequestResult, repetitions: int
) -> dict[str, float] | None:
    """ORM vs hand-written SQL for one request, in milliseconds."""
    if scenario.hand is None or connection.vendor != "postgresql":
        return None
    hand = scenario.hand(request)
    if scenario.compare_writes:
        # ``result`` comes from a rolled-back request (``perform_rolled_back``): both sides'
        # statements, writes included, are rehearsed in a savepoint rolled back each time.
        fixed = _rehearsed(result.executed, fixed=True, repetitions=repetitions)
        orm_case = _rehearsed(result.executed, fixed=False, repetitions=repetitions)
        hand_case = _timed_rolled_back(hand, repetitions)
    else:
        fixed_statements, case_statements = _replayable(result.executed)
        fixed = _timed(fixed_statements, repetitions) if fixed_statements else 0.0
        orm_case = _timed(case_statements, repetitions) if case_statements else 0.0
        hand_case = _timed(hand, repetitions) if hand else 0.0
    return {
        "orm_ms": (fixed + orm_case) * 1000,
        "hand_ms": (fixed + hand_case) * 1000,
        "orm_case_ms": orm_case * 1000,
        "hand_case_ms": hand_case * 1000,
        "fixed_ms": fixed * 1000,
    }


def _timed_rolled_back(
    statements: Statements, repetitions: int, *, many: frozenset[int] = frozenset()
) -> float:
    samples = []
    for _ in range(repetitions):
        with transaction.atomic():
            sid = transaction.savepoint()
            samples.append(_timed(statements, 1, many=many))
            transaction.savepoint_rollback(sid)
    return statistics.median(samples)


@contextmanager
def page_size(size: int) -> Iterator[None]:
    from violeta.cases.views import inbox

    previous = inbox.PAGE_SIZE
    inbox.PAGE_SIZE = size
    try:
        yield
    finally:
        inbox.PAGE_SIZE = previous


@contextmanager
def _history_frozen() -> Iterator[None]:
    """The objects alive before the measured requests (the application, and every statement
    the harness has recorded so far) left out of the garbage collector's full passes while
    they run: a server process keeps no such history, and scanning it would add tens of
    milliseconds to whichever request a full pass falls in (``gc.freeze``, as the WSGI
    entry point does for the application's own objects)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_scenario(
    scenario: Scenario,
    *,
    warmup: int,
    sql_samples: int,
    repetitions: int,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    client = client_for(scenario.user)
    requests = scenario.requests
    for request in requests[: min(warmup, len(requests))]:
        perform(client, request)
    with _history_frozen():
        results = [perform(client, request) for request in requests]
    seconds = [r.seconds for r in results]
    queries = [r.queries for r in results]
    progress(f"{scenario.name}: {len(results)} requests done")

    comparisons = []
    if sql_samples and scenario.hand is not None and connection.vendor == "postgresql":
        step = max(1, len(requests) // sql_samples)
        for index in range(0, len(requests), step)[:sql_samples]:
            # Re-run the request (warm) so that its statements are the ones compared; a
            # request that writes is rolled back, so that its writes can be rehearsed.
            again = perform_rolled_back if scenario.compare_writes else perform
            result = again(client, requests[index])
            compared = compare_sql(scenario, requests[index], result, repetitions)
            if compared is not None:
                comparisons.append(compared)

    page_check = None
    if scenario.page_sizes:
        counts = {}
        for size in scenario.page_sizes:
            with page_size(size):
                result = perform(client, requests[0])
            counts[str(size)] = result.queries
        page_check = {"queries": counts, "constant": len(set(counts.values())) == 1}

    sql: dict[str, Any] | None = None
    if comparisons:
        sql = {
            "samples": len(comparisons),
            **{
                key: statistics.median(c[key] for c in comparisons)
                for key in ("orm_ms", "hand_ms", "orm_case_ms", "hand_case_ms", "fixed_ms")
            },
        }
        sql["ratio"] = sql["orm_case_ms"] / sql["hand_case_ms"] if sql["hand_case_ms"] else None
        sql["ratio_total"] = sql["orm_ms"] / sql["hand_ms"] if sql["hand_ms"] else None

    p95 = percentile(seconds, 0.95) * 1000
    return {
        "slowest": slowest(requests, results),
        "name": scenario.name,
        "label": scenario.label,
        "requests": len(results),
        "statuses": sorted({r.status for r in results}),
        "p50_ms": percentile(seconds, 0.50) * 1000,
        "p95_ms": p95,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "max_ms": max(seconds) * 1000,
        "queries": {
            "min": min(queries),
            "max": max(queries),
            "median": statistics.median(queries),
            "writes_max": max(r.writes for r in results),
        },
        "page_size_check": page_check,
        "sql": sql,
        "target_p95_ms": scenario.target_p95_ms,
        "target_met": None if scenario.target_p95_ms is None else p95 <= scenario.target_p95_ms,
    }


def slowest(
    requests: Sequence[BenchRequest], results: Sequence[RequestResult], count: int = 5
) -> list[dict[str, Any]]:
    """The slowest requests, each with its slowest statement: where to look first."""
    ranked = sorted(zip(requests, results, strict=True), key=lambda pair: -pair[1].seconds)
    out = []
    for request, result in ranked[:count]:
        worst = max(result.executed, key=lambda s: s.seconds, default=None)
        out.append(
            {
                "ms": result.seconds * 1000,
                "params": request.params or request.data,
                "db_ms": sum(s.seconds for s in result.executed) * 1000,
                "slowest_statement_ms": worst.seconds * 1000 if worst else None,
                "slowest_statement": worst.sql[:2000] if worst else None,
                "slowest_statement_params": [str(p) for p in (worst.params or [])][:40]
                if worst
                else None,
            }
        )
    return out


def run(
    scenarios: Sequence[Scenario],
    *,
    warmup: int = 10,
    sql_samples: int = 10,
    repetitions: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> list[dict[str, Any]]:
    return [
        run_scenario(
            scenario,
            warmup=warmup,
            sql_samples=sql_samples,
            repetitions=repetitions,
            progress=progress,
        )
        for scenario in scenarios
    ]


def table(results: Sequence[dict[str, Any]]) -> str:
    """The results as a fixed-width text table."""
    header = (
        f"{'scenario':<16} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} "
        f"{'ORM ms':>8} {'hand ms':>8} {'ratio':>6} {'queries':>8} {'writes':>6} {'25/100':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        sql = r["sql"] or {}
        ratio = sql.get("ratio")
        queries = r["queries"]
        count = (
            str(queries["min"])
            if queries["min"] == queries["max"]
            else f"{queries['min']}-{queries['max']}"
        )
        check = r["page_size_check"]
        sizes = "/".join(str(v) for v in check["queries"].values()) if check else "-"
        target = "-"
        if r["target_p95_ms"] is not None:
            target = ("ok " if r["target_met"] else "MISS ") + f"{r['target_p95_ms']:.0f}"
        lines.append(
            f"{r['name']:<16} {r['requests']:>4} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{target:>7} "
            f"{_num(sql.get('orm_case_ms')):>8} {_num(sql.get('hand_case_ms')):>8} "
            f"{(f'{ratio:.2f}' if ratio else '-'):>6} {count:>8} {queries['writes_max']:>6} "
            f"{sizes:>8}"
        )
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
