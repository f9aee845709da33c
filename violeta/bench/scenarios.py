"""The measured pages, each as a list of requests with varied parameters, built from the data
in the database: real folios, real names (decrypted here, typed into the search like a person
would), the cases assigned to the busiest worker, the dependencias and catalogs in force."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.bench import hand_sql
from violeta.bench.harness import BenchRequest, Scenario, Statements, client_for
from violeta.cases.models import Case, CaseAssignment, CaseParty
from violeta.catalogs.models import Law
from violeta.catalogs.selectors import dependencias, violence_types
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services_definitions import protocol_definition

TARGET_PAGE_MS = 50.0
TARGET_DASHBOARD_MS = 300.0
OVERDUE_REQUESTS = 40
SCENARIOS = (
    "inbox",
    "inbox_mine",
    "inbox_overdue",
    "inbox_due_first",
    "search_folio",
    "search_name",
    "detail",
    "dashboard",
    "intake",
)


class NoData(RuntimeError):
    pass


def _page_size() -> int:
    from violeta.cases.views import inbox

    return inbox.PAGE_SIZE


def coordinacion_user() -> User:
    user = User.objects.filter(role=Role.COORDINACION, is_active=True).order_by("pk").first()
    if user is None:
        raise NoData("No active coordinación user in the database.")
    return user


def busiest_worker() -> User:
    """The atención worker with the most active assignments: the heaviest "mine"."""
    row = (
        CaseAssignment.objects.filter(ended_at__isnull=True, user__role=Role.ATENCION)
        .values("user")
        .annotate(cases=Count("id"))
        .order_by("-cases", "user")
        .first()
    )
    if row is None:
        raise NoData("No atención worker with assigned cases in the database.")
    return User.objects.get(pk=row["user"])


def intake_user() -> User:
    user = (
        User.objects.filter(role__in=[Role.ENLACE, Role.ATENCION], is_active=True)
        .order_by("-role", "pk")  # an enlace first, as in most intakes
        .first()
    )
    if user is None:
        raise NoData("No enlace or atención user to register cases.")
    return user


def sample_cases(rng: random.Random, count: int) -> list[Any]:
    """About ``count`` random case ids. TABLESAMPLE on PostgreSQL reads a few pages, not 1M
    rows; elsewhere (small test databases) a random order is fine."""
    if connection.vendor == "postgresql":
        percent = min(100.0, 100.0 * count * 4 / max(1, _estimate()))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM cases_case TABLESAMPLE BERNOULLI (%s) REPEATABLE (%s) LIMIT %s",
                [percent, rng.randrange(1 << 30), count],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if ids:
            return ids
    return list(Case.objects.order_by("?").values_list("pk", flat=True)[:count])


def _estimate() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases_case'")
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] > 0 else Case.objects.count()


def _cycle(items: list[Any], count: int) -> list[Any]:
    if not items:
        raise NoData("Nothing to sample.")
    return [items[i % len(items)] for i in range(count)]


def _inbox_params(rng: random.Random, count: int) -> list[dict[str, Any]]:
    deps = [d.code for d in dependencias()]
    types = [f"{law.value}:{t.code}" for law in Law for t in violence_types(law=law)]
    stages = [
        f"{protocol_definition(v).code}:{s.code}"
        for v in protocols_current()
        for s in protocol_definition(v).stages
    ]
    variants: list[Callable[[], dict[str, Any]]] = [
        lambda: {},
        lambda: {"dependencia": rng.choice(deps)},
        lambda: {"flags": ["is_workplace"]},
        lambda: {"violence_type": rng.choice(types)},
        lambda: {"stage": rng.choice(stages)},
        lambda: {"dependencia": rng.choice(deps), "violence_type": rng.choice(types)},
    ]
    out = []
    for index in range(count):
        params = variants[index % len(variants)]()
        params["status"] = rng.choice(["abierto", "abierto", "todos", "cerrado"])
        params["page"] = rng.choice([1, 1, 2, 3, rng.randint(4, 20)])
        out.append(params)
    return out


def _query(params: dict[str, Any]) -> dict[str, Any]:
    """The GET parameters the inbox form sends for ``params``."""
    data = {k: v for k, v in params.items() if k != "flags"}
    if params.get("flags"):
        data["flags"] = params["flags"]
    return data


def _clamp_pages(
    requests: list[BenchRequest], viewer: User, *, scope: str | None = None
) -> list[BenchRequest]:
    """Keep each page number within the filtered result, so that the hand-written SQL asks
    for the page the view shows (a page past the end shows the last one)."""
    from violeta.cases.forms_inbox import InboxFilterForm
    from violeta.cases.selectors_inbox import inbox_cases

    size = _page_size()
    clamped = []
    for request in requests:
        params = dict(request.params)
        form = InboxFilterForm(_query(params), user=viewer)
        if not form.is_valid():
            raise NoData(f"Invalid inbox filters {params}: {form.errors.as_text()}")
        page = int(params.get("page", 1))
        if page > 1:
            # Only the rows up to the asked page are counted (cheap), not the whole result.
            seen = inbox_cases(user=viewer, filters=form.filters()).order_by()[: page * size]
            available = max(1, -(-seen.count() // size))
            params["page"] = min(page, available)
        clamped.append(BenchRequest(path=request.path, data=_query(params), params=params))
    return clamped


def _inbox_hand(viewer: User) -> Callable[[BenchRequest], Statements]:
    return lambda request: hand_sql.inbox(request, viewer=viewer, page_size=_page_size())


def inbox_scenario(rng: random.Random, count: int) -> Scenario:
    viewer = coordinacion_user()
    path = reverse("cases:list")
    requests = [BenchRequest(path=path, params=p) for p in _inbox_params(rng, count)]
    return Scenario(
        name="inbox",
        label="Inbox, coordinación, all cases, varied filters and pages",
        user=viewer,
        requests=_clamp_pages(requests, viewer),
        hand=_inbox_hand(viewer),
        target_p95_ms=TARGET_PAGE_MS,
        page_sizes=(25, 100),
    )


def inbox_mine_scenario(rng: random.Random, count: int) -> Scenario:
    viewer = busiest_worker()
    path = reverse("cases:list")
    params = []
    for index in range(count):
        variant: dict[str, Any] = {"scope": "mios"}
        variant["status"] = ["abierto", "todos", "cerrado", "abierto"][index % 4]
        variant["page"] = rng.choice([1, 1, 2, 3])
        params.append(variant)
    requests = [BenchRequest(path=path, params=p) for p in params]
    return Scenario(
        name="inbox_mine",
        label="Inbox, busiest atención worker, her cases",
        user=viewer,
        requests=_clamp_pages(requests, viewer),
        hand=_inbox_hand(viewer),
        target_p95_ms=TARGET_PAGE_MS,
        page_sizes=(25, 100),
    )


def _states_and_pages(
    rng: random.Random, count: int, *, path: str, **fixed: str
) -> list[BenchRequest]:
    """``count`` inbox requests with the ``fixed`` parameters, open cases twice as often as
    all or closed ones, on the first three pages."""
    return [
        BenchRequest(
            path=path,
            params={
                **fixed,
                "status": ["abierto", "abierto", "todos", "cerrado"][index % 4],
                "page": rng.choice([1, 1, 2, 3]),
            },
        )
        for index in range(count)
    ]


def inbox_overdue_scenario(rng: random.Random, count: int) -> Scenario:
    """Coordinación's "vencidos": cases with an unmet protocol deadline (or her own task) past
    due, across every case."""
    viewer = coordinacion_user()
    path = reverse("cases:list")
    # Fewer requests: at a million cases some of these take seconds (docs/performance.md).
    count = min(count, OVERDUE_REQUESTS)
    requests = _states_and_pages(rng, count, path=path, due="vencidos")
    return Scenario(
        name="inbox_overdue",
        label="Inbox, coordinación, overdue filter (vencidos) over all cases",
        user=viewer,
        requests=_clamp_pages(requests, viewer),
        hand=_inbox_hand(viewer),
        target_p95_ms=TARGET_PAGE_MS,
    )


def inbox_due_first_scenario(rng: random.Random, count: int) -> Scenario:
    """The busiest worker's cases in "vence primero" order: what is due soonest, by a value
    computed per case (the earlier of its next deadline and her next task)."""
    viewer = busiest_worker()
    path = reverse("cases:list")
    requests = _states_and_pages(rng, count, path=path, scope="mios", order="vence")
    return Scenario(
        name="inbox_due_first",
        label="Inbox, busiest atención worker, her cases, due first",
        user=viewer,
        requests=_clamp_pages(requests, viewer),
        target_p95_ms=TARGET_PAGE_MS,
    )


def search_folio_scenario(rng: random.Random, count: int) -> Scenario:
    viewer = coordinacion_user()
    ids = sample_cases(rng, count)
    folios = list(Case.objects.filter(pk__in=ids).values_list("folio", flat=True))
    path = reverse("cases:list")
    requests = []
    for index, folio in enumerate(_cycle(folios, count)):
        # A third typed as only the number ("42"), as the help text invites.
        q = str(int(folio.rsplit("-", 1)[1])) if index % 3 == 2 else folio
        params = {"q": q, "status": "todos"}
        requests.append(BenchRequest(path=path, data=params, params=params))
    return Scenario(
        name="search_folio",
        label="Inbox search by folio (or its number), coordinación",
        user=viewer,
        requests=requests,
        hand=_inbox_hand(viewer),
        target_p95_ms=TARGET_PAGE_MS,
    )


def search_name_scenario(rng: random.Random, count: int) -> Scenario:
    """Exact names typed into the search: matched through the blind indexes."""
    viewer = coordinacion_user()
    ids = sample_cases(rng, count)
    parties = CaseParty.objects.filter(case_id__in=ids).select_related("data_key")
    names = sorted({p.display_name for p in parties if p.display_name})
    rng.shuffle(names)
    path = reverse("cases:list")
    requests = []
    for name in _cycle(names, count):
        params = {"q": name, "status": "todos"}
        requests.append(BenchRequest(path=path, data=params, params=params))
    return Scenario(
        name="search_name",
        label="Inbox search by a person's exact name (blind index), coordinación",
        user=viewer,
        requests=requests,
        hand=_inbox_hand(viewer),
        target_p95_ms=TARGET_PAGE_MS,
    )


def detail_scenario(rng: random.Random, count: int) -> Scenario:
    viewer = busiest_worker()
    ids = list(
        CaseAssignment.objects.filter(user=viewer, ended_at__isnull=True)
        .order_by("?")
        .values_list("case_id", flat=True)[:count]
    )
    requests = [
        BenchRequest(path=reverse("cases:detail", kwargs={"pk": pk}), params={"case_id": pk})
        for pk in _cycle(ids, count)
    ]
    return Scenario(
        name="detail",
        label="Case page, assigned atención worker (account, notes, every section)",
        user=viewer,
        requests=requests,
        hand=lambda request: hand_sql.case_detail(request, viewer=viewer),
        target_p95_ms=TARGET_PAGE_MS,
    )


def dashboard_scenario(rng: random.Random, count: int) -> Scenario | None:
    """The dashboard with its filters varied. The filters are read from the page's own form
    (every <select>: year or months, dependencia), so the scenario follows the form."""
    try:
        path = reverse("stats:dashboard")
    except NoReverseMatch:
        return None
    viewer = coordinacion_user()
    page = client_for(viewer).get(path)
    if page.status_code != 200:
        raise NoData(f"The dashboard answered {page.status_code} without filters.")
    selects = _select_options(page.content.decode())
    requests = []
    for index in range(count):
        params: dict[str, Any] = {}
        for name, values in selects.items():
            # A quarter of the requests with no filter at all, as the page first opens.
            if index % 4 and values and rng.random() < 0.7:
                params[name] = rng.choice(values)
        requests.append(BenchRequest(path=path, data=params, params=params))
    return Scenario(
        name="dashboard",
        label="Statistics dashboard, coordinación, filters varied",
        user=viewer,
        requests=requests,
        hand=None,
        target_p95_ms=TARGET_DASHBOARD_MS,
    )


SELECT = re.compile(r'<select name="([^"]+)"[^>]*>(.*?)</select>', re.DOTALL)
OPTION = re.compile(r'<option value="([^"]*)"')


def _select_options(html: str) -> dict[str, list[str]]:
    return {
        name: [value for value in OPTION.findall(body) if value]
        for name, body in SELECT.findall(html)
    }


def intake_scenario(rng: random.Random, count: int) -> Scenario:
    from violeta.catalogs.selectors import violence_modalities

    actor = intake_user()
    deps = [d.pk for d in dependencias()]
    types = [t.pk for t in violence_types(law=Law.LEDMVLV)]
    modalities = [m.pk for m in violence_modalities(law=Law.LEDMVLV)]
    protocol = next(
        (v.pk for v in protocols_current() if v.code == settings.DEFAULT_PROTOCOL),
        protocols_current()[0].pk,
    )
    path = reverse("cases:register")
    first = ["Ana", "María", "Rosa", "Lucía", "Sofía", "Elena", "Juana", "Carmen", "Paula"]
    last = ["López", "Chávez", "Holguín", "Loya", "Ontiveros", "Terrazas", "Gardea", "Rascón"]
    requests = []
    for index in range(count):
        accused = f"{rng.choice(first)} {rng.choice(last)} {rng.choice(last)}"
        data: dict[str, Any] = {
            "channel": rng.choice(["presencial", "telefono_072", "portal"]),
            "dependencia": rng.choice(deps),
            "protocol": protocol,
            "account": f"Relato de prueba de rendimiento número {index}. " * rng.randint(1, 20),
            "consent_atencion": "si",
            "consent_estadistica": rng.choice(["si", "no"]),
            "afectada-display_name": f"{rng.choice(first)} {rng.choice(last)}",
            "afectada-language": "es",
            "afectada-age": str(rng.randint(18, 70)),
            "afectada-gender_identity": "mujer",
            "senalada-TOTAL_FORMS": "1",
            "senalada-INITIAL_FORMS": "0",
            "senalada-0-display_name": accused.replace("Ana", "Juan").replace("María", "Mario"),
            "senalada-0-is_public_servant": "on",
            "senalada-0-dependencia": rng.choice(deps),
            "senalada-0-hierarchy": rng.choice(["superior", "par", "no_se_sabe"]),
            "senalada-0-relationship": "ninguna",
            "testigo-TOTAL_FORMS": "1",
            "testigo-INITIAL_FORMS": "0",
            "hecho-TOTAL_FORMS": "1",
            "hecho-INITIAL_FORMS": "0",
            "hecho-0-violence_types": rng.sample(types, k=min(len(types), rng.randint(1, 2))),
            "hecho-0-place_kind": "",
        }
        if modalities:
            data["hecho-0-violence_modalities"] = [rng.choice(modalities)]
        if index % 2:
            data["testigo-0-display_name"] = f"{rng.choice(first)} {rng.choice(last)}"
        requests.append(BenchRequest(path=path, method="POST", data=data, expect=(302,)))
    return Scenario(
        name="intake",
        label="Intake POST (the single form), new case with parties and an incident",
        user=actor,
        requests=requests,
        hand=lambda request: hand_sql.intake(request, actor=actor),
        target_p95_ms=None,
        compare_writes=True,
    )


BUILDERS: dict[str, Callable[[random.Random, int], Scenario | None]] = {
    "inbox": inbox_scenario,
    "inbox_mine": inbox_mine_scenario,
    "inbox_overdue": inbox_overdue_scenario,
    "inbox_due_first": inbox_due_first_scenario,
    "search_folio": search_folio_scenario,
    "search_name": search_name_scenario,
    "detail": detail_scenario,
    "dashboard": dashboard_scenario,
    "intake": intake_scenario,
}


def build(names: list[str], *, seed: int, requests: int) -> list[Scenario]:
    scenarios = []
    for name in names:
        scenario = BUILDERS[name](random.Random(f"{seed}:{name}"), requests)
        if scenario is not None:
            scenarios.append(scenario)
    return scenarios
