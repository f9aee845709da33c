"""Legal deadlines: hours, calendar days and días hábiles, in the institution's time zone.

Every deadline is computed in ``settings.TIME_ZONE`` (the default time zone, America/Chihuahua
unless configured) and returned as an aware datetime in that zone, whatever the zone of the
start or the zone activated for the viewer. Hours are real elapsed hours (computed in UTC, so a
day with a DST change still counts 24 real hours); day-based deadlines end at the last instant
of their local day.

A día hábil is a weekday that is neither a federal holiday (``holidays.Mexico``, the days of
Ley Federal del Trabajo art. 74, including the transmission of the Federal Executive) nor a day
the institution declares non-working (``NonWorkingDay`` rows, loaded from
``data/non_working_days.yaml`` by ``manage.py load_non_working_days`` or kept in the admin).
Counting follows Mexican administrative practice (cf. Ley Federal de Procedimiento
Administrativo arts. 28 and 38): días inhábiles are skipped and a term starts running on the
day after the start, so the start day never counts.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from pathlib import Path
from typing import Annotated, Any

import holidays
import yaml
from django.db import transaction
from django.utils import timezone
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
)

from violeta.protocols.models.calendar import NonWorkingDay

HOURS = "hours"
CALENDAR_DAYS = "calendar_days"
BUSINESS_DAYS = "business_days"
UNITS = (HOURS, CALENDAR_DAYS, BUSINESS_DAYS)
# The same bound as schema.Deadline.amount: also keeps a business-day walk short.
MAX_AMOUNT = 10_000

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "non_working_days.yaml"

_ONE_DAY = datetime.timedelta(days=1)
_ONE_MICROSECOND = datetime.timedelta(microseconds=1)


# --- Business days --------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Mexico(years=year).keys())


class _DaysOff:
    """Federal holidays and declared non-working days, read a year at a time.

    One instance serves one computation, so rows added or removed in the admin (or in a test)
    are seen by the next call; no cache outlives it that another process could leave stale.
    """

    def __init__(self) -> None:
        self._years: dict[int, frozenset[datetime.date]] = {}

    def load(self, first_year: int, last_year: int) -> None:
        missing = [year for year in range(first_year, last_year + 1) if year not in self._years]
        if not missing:
            return
        declared: dict[int, set[datetime.date]] = {year: set() for year in missing}
        rows = NonWorkingDay.objects.filter(
            date__gte=datetime.date(min(missing), 1, 1),
            date__lte=datetime.date(max(missing), 12, 31),
        ).values_list("date", flat=True)
        for day in rows:
            if day.year in declared:
                declared[day.year].add(day)
        for year in missing:
            self._years[year] = _federal_holidays(year) | declared[year]

    def is_business_day(self, day: datetime.date) -> bool:
        if day.weekday() >= 5:  # Saturday, Sunday
            return False
        if day.year not in self._years:
            self.load(day.year, day.year)
        return day not in self._years[day.year]


def is_business_day(day: datetime.date) -> bool:
    """Whether ``day`` is a día hábil: a weekday, not a federal holiday, not declared off."""
    return _DaysOff().is_business_day(day)


def add_business_days(day: datetime.date, amount: int) -> datetime.date:
    """The ``amount``-th día hábil after ``day`` (``day`` itself never counts)."""
    _check_amount(amount)
    days_off = _DaysOff()
    counted = 0
    while counted < amount:
        day += _ONE_DAY
        if days_off.is_business_day(day):
            counted += 1
    return day


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Días hábiles after ``start`` up to and including ``end``, the way a term counts them.

    ``business_days_between(d, add_business_days(d, n)) == n``. Negative when ``end`` is
    before ``start``; zero on the same day.
    """
    if end < start:
        return -business_days_between(end, start)
    days_off = _DaysOff()
    days_off.load(start.year, end.year)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if days_off.is_business_day(day):
            count += 1
    return count


# --- Deadlines ------------------------------------------------------------------------------


def _check_amount(amount: int) -> None:
    # bool is an int to Python; True days is a bug, not a deadline.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an integer, not {type(amount).__name__}")
    if not 1 <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount must be between 1 and {MAX_AMOUNT}, not {amount}")


