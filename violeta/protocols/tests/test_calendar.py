import datetime
import textwrap
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.protocols.calendar import (
    DEFAULT_FILE,
    NonWorkingDaysFileError,
    add_business_days,
    business_days_between,
    due_at,
    is_business_day,
    non_working_days_load,
    parse_non_working_days,
)
from violeta.protocols.models import NonWorkingDay

pytestmark = pytest.mark.django_db

CHIHUAHUA = ZoneInfo("America/Chihuahua")
UTC = datetime.UTC
END = datetime.time(23, 59, 59, 999999)


def local(
    tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, *rest: int
) -> datetime.datetime:
    second, microsecond = (*rest, 0, 0)[:2]
    return datetime.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz)


def end_of(day: datetime.date, tz: ZoneInfo = CHIHUAHUA) -> datetime.datetime:
    return datetime.datetime.combine(day, END, tzinfo=tz)


@pytest.fixture(autouse=True)
def chihuahua(settings):
    settings.TIME_ZONE = "America/Chihuahua"


# --- Días hábiles ---------------------------------------------------------------------------


def test_weekdays_are_business_days_and_weekends_are_not():
    assert is_business_day(datetime.date(2026, 11, 13))  # Friday
    assert not is_business_day(datetime.date(2026, 11, 14))  # Saturday
    assert not is_business_day(datetime.date(2026, 11, 15))  # Sunday
    assert is_business_day(datetime.date(2026, 11, 17))  # Tuesday


@pytest.mark.parametrize(
    "holiday",
    [
        datetime.date(2026, 1, 1),  # Año Nuevo
        datetime.date(2026, 2, 2),  # Constitución, first Monday of February
        datetime.date(2026, 3, 16),  # Benito Juárez, third Monday of March
        datetime.date(2026, 5, 1),  # Día del Trabajo
        datetime.date(2026, 9, 16),  # Independencia
        datetime.date(2026, 11, 16),  # Revolución, third Monday of November
        datetime.date(2026, 12, 25),  # Navidad
    ],
)
def test_each_2026_federal_holiday_is_not_a_business_day(holiday):
    assert holiday.weekday() < 5
    assert not is_business_day(holiday)


def test_the_days_around_the_movable_holidays_are_business_days():
    # The statutory dates (5 Feb, 21 Mar, 20 Nov) are not holidays when the Monday is.
    assert is_business_day(datetime.date(2026, 2, 5))
    assert is_business_day(datetime.date(2026, 3, 20))
    assert is_business_day(datetime.date(2026, 11, 20))


def test_the_transmission_of_the_federal_executive_is_not_a_business_day():
    assert not is_business_day(datetime.date(2030, 10, 1))
    assert is_business_day(datetime.date(2026, 10, 1))


def test_a_day_declared_by_the_institution_is_not_a_business_day():
    day = datetime.date(2026, 4, 2)
    assert is_business_day(day)
    NonWorkingDay.objects.create(date=day, description="Jueves Santo")
    assert not is_business_day(day)


def test_add_business_days_skips_benito_juarez():
    # Friday 13 March 2026; Monday 16 is Benito Juárez's day.
    assert add_business_days(datetime.date(2026, 3, 13), 1) == datetime.date(2026, 3, 17)


def test_business_days_between_counts_after_start_up_to_end():
    thursday = datetime.date(2026, 11, 12)
    wednesday = datetime.date(2026, 11, 18)
    assert business_days_between(thursday, wednesday) == 3
    assert business_days_between(wednesday, thursday) == -3
    assert business_days_between(thursday, thursday) == 0
    assert business_days_between(thursday, add_business_days(thursday, 40)) == 40


def test_business_days_between_sees_declared_days_across_years():
    NonWorkingDay.objects.create(date=datetime.date(2027, 1, 4), description="Asueto")
    # 23 Dec 2026 → 5 Jan 2027: 24, 28, 29, 30, 31 Dec and 5 Jan (25 Dec, 1 Jan, 4 Jan off).
    assert business_days_between(datetime.date(2026, 12, 23), datetime.date(2027, 1, 5)) == 6


