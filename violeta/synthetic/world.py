"""Everything the generator reads from the database and the project's data files, read once.

A ``World`` is plain Python data (ids, codes, weights, precomputed calendars), built in the
main process before any worker starts; the workers inherit it and never touch the database.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import datetime
import random
import zoneinfo
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.cases import guidelines as case_guidelines
from violeta.cases.models import Case
from violeta.cases.services.intake import default_protocol
from violeta.catalogs.models import Law
from violeta.catalogs.selectors import (
    dependencias,
    institutions,
    violence_modalities,
    violence_types,
    vulnerable_groups,
)
from violeta.detection.risk import risk_instrument
from violeta.protocols.calendar import _DaysOff
from violeta.protocols.services_definitions import protocol_definition
from violeta.referrals import rules as referral_rules
from violeta.synthetic.staff import Staff

DAY = 86_400
HOUR = 3_600
# How long before its registration an incident may have happened.
MAX_INCIDENT_AGE_DAYS = 700

# How often a case reaches each dependencia: the large operative areas and the DIF first.
# Codes not listed (a catalog grown later) get a small weight.
DEPENDENCIA_WEIGHTS = {
    "seguridad_publica": 18,
    "dif_municipal": 12,
    "obras_publicas": 10,
    "desarrollo_humano_educacion": 9,
    "oficialia_mayor": 7,
    "tesoreria": 6,
    "desarrollo_urbano_ecologia": 5,
    "secretaria_ayuntamiento": 5,
    "instituto_cultura": 4,
    "cultura_fisica_deporte": 3,
    "organo_interno_control": 1,
    "imm": 8,
}
DEFAULT_DEPENDENCIA_WEIGHT = 2
# Seasonality of registrations: campaigns around 8 March and 25 November bring more people;
# December holidays fewer. Monday to Sunday: people come on working days.
MONTH_WEIGHTS = (0.9, 0.95, 1.15, 1.0, 1.0, 0.95, 0.85, 0.95, 1.0, 1.05, 1.2, 0.75)
WEEKDAY_WEIGHTS = (1.25, 1.2, 1.15, 1.1, 1.0, 0.35, 0.25)
CAMPAIGN_DAYS = {(3, 8): 1.6, (11, 25): 1.6}
NON_WORKING_DAY_WEIGHT = 0.3
# Growth: the most recent year sees more cases than the first (the institution becomes known).
TREND_FROM, TREND_TO = 0.7, 1.3
# Local hour of registration: office hours, and a tail from the 24-hour 072 line.
HOUR_WEIGHTS = (
    (0.15,) * 7 + (0.5, 1.2) + (2.0,) * 5 + (1.5,) + (1.6,) * 3 + (1.0, 0.6, 0.6) + (0.35,) * 3
)


class Calendar:
    """Time as integers (seconds since the epoch, UTC) with fast text forms for COPY, the
    institution's local days, and días hábiles exactly as ``protocols.calendar`` counts them."""

    def __init__(self, *, first: int, last: int) -> None:
        tz = timezone.get_default_timezone()
        assert isinstance(tz, zoneinfo.ZoneInfo | datetime.tzinfo)  # noqa: S101 - settings
        self.tz = tz
        self.d0 = first // DAY - 2
        self.d1 = last // DAY + 2
        epoch = datetime.date(1970, 1, 1)
        self.day_text = [
            (epoch + datetime.timedelta(days=d)).isoformat() for d in range(self.d0, self.d1 + 1)
        ]
        self.sod_text = [
            f" {s // HOUR:02d}:{s % HOUR // 60:02d}:{s % 60:02d}+00" for s in range(DAY)
        ]
        # Local midnight (as UTC seconds) of each local day, from which local days are found.
        self.local_d0 = self.d0 - 1
        self.midnights = array.array("q")
        for d in range(self.local_d0, self.d1 + 2):
            day = epoch + datetime.timedelta(days=d)
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
            self.midnights.append(int(start.timestamp()))
        self.local_text = [
            (epoch + datetime.timedelta(days=d)).isoformat()
            for d in range(self.local_d0, self.d1 + 2)
        ]
        self.business = self._business_days()

    def _business_days(self) -> list[int]:
        # protocols.calendar's own reading of weekends, federal holidays and declared days,
        # loaded once for the whole range (is_business_day reads the table on every call).
        epoch = datetime.date(1970, 1, 1)
        first = epoch + datetime.timedelta(days=self.local_d0)
        last = epoch + datetime.timedelta(days=self.d1)
        days_off = _DaysOff()
        days_off.load(first.year, last.year)
        return [
            d
            for d in range(self.local_d0, self.d1 + 1)
            if days_off.is_business_day(epoch + datetime.timedelta(days=d))
        ]

    def ts(self, t: int) -> str:
        return self.day_text[t // DAY - self.d0] + self.sod_text[t % DAY]

    def formatter(self) -> Callable[[int], str]:
        """``ts`` as a closure over its tables (the generator calls it ~100 times a case)."""
        day_text, sod_text, d0 = self.day_text, self.sod_text, self.d0

        def ts(t: int) -> str:
            return day_text[t // DAY - d0] + sod_text[t % DAY]

        return ts

    def ts_end_of_day(self, t: int) -> str:
        """The text of a day-based deadline: the last microsecond of a local day."""
        text = self.ts(t)
        return text[:-3] + ".999999+00"

    def local_day(self, t: int) -> int:
        i = bisect.bisect_right(self.midnights, t) - 1
        return self.local_d0 + i

    def local_midnight(self, day: int) -> int:
        return self.midnights[day - self.local_d0]

    def date_text(self, day: int) -> str:
        return self.local_text[day - self.local_d0]

    def local_month_day(self, day: int) -> tuple[int, int, int, int]:
        """(year, month, day of month, weekday) of a local day."""
        date = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
        return date.year, date.month, date.day, date.weekday()

    def end_of_day(self, day: int) -> int:
        """The second whose last microsecond ends the local day (next midnight minus 1 µs)."""
        return self.local_midnight(day + 1) - 1

    def business_due(self, t: int, amount: int) -> int:
        """``due_at(start=t, amount=amount, unit="business_days")``, as end_of_day seconds:
        the amount-th día hábil after t's local date (the start day never counts)."""
        start = self.local_day(t)
        i = bisect.bisect_right(self.business, start) + amount - 1
        return self.end_of_day(self.business[i])

    def is_business(self, day: int) -> bool:
        i = bisect.bisect_left(self.business, day)
        return i < len(self.business) and self.business[i] == day


@dataclasses.dataclass
class Institution:
    id: int
    code: str
    handles: tuple[str, ...]
    name_es: str
    name_en: str
    short_name: str


@dataclasses.dataclass
class Transition:
    code: str
    source: str
    target: str
    roles: tuple[str, ...]
    facts: tuple[str, ...]
    checklist: tuple[str, ...]
    emits: tuple[str, ...]
    reason_required: bool
    # (code, role, label_es, label_en, deadline spec or None)
    tasks: tuple[tuple[str, str, str, str, tuple[int, str, str] | None], ...]


@dataclasses.dataclass
class Protocol:
    version_id: int
    initial: str
    finals: frozenset[str]
    # stage -> (amount, unit, from event)
    deadlines: dict[str, tuple[int, str, str]]
    outgoing: dict[str, tuple[Transition, ...]]
    closure_reasons: tuple[str, ...]
    closure_checklist: tuple[str, ...]


@dataclasses.dataclass
class RiskLevel:
    code: str
    min_score: int
    max_score: int | None
    # (code, label_es, label_en, due hours)
    tasks: tuple[tuple[str, str, str, int], ...]


@dataclasses.dataclass
class Instrument:
    code: str
    version: str
    # (code, weight, critical)
    items: tuple[tuple[str, int, bool], ...]
    levels: tuple[RiskLevel, ...]
    critical_floor: str


@dataclasses.dataclass
class World:
    now: int
    seed: str
    calendar: Calendar
    staff: Staff
    # (id, code, is_imm) and how often each one sees a case
    dependencias: tuple[tuple[int, str, bool], ...]
    dependencia_weights: tuple[float, ...]
    imm_id: int
    violence_types: dict[str, int]
    violence_modalities: dict[str, int]
    institutions: dict[str, Institution]
    vulnerable_groups: frozenset[str]
    protocol: Protocol
    instrument: Instrument
    # (code, facts that must all hold, blocks)
    guideline_rules: tuple[tuple[str, frozenset[str], bool], ...]
    # rule code -> (institution code, service, mandatory, guideline code or "", reason)
    referral_rules: dict[str, tuple[str, str, bool, str, str]]
    # Per case index: registration second, local year and rank within that year (folio order).
    registered: array.array[int]
    folio_year: array.array[int]
    folio_rank: array.array[int]
    folio_prefix: str
    subject_type: str


def _in_force_dependencias() -> list[tuple[int, str, bool]]:
    return [(d.pk, d.code, d.is_imm) for d in dependencias()]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def _protocol() -> Protocol:
    version = default_protocol()
    definition = protocol_definition(version)
    outgoing: dict[str, list[Transition]] = {}
    for t in definition.transitions:
        tasks = tuple(
            (
                str(effect.code),
                effect.role,
                effect.label.es if effect.label else "",
                effect.label.en if effect.label else "",
                (effect.deadline.amount, effect.deadline.unit, effect.deadline.from_event)
                if effect.deadline
                else None,
            )
            for effect in t.effects
            if effect.kind == "task"
        )
        outgoing.setdefault(t.source, []).append(
            Transition(
                code=t.code,
                source=t.source,
                target=t.target,
                roles=tuple(t.roles),
                facts=tuple(t.requires.facts),
                checklist=tuple(item.code for item in t.requires.checklist),
                emits=tuple(t.emits),
                reason_required=t.reason_required,
                tasks=tasks,
            )
        )
    closure = definition.closure
    return Protocol(
        version_id=version.pk,
        initial=definition.initial,
        finals=frozenset(stage.code for stage in definition.stages if stage.final),
        deadlines={
            stage.code: (stage.deadline.amount, stage.deadline.unit, stage.deadline.from_event)
            for stage in definition.stages
            if stage.deadline is not None
        },
        outgoing={stage: tuple(ts) for stage, ts in outgoing.items()},
        closure_reasons=tuple(r.code for r in closure.reasons) if closure else (),
        closure_checklist=tuple(i.code for i in closure.checklist) if closure else (),
    )


def _instrument() -> Instrument:
    instrument = risk_instrument()
    return Instrument(
        code=instrument.code,
        version=instrument.version,
        items=tuple((item.code, item.weight, item.critical) for item in instrument.items),
        levels=tuple(
            RiskLevel(
                code=level.code,
                min_score=level.min_score,
                max_score=level.max_score,
                tasks=tuple(
                    (task.code, task.label_es, task.label_en, task.due_hours)
                    for task in level.tasks()
                ),
            )
            for level in instrument.levels
        ),
        critical_floor=instrument.critical_floor,
    )


def _codes_to_ids(entries: Sequence[object]) -> dict[str, int]:
    return {entry.code: entry.pk for entry in entries}  # type: ignore[attr-defined]


def timeline(
    *, count: int, years: float, now: int, calendar: Calendar, rng: random.Random
) -> tuple[array.array[int], array.array[int], array.array[int]]:
    """Registration times of ``count`` cases over the last ``years`` years, sorted, with the
    local year and the rank within that year that their folios follow."""
    first_day = calendar.local_day(now - int(years * 365.25 * DAY))
    last_day = calendar.local_day(now)
    days = list(range(first_day, last_day + 1))
    weights = []
    span = max(1, len(days) - 1)
    for i, day in enumerate(days):
        _year, month, dom, weekday = calendar.local_month_day(day)
        weight = TREND_FROM + (TREND_TO - TREND_FROM) * i / span
        weight *= MONTH_WEIGHTS[month - 1] * WEEKDAY_WEIGHTS[weekday]
        weight *= CAMPAIGN_DAYS.get((month, dom), 1.0)
        if weekday < 5 and not calendar.is_business(day):
            weight *= NON_WORKING_DAY_WEIGHT
        weights.append(weight)
    picked = rng.choices(days, cum_weights=_cumulative(weights), k=count)
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
    randrange = rng.randrange
    times = []
    for day, hour in zip(picked, hours, strict=True):
        t = calendar.local_midnight(day) + hour * HOUR + randrange(HOUR)
        if t > now:
            midnight = calendar.local_midnight(day)
            t = midnight + randrange(max(1, now - midnight))
        times.append(t)
    times.sort()
    registered = array.array("q", times)
    years_out = array.array("i")
    ranks = array.array("i")
    seen: dict[int, int] = {}
    cache_day = -1
    cache_year = 0
    for t in times:
        day = calendar.local_day(t)
        if day != cache_day:
            cache_day = day
            cache_year = calendar.local_month_day(day)[0]
        rank = seen.get(cache_year, 0)
        seen[cache_year] = rank + 1
        years_out.append(cache_year)
        ranks.append(rank)
    return registered, years_out, ranks


def world_build(
    *, count: int, seed: str, years: float, staff: Staff, now: datetime.datetime | None = None
) -> World:
    """Read the catalogs, the protocol, the instrument and the rules, and plan the timeline."""
    moment = int((now or timezone.now()).timestamp())
    # From before the first registration (incidents happened up to two years earlier) to
    # after the last deadline that can fall due.
    calendar = Calendar(
        first=moment - int(years * 365.25 * DAY) - (MAX_INCIDENT_AGE_DAYS + 30) * DAY,
        last=moment + 400 * DAY,
    )
    deps = _in_force_dependencias()
    if not deps:
        raise ValidationError(_("No hay dependencias cargadas: ejecuta load_catalogs primero."))
    imm_id = next((pk for pk, _code, is_imm in deps if is_imm), None)
    if imm_id is None:
        raise ValidationError(_("El catálogo no tiene al Instituto Municipal de las Mujeres."))
    types = _codes_to_ids(violence_types(law=Law.LEDMVLV)) or _codes_to_ids(
        violence_types(law=Law.LGAMVLV)
    )
    modalities = _codes_to_ids(violence_modalities(law=Law.LEDMVLV)) or _codes_to_ids(
        violence_modalities(law=Law.LGAMVLV)
    )
    if not types:
        raise ValidationError(_("No hay tipos de violencia cargados: ejecuta load_catalogs."))
    rng = random.Random(f"{seed}:timeline")  # noqa: S311 - synthetic data, not secrets
    registered, folio_year, folio_rank = timeline(
        count=count, years=years, now=moment, calendar=calendar, rng=rng
    )
    return World(
        now=moment,
        seed=seed,
        calendar=calendar,
        staff=staff,
        dependencias=tuple(deps),
        dependencia_weights=tuple(
            DEPENDENCIA_WEIGHTS.get(code, DEFAULT_DEPENDENCIA_WEIGHT) for _pk, code, _i in deps
        ),
        imm_id=imm_id,
        violence_types=types,
        violence_modalities=modalities,
        institutions={
            i.code: Institution(
                id=i.pk,
                code=i.code,
                handles=tuple(i.handles),
                name_es=i.name_es,
                name_en=i.name_en,
                short_name=i.short_name,
            )
            for i in institutions()
        },
        vulnerable_groups=frozenset(group.code for group in vulnerable_groups()),
        protocol=_protocol(),
        instrument=_instrument(),
        guideline_rules=tuple(
            (rule.code, frozenset(rule.when), rule.blocks) for rule in case_guidelines.rules().rules
        ),
        referral_rules={
            rule.code: (
                rule.institution,
                rule.service,
                rule.mandatory,
                rule.guideline or "",
                rule.reason.es,
            )
            for rule in referral_rules.rules().rules
        },
        registered=registered,
        folio_year=folio_year,
        folio_rank=folio_rank,
        folio_prefix=settings.CASE_FOLIO_PREFIX,
        subject_type=Case._meta.label,
    )