def _end_of_day(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The last microsecond of ``day`` in ``tz``.

    Taken as one microsecond before the next local midnight, through UTC, so it is right even
    where a DST change makes the last hour repeat (e.g. Chile's autumn change at 24:00):
    combining the date with 23:59:59.999999 would pick the first of the two.
    """
    next_midnight = datetime.datetime.combine(day + _ONE_DAY, datetime.time.min, tzinfo=tz)
    return (next_midnight.astimezone(datetime.UTC) - _ONE_MICROSECOND).astimezone(tz)


def due_at(*, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    """When a term of ``amount`` ``unit`` starting at ``start`` ends.

    - ``hours``: ``amount`` real hours after ``start``.
    - ``calendar_days``: the end of the local day ``amount`` days after ``start``'s local date.
    - ``business_days``: the end of the ``amount``-th día hábil after ``start``'s local date.

    ``start`` must be aware. The result is aware, in the default time zone
    (``settings.TIME_ZONE``), the zone in which the local dates are taken.
    """
    if not isinstance(start, datetime.datetime) or timezone.is_naive(start):
        raise ValueError("start must be a timezone-aware datetime")
    _check_amount(amount)
    tz = timezone.get_default_timezone()
    if unit == HOURS:
        # Arithmetic on an aware datetime is wall-clock arithmetic; UTC makes it elapsed time.
        elapsed = start.astimezone(datetime.UTC) + datetime.timedelta(hours=amount)
        return elapsed.astimezone(tz)
    local_date = start.astimezone(tz).date()
    if unit == CALENDAR_DAYS:
        return _end_of_day(local_date + datetime.timedelta(days=amount), tz)
    if unit == BUSINESS_DAYS:
        return _end_of_day(add_business_days(local_date, amount), tz)
    raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


# --- Declared non-working days as data ------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: "2026-02-30" reaches pydantic as text and is reported
    with its line and field instead of crashing the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class NonWorkingDaysFileError(Exception):
    """Problems in a non-working days file; each names the file, the line and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeclaredDay(_Strict):
    date: datetime.date
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]

    @field_validator("date", mode="before")
    @classmethod
    def _calendar_date(cls, value: Any) -> Any:
        # pydantic would read a number as a Unix timestamp and a datetime's date silently.
        if isinstance(value, datetime.datetime) or not isinstance(value, str | datetime.date):
            raise ValueError("write the date as YYYY-MM-DD")
        return value


class _DaysFile(_Strict):
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    days: list[Any]


@dataclasses.dataclass
class NonWorkingDaysReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _node_lines(text: str) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Lines (1-based) of the top-level keys, and of each item of ``days`` and its keys."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, []
    top: dict[str, int] = {}
    items: list[tuple[int, dict[str, int]]] = []
    for key, value in root.value:
        top[str(key.value)] = key.start_mark.line + 1
        if key.value == "days" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                fields: dict[str, int] = {}
                if isinstance(item, yaml.MappingNode):
                    fields = {str(k.value): v.start_mark.line + 1 for k, v in item.value}
                items.append((item.start_mark.line + 1, fields))
    return top, items


def parse_non_working_days(path: Path) -> list[DeclaredDay]:
    """Validate a whole file; raise NonWorkingDaysFileError listing every problem in it."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NonWorkingDaysFileError([f"{name}: cannot be read ({exc.strerror})"]) from exc
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise NonWorkingDaysFileError([f"{name}{where}: not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise NonWorkingDaysFileError([f"{name}, line 1: must be a mapping with source and days"])
    top_lines, item_lines = _node_lines(text)
    try:
        header = _DaysFile.model_validate(raw)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            line = top_lines.get(field, 1)
            problems.append(f"{name}, line {line}, field {field or '(file)'}: {error['msg']}")
        raise NonWorkingDaysFileError(problems) from exc

    problems = []
    days: list[DeclaredDay] = []
    seen: dict[datetime.date, int] = {}
    for index, item in enumerate(header.days):
        item_line, field_lines = (
            item_lines[index] if index < len(item_lines) else (top_lines.get("days", 1), {})
        )
        try:
            day = DeclaredDay.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                field = ".".join(str(part) for part in loc)
                line = field_lines.get(str(loc[0]), item_line) if loc else item_line
                problems.append(
                    f"{name}, line {line}, field days[{index}].{field or '(entry)'}: {error['msg']}"
                )
            continue
        if day.date in seen:
            problems.append(
                f"{name}, line {field_lines.get('date', item_line)}, field days[{index}].date: "
                f"{day.date.isoformat()} is already declared on line {seen[day.date]}"
            )
            continue
        seen[day.date] = field_lines.get("date", item_line)
        days.append(day)
    if problems:
        raise NonWorkingDaysFileError(problems)
    return days


def non_working_days_load(*, path: Path | None = None) -> NonWorkingDaysReport:
    """Load declared non-working days from a file, all or nothing; safe to run repeatedly.

    Days are matched by date: a new date is created, a changed description updated. Days in
    the database but not in the file (e.g. added in the admin) are left alone.
    """
    path = path or DEFAULT_FILE
    days = parse_non_working_days(path)
    report = NonWorkingDaysReport(file=path.name)
    with transaction.atomic():
        for day in days:
            current = NonWorkingDay.objects.select_for_update().filter(date=day.date).first()
            if current is None:
                created = NonWorkingDay(date=day.date, description=day.description)
                created.full_clean()
                created.save()
                report.created += 1
            elif current.description != day.description:
                current.description = day.description
                current.full_clean()
                current.save(update_fields=["description"])
                report.updated += 1
            else:
                report.unchanged += 1
    return report