# --- Deadlines ------------------------------------------------------------------------------


def test_acceptance_three_business_days_over_revolution_day():
    start = local(CHIHUAHUA, 2026, 11, 12, 10, 0)  # Thursday
    due = due_at(start=start, amount=3, unit="business_days")
    # Friday 13 = 1, (weekend, Monday 16 holiday), Tuesday 17 = 2, Wednesday 18 = 3.
    assert due == local(CHIHUAHUA, 2026, 11, 18, 23, 59, 59, 999999)
    assert due.tzinfo == CHIHUAHUA


def test_business_days_start_counting_the_day_after_even_late_at_night():
    start = local(CHIHUAHUA, 2026, 11, 12, 23, 59)
    due = due_at(start=start, amount=1, unit="business_days")
    assert due == end_of(datetime.date(2026, 11, 13))


def test_business_days_started_on_a_weekend_count_from_monday():
    start = local(CHIHUAHUA, 2026, 11, 7, 9, 0)  # Saturday
    due = due_at(start=start, amount=1, unit="business_days")
    assert due == end_of(datetime.date(2026, 11, 9))


def test_business_days_across_christmas_and_new_year():
    start = local(CHIHUAHUA, 2026, 12, 23, 12, 0)  # Wednesday
    due = due_at(start=start, amount=5, unit="business_days")
    # 24 Dec = 1, (25 Dec holiday, weekend), 28 = 2, 29 = 3, 30 = 4, 31 = 5.
    assert due == end_of(datetime.date(2026, 12, 31))
    due = due_at(start=start, amount=6, unit="business_days")
    # (1 Jan 2027 holiday, weekend) Monday 4 Jan 2027 = 6.
    assert due == end_of(datetime.date(2027, 1, 4))


def test_business_days_over_benito_juarez():
    start = local(CHIHUAHUA, 2026, 3, 12, 16, 30)  # Thursday
    due = due_at(start=start, amount=2, unit="business_days")
    # Friday 13 = 1, Monday 16 is the third Monday of March, Tuesday 17 = 2.
    assert due == end_of(datetime.date(2026, 3, 17))


def test_a_day_declared_in_the_database_moves_a_deadline():
    start = local(CHIHUAHUA, 2026, 3, 30, 9, 0)  # Monday of Semana Santa
    assert due_at(start=start, amount=3, unit="business_days") == end_of(datetime.date(2026, 4, 2))
    NonWorkingDay.objects.create(date=datetime.date(2026, 4, 2), description="Jueves Santo")
    NonWorkingDay.objects.create(date=datetime.date(2026, 4, 3), description="Viernes Santo")
    assert due_at(start=start, amount=3, unit="business_days") == end_of(datetime.date(2026, 4, 6))


def test_hours_run_across_midnight():
    start = local(CHIHUAHUA, 2026, 11, 12, 22, 30)
    assert due_at(start=start, amount=24, unit="hours") == local(CHIHUAHUA, 2026, 11, 13, 22, 30)
    assert due_at(start=start, amount=3, unit="hours") == local(CHIHUAHUA, 2026, 11, 13, 1, 30)


def test_hours_ignore_weekends_and_holidays():
    start = local(CHIHUAHUA, 2026, 11, 14, 8, 0)  # Saturday before Revolution Day
    assert due_at(start=start, amount=72, unit="hours") == local(CHIHUAHUA, 2026, 11, 17, 8, 0)


def test_calendar_days_end_at_the_end_of_the_local_day():
    start = local(CHIHUAHUA, 2026, 11, 12, 10, 0)
    # Weekends and holidays count: 30 calendar days.
    assert due_at(start=start, amount=30, unit="calendar_days") == end_of(
        datetime.date(2026, 12, 12)
    )
    assert due_at(start=start, amount=1, unit="calendar_days") == end_of(
        datetime.date(2026, 11, 13)
    )


