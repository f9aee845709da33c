"""Coverage of the training among the municipal staff: who holds a valid constancia, per
dependencia, per course and month by month, and who still owes a mandatory course.

Definitions (the page says them too):

- **Staff** are the active accounts (``User.is_active``) of every role except administración.
  Administración accounts run the system (the account made by ``createsuperuser``, technical
  support, often a provider's); they are not part of a dependencia's workforce in the sense of
  the training programme, and counting them would lower a dependencia's share for people the
  IMM does not train. Their constancias still exist and verify like any other.
- A person is **trained** in a course when she holds a valid (not revoked) ``Certificate`` for
  it, issued to her account (``Certificate.user``) or to an attendance linked to her account
  (``Certificate.attendance.user``). A revoked constancia corrects a mistake, so it counts in
  no month, not even before it was revoked.
- The denominators are today's staff: there is no record of who was active in a past month, so
  the monthly series answers "of the people working here now, how many had their constancia by
  the end of each month".
- People trained at a session without an account in Violeta are not counted: there is no
  denominator they belong to.

The arithmetic is pure functions over plain rows (unit-tested on their own); ``coverage_data``
is the ORM query that feeds them, in a constant number of queries whatever the size of the
staff.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.catalogs.models import pick_language
from violeta.training.models import Certificate, Course

# Roles left out of the denominators; see the module's docstring for why.
EXCLUDED_ROLES = frozenset({Role.ADMINISTRACION})


# --- Rows ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StaffRow:
    user_id: int
    dependencia: str  # the dependencia's code
    full_name: str = ""
    email: str = ""


@dataclasses.dataclass(frozen=True)
class DependenciaLabel:
    code: str
    name_es: str
    name_en: str = ""
    short_name: str = ""

    @property
    def name(self) -> str:
        return pick_language(self.name_es, self.name_en)


@dataclasses.dataclass(frozen=True)
class CourseRow:
    id: int
    code: str
    title_es: str
    title_en: str = ""
    mandatory: bool = False

    @property
    def title(self) -> str:
        return pick_language(self.title_es, self.title_en)


@dataclasses.dataclass(frozen=True)
class HeldRow:
    """A person holds a valid constancia of a course since a day (her earliest valid one)."""

    user_id: int
    course_id: int
    since: datetime.date


# --- Arithmetic ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Share:
    staff: int
    trained: int

    @property
    def pending(self) -> int:
        return self.staff - self.trained

    @property
    def percent(self) -> float | None:
        """Percentage with one decimal; None when there is nobody to count (never 0/0)."""
        if self.staff == 0:
            return None
        return round(100 * self.trained / self.staff, 1)


def trained_users(
    held: Iterable[HeldRow], *, course_id: int, as_of: datetime.date | None = None
) -> set[int]:
    """Who holds a valid constancia of the course (by the end of ``as_of``, if given)."""
    return {
        row.user_id
        for row in held
        if row.course_id == course_id and (as_of is None or row.since <= as_of)
    }


def share_of(staff: Iterable[StaffRow], trained: set[int]) -> Share:
    ids = {row.user_id for row in staff}
    return Share(staff=len(ids), trained=len(ids & trained))


def coverage_overall(
    staff: Sequence[StaffRow],
    held: Iterable[HeldRow],
    *,
    course_id: int,
    as_of: datetime.date | None = None,
) -> Share:
    return share_of(staff, trained_users(held, course_id=course_id, as_of=as_of))


def coverage_by_dependencia(
    staff: Sequence[StaffRow],
    held: Iterable[HeldRow],
    *,
    course_id: int,
    as_of: datetime.date | None = None,
) -> dict[str, Share]:
    """One share per dependencia code that has staff. Every person is in exactly one
    dependencia, so the shares' staff and trained add up to ``coverage_overall``."""
    trained = trained_users(held, course_id=course_id, as_of=as_of)
    groups: dict[str, list[StaffRow]] = {}
    for row in staff:
        groups.setdefault(row.dependencia, []).append(row)
    return {code: share_of(rows, trained) for code, rows in groups.items()}


def coverage_by_course(
    staff: Sequence[StaffRow],
    held: Sequence[HeldRow],
    courses: Iterable[CourseRow],
    *,
    as_of: datetime.date | None = None,
) -> list[tuple[CourseRow, Share]]:
    return [
        (course, coverage_overall(staff, held, course_id=course.id, as_of=as_of))
        for course in courses
    ]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months: list[datetime.date] = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclasses.dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # its first day
    new: int  # staff whose first valid constancia of the course is from this month
    share: Share  # staff trained by the end of the month


def coverage_by_month(
    staff: Sequence[StaffRow],
    held: Sequence[HeldRow],
    *,
    course_id: int,
    months: Sequence[datetime.date],
) -> list[MonthRow]:
    """Cumulative coverage at the end of each month. Each month's trained is the previous
    month's plus its ``new`` (for consecutive months), and never goes down."""
    ids = {row.user_id for row in staff}
    firsts = {
        row.user_id: row.since
        for row in sorted(held, key=lambda row: row.since, reverse=True)
        if row.course_id == course_id and row.user_id in ids
    }
    rows = []
    for month in months:
        end = month_end(month)
        rows.append(
            MonthRow(
                month=month,
                new=sum(1 for since in firsts.values() if month <= since <= end),
                share=Share(
                    staff=len(ids), trained=sum(1 for since in firsts.values() if since <= end)
                ),
            )
        )
    return rows


@dataclasses.dataclass(frozen=True)
class Owing:
    person: StaffRow
    courses: list[CourseRow]


def owing_mandatory(
    staff: Iterable[StaffRow], held: Iterable[HeldRow], courses: Iterable[CourseRow]
) -> list[Owing]:
    """Each person of the staff without a valid constancia of some mandatory course, with the
    mandatory courses she still owes, in the order given."""
    mandatory = [course for course in courses if course.mandatory]
    holds = {(row.user_id, row.course_id) for row in held}
    owing = []
    for person in staff:
        missing = [course for course in mandatory if (person.user_id, course.id) not in holds]
        if missing:
            owing.append(Owing(person=person, courses=missing))
    return owing


# --- The query that feeds it -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CoverageData:
    staff: list[StaffRow]
    dependencias: dict[str, DependenciaLabel]
    courses: list[CourseRow]  # active courses, in their order
    held: list[HeldRow]


def coverage_data() -> CoverageData:
    """Everything the coverage page counts, in three queries (staff, courses, constancias)."""
    staff: list[StaffRow] = []
    dependencias: dict[str, DependenciaLabel] = {}
    users = (
        User.objects.filter(is_active=True)
        .exclude(role__in=EXCLUDED_ROLES)
        .order_by("full_name", "id")
        .values(
            "id",
            "full_name",
            "email",
            "dependencia__code",
            "dependencia__name_es",
            "dependencia__name_en",
            "dependencia__short_name",
        )
    )
    for user in users:
        code = user["dependencia__code"]
        staff.append(StaffRow(user["id"], code, user["full_name"], user["email"]))
        dependencias.setdefault(
            code,
            DependenciaLabel(
                code,
                user["dependencia__name_es"],
                user["dependencia__name_en"],
                user["dependencia__short_name"],
            ),
        )
    courses = [
        CourseRow(c["id"], c["code"], c["title_es"], c["title_en"], c["mandatory"])
        for c in Course.objects.filter(active=True).values(
            "id", "code", "title_es", "title_en", "mandatory"
        )
    ]
    # The holder is the constancia's account or, for one issued at a session before the
    # attendance was matched to an account, the attendance's. [certificate_issue copies the
    # attendance's user at issue time only.]
    held_rows = (
        Certificate.objects.filter(revoked_at__isnull=True)
        .annotate(holder=Coalesce("user_id", "attendance__user_id"))
        .filter(holder__isnull=False)
        .values("holder", "course_id")
        .annotate(first=Min("issued_at"))
        .order_by()
    )
    held = [
        HeldRow(row["holder"], row["course_id"], timezone.localdate(row["first"]))
        for row in held_rows
    ]
    return CoverageData(staff=staff, dependencias=dependencias, courses=courses, held=held)


# --- The report: what the page shows and exports ---------------------------------------------

Cell = str | int | float | None


@dataclasses.dataclass(frozen=True)
class Table:
    key: str  # the ``tabla`` parameter of the export
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    # Columns holding a percentage (a float with one decimal, or None when nobody is counted).
    percent_columns: tuple[int, ...] = ()

    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, *([self.total] if self.total is not None else [])]

    def shown(self, row: Sequence[Cell]) -> list[str]:
        """A row as the page shows it: percentages with their sign, blanks as a dash."""
        return [
            percent_text(cell if isinstance(cell, float) else None)
            if index in self.percent_columns
            else ("—" if cell is None else str(cell))
            for index, cell in enumerate(row)
        ]

    @property
    def shown_rows(self) -> list[list[str]]:
        return [self.shown(row) for row in self.rows]

    @property
    def shown_total(self) -> list[str] | None:
        return None if self.total is None else self.shown(self.total)


def percent_text(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:.1f} %"