def test_the_local_date_decides_not_the_utc_date():
    # 03:00 UTC on Friday 13 is still Thursday 12 evening in Chihuahua (UTC-6).
    start = datetime.datetime(2026, 11, 13, 3, 0, tzinfo=UTC)
    assert due_at(start=start, amount=3, unit="business_days") == end_of(
        datetime.date(2026, 11, 18)
    )
    assert due_at(start=start, amount=1, unit="calendar_days") == end_of(
        datetime.date(2026, 11, 13)
    )


def test_deadlines_are_returned_in_the_default_time_zone():
    start = datetime.datetime(2026, 11, 12, 16, 0, tzinfo=UTC)
    for unit in ("hours", "calendar_days", "business_days"):
        assert due_at(start=start, amount=2, unit=unit).tzinfo == CHIHUAHUA


def test_mexico_city_time_zone(settings):
    settings.TIME_ZONE = "America/Mexico_City"
    mexico = ZoneInfo("America/Mexico_City")
    start = datetime.datetime(2026, 11, 13, 4, 30, tzinfo=UTC)  # Thursday 22:30 local
    assert due_at(start=start, amount=3, unit="business_days") == end_of(
        datetime.date(2026, 11, 18), mexico
    )
    # Mexico City last changed clocks on 3 April 2022: 24 hours are 24 real hours.
    start = local(mexico, 2022, 4, 2, 12, 0)
    due = due_at(start=start, amount=24, unit="hours")
    # Subtracting two datetimes of the same zone gives wall-clock time; UTC gives real time.
    assert due.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=24)
    assert due == local(mexico, 2022, 4, 3, 13, 0)


def test_hours_over_a_dst_change_are_real_hours(settings):
    settings.TIME_ZONE = "America/Denver"
    denver = ZoneInfo("America/Denver")
    spring = local(denver, 2026, 3, 7, 12, 0)  # clocks go forward on Sunday 8 March
    assert due_at(start=spring, amount=24, unit="hours") == local(denver, 2026, 3, 8, 13, 0)
    autumn = local(denver, 2026, 10, 31, 12, 0)  # clocks go back on Sunday 1 November
    assert due_at(start=autumn, amount=24, unit="hours") == local(denver, 2026, 11, 1, 11, 0)


def test_days_over_a_dst_change_end_at_local_midnight(settings):
    settings.TIME_ZONE = "America/Denver"
    denver = ZoneInfo("America/Denver")
    start = local(denver, 2026, 3, 6, 12, 0)  # Friday, MST
    due = due_at(start=start, amount=1, unit="business_days")
    assert due == end_of(datetime.date(2026, 3, 9), denver)
    assert due.utcoffset() == datetime.timedelta(hours=-6)  # MDT
    due = due_at(start=start, amount=2, unit="calendar_days")
    assert due == end_of(datetime.date(2026, 3, 8), denver)