@dataclasses.dataclass(frozen=True)
class CoverageReport:
    course: CourseRow | None
    as_of: datetime.date
    months: list[datetime.date]
    by_course: list[tuple[CourseRow, Share]]
    by_dependencia: list[tuple[DependenciaLabel, Share]]
    overall: Share
    by_month: list[MonthRow]
    owing: list[tuple[DependenciaLabel, Owing]]
    mandatory: list[CourseRow]

    def tables(self) -> dict[str, Table]:
        tables = {
            "cursos": Table(
                "cursos",
                _("Cobertura por curso al %(date)s") % {"date": self.as_of.isoformat()},
                [
                    _("Curso"),
                    _("Obligatorio"),
                    _("Personal activo"),
                    _("Con constancia vigente"),
                    _("Sin constancia"),
                    _("% con constancia"),
                ],
                [
                    [
                        course.title,
                        _("Sí") if course.mandatory else _("No"),
                        share.staff,
                        share.trained,
                        share.pending,
                        share.percent,
                    ]
                    for course, share in self.by_course
                ],
                percent_columns=(5,),
            ),
            "adeudos": Table(
                "adeudos",
                _("Personal que adeuda la capacitación obligatoria"),
                [_("Dependencia"), _("Nombre"), _("Correo"), _("Cursos obligatorios pendientes")],
                [
                    [
                        label.name,
                        owing.person.full_name,
                        owing.person.email,
                        "; ".join(course.title for course in owing.courses),
                    ]
                    for label, owing in self.owing
                ],
            ),
        }
        if self.course is None:
            return tables
        tables["dependencias"] = Table(
            "dependencias",
            _("%(course)s: cobertura por dependencia al %(date)s")
            % {"course": self.course.title, "date": self.as_of.isoformat()},
            [
                _("Dependencia"),
                _("Personal activo"),
                _("Con constancia vigente"),
                _("Sin constancia"),
                _("% con constancia"),
            ],
            [
                [label.name, share.staff, share.trained, share.pending, share.percent]
                for label, share in self.by_dependencia
            ],
            total=[
                _("Total"),
                self.overall.staff,
                self.overall.trained,
                self.overall.pending,
                self.overall.percent,
            ],
            percent_columns=(4,),
        )
        tables["meses"] = Table(
            "meses",
            _("%(course)s: cobertura acumulada por mes") % {"course": self.course.title},
            [
                _("Mes"),
                _("Constancias nuevas en el mes"),
                _("Con constancia al cierre del mes"),
                _("Personal activo"),
                _("% con constancia"),
            ],
            [
                [
                    row.month.strftime("%Y-%m"),
                    row.new,
                    row.share.trained,
                    row.share.staff,
                    row.share.percent,
                ]
                for row in self.by_month
            ],
            percent_columns=(4,),
        )
        return tables


def default_course(courses: Sequence[CourseRow]) -> CourseRow | None:
    """The first mandatory course, else the first course."""
    return next((c for c in courses if c.mandatory), courses[0] if courses else None)


def coverage_report(
    data: CoverageData,
    *,
    course_id: int | None,
    first_month: datetime.date,
    last_month: datetime.date,
    today: datetime.date | None = None,
) -> CoverageReport:
    """The coverage as at the end of ``last_month`` (or ``today``, if sooner) and month by
    month from ``first_month``. ``course_id`` None (or not an active course) means the default
    course."""
    course = next((c for c in data.courses if c.id == course_id), None) or default_course(
        data.courses
    )
    as_of = min(month_end(last_month), today or timezone.localdate())
    months = months_between(first_month, last_month)

    def label(code: str) -> DependenciaLabel:
        return data.dependencias.get(code) or DependenciaLabel(code, code)

    by_dependencia: list[tuple[DependenciaLabel, Share]] = []
    overall = Share(len(data.staff), 0)
    by_month: list[MonthRow] = []
    if course is not None:
        shares = coverage_by_dependencia(data.staff, data.held, course_id=course.id, as_of=as_of)
        by_dependencia = sorted(
            ((label(code), share) for code, share in shares.items()),
            key=lambda item: item[0].name.casefold(),
        )
        overall = coverage_overall(data.staff, data.held, course_id=course.id, as_of=as_of)
        by_month = coverage_by_month(data.staff, data.held, course_id=course.id, months=months)
    owing = sorted(
        (
            (label(owe.person.dependencia), owe)
            for owe in owing_mandatory(data.staff, data.held, data.courses)
        ),
        key=lambda item: (item[0].name.casefold(), item[1].person.full_name.casefold()),
    )
    return CoverageReport(
        course=course,
        as_of=as_of,
        months=months,
        by_course=coverage_by_course(data.staff, data.held, data.courses, as_of=as_of),
        by_dependencia=by_dependencia,
        overall=overall,
        by_month=by_month,
        owing=owing,
        mandatory=[course for course in data.courses if course.mandatory],
    )