def test_end_of_day_is_the_last_instant_when_the_last_hour_repeats(settings):
    # Chile turns clocks back at 24:00 on Saturday 4 April 2026: 23:00-24:00 happens twice.
    settings.TIME_ZONE = "America/Santiago"
    start = datetime.datetime(2026, 4, 3, 15, 0, tzinfo=UTC)
    due = due_at(start=start, amount=1, unit="calendar_days")
    assert due.astimezone(UTC) == datetime.datetime(2026, 4, 5, 3, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize("amount", [0, -1, 10_001])
def test_amount_out_of_range_is_refused(amount):
    start = local(CHIHUAHUA, 2026, 11, 12, 10, 0)
    with pytest.raises(ValueError, match="amount"):
        due_at(start=start, amount=amount, unit="business_days")


@pytest.mark.parametrize("amount", [True, 1.5, "3"])
def test_amount_must_be_an_integer(amount):
    start = local(CHIHUAHUA, 2026, 11, 12, 10, 0)
    with pytest.raises(TypeError, match="amount"):
        due_at(start=start, amount=amount, unit="hours")


def test_unknown_unit_is_refused():
    start = local(CHIHUAHUA, 2026, 11, 12, 10, 0)
    with pytest.raises(ValueError, match="unit"):
        due_at(start=start, amount=3, unit="weeks")


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        due_at(start=datetime.datetime(2026, 11, 12, 10, 0), amount=3, unit="hours")  # noqa: DTZ001


# --- Declared days as data ------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dias.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


DAYS = """\
    source: Acuerdo de prueba
    days:
      - date: 2026-04-02
        description: Jueves Santo
      - date: 2026-04-03
        description: Viernes Santo
    """


def test_loading_is_idempotent_and_updates_descriptions(tmp_path):
    path = write(tmp_path, DAYS)
    report = non_working_days_load(path=path)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    report = non_working_days_load(path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    path.write_text(path.read_text().replace("Viernes Santo", "Viernes Santo (asueto)"))
    report = non_working_days_load(path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert list(NonWorkingDay.objects.values_list("description", flat=True)) == [
        "Jueves Santo",
        "Viernes Santo (asueto)",
    ]


def test_loading_keeps_days_added_in_the_admin(tmp_path):
    NonWorkingDay.objects.create(date=datetime.date(2026, 8, 10), description="Capturado")
    non_working_days_load(path=write(tmp_path, DAYS))
    assert NonWorkingDay.objects.count() == 3


def test_a_bad_file_loads_nothing_and_names_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        """\
        source: Acuerdo de prueba
        days:
          - date: 2026-04-02
            description: Jueves Santo
          - date: 2026-13-01
            description: Mes imposible
          - date: 2026-04-03
            description: ""
          - date: 2026-04-02
            description: Repetido
          - date: 2026-05-05
            motivo: campo desconocido
            description: Batalla de Puebla
        """,
    )
    with pytest.raises(NonWorkingDaysFileError) as caught:
        non_working_days_load(path=path)
    problems = caught.value.problems
    assert len(problems) == 4
    assert problems[0].startswith("dias.yaml, line 5, field days[1].date:")
    assert problems[1].startswith("dias.yaml, line 8, field days[2].description:")
    assert problems[2].startswith("dias.yaml, line 9, field days[3].date:")
    assert "already declared on line 3" in problems[2]
    assert problems[3].startswith("dias.yaml, line 12, field days[4].motivo:")
    assert not NonWorkingDay.objects.exists()


def test_a_number_is_not_taken_for_a_date(tmp_path):
    path = write(tmp_path, "source: x\ndays:\n  - date: 20260402\n    description: y\n")
    expected = r"line 3, field days\[0\]\.date: .*YYYY-MM-DD"
    with pytest.raises(NonWorkingDaysFileError, match=expected):
        parse_non_working_days(path)


def test_a_file_without_source_names_the_field(tmp_path):
    path = write(tmp_path, "days: []\n")
    with pytest.raises(NonWorkingDaysFileError, match=r"dias\.yaml, line 1, field source"):
        parse_non_working_days(path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "source: x\ndays:\n  - date: [2026\n")
    with pytest.raises(NonWorkingDaysFileError, match=r"dias\.yaml, line \d+: not valid YAML"):
        parse_non_working_days(path)


def test_the_shipped_example_file_is_valid():
    days = parse_non_working_days(DEFAULT_FILE)
    assert days
    assert all(day.date.weekday() < 5 for day in days)


def test_the_command_loads_the_file_and_reports(tmp_path):
    out = StringIO()
    call_command("load_non_working_days", str(write(tmp_path, DAYS)), stdout=out)
    assert "2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert not is_business_day(datetime.date(2026, 4, 3))


def test_the_command_reports_every_problem_and_fails(tmp_path):
    path = write(tmp_path, "source: x\ndays:\n  - date: 2026-02-30\n    description: y\n")
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 problem\(s\) in dias\.yaml; nothing was loaded"):
        call_command("load_non_working_days", str(path), stderr=err)
    assert "dias.yaml, line 3, field days[0].date" in err.getvalue()
