"""The published tables: one per dimension, values × dependencias with their totals, for one
calendar year up to the last complete month, suppressed jointly.

Every figure the dashboard or an export shows is a cell of one of these tables. Filtering by
dependencia selects that dependencia's column of the same tables; it never computes a new
figure, so no two views can be subtracted to reveal a hidden cell. The dependencias' case totals
are suppressed once (in the cases-by-month table) and that decision is imposed on every other
table that shows them, so a total hidden in one table is hidden in all.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from violeta.cases.models import CaseStatus
from violeta.cases.models.case import AgeRange
from violeta.catalogs.models import Dependencia, ViolenceModality, ViolenceType
from violeta.detection.models import RiskLevel
from violeta.protocols.selectors_definitions import protocol_versions_loaded
from violeta.protocols.services_definitions import protocol_definition
from violeta.referrals.models import ReferralStatus
from violeta.sanctions.models import MeasureKind
from violeta.stats.facts import (
    ATTENTION_BUCKETS,
    ATTENTION_LATER,
    NO_AGE,
    NO_RISK,
    NOT_YET,
    DeadlineOutcome,
    Dimension,
)
from violeta.stats.models import RollupCell
from violeta.stats.suppression import Line, suppress

Key = tuple[Any, ...]
GRAND: Key = ("g",)


def row_key(value: str) -> Key:
    return ("r", value)


def col_key(dependencia: str) -> Key:
    return ("k", dependencia)


def cell_key(value: str, dependencia: str) -> Key:
    return ("c", value, dependencia)


@dataclasses.dataclass(frozen=True)
class Period:
    year: int
    first: datetime.date  # first day of the first month
    last: datetime.date  # first day of the last month included

    @property
    def months(self) -> list[datetime.date]:
        return [datetime.date(self.year, m, 1) for m in range(1, self.last.month + 1)]

    @property
    def label(self) -> str:
        first = formats.date_format(self.first, "F")
        last = formats.date_format(self.last, "F Y")
        return _("%(first)s a %(last)s") % {"first": first, "last": last}


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def years_available(today: datetime.date | None = None) -> list[int]:
    """The calendar years with at least one complete month, newest first, from the first
    month any case was counted."""
    last = last_complete_month(today)
    first = (
        RollupCell.objects.filter(n__gt=0).order_by("month").values_list("month", flat=True).first()
    )
    start = min(first.year if first else last.year, last.year)
    return list(range(last.year, start - 1, -1))


def period_for(year: int, today: datetime.date | None = None) -> Period | None:
    last = last_complete_month(today)
    if year > last.year:
        return None
    end = datetime.date(year, 12, 1) if year < last.year else last
    return Period(year=year, first=datetime.date(year, 1, 1), last=end)


@dataclasses.dataclass
class Table:
    """Values × dependencias with row totals, column totals and the grand total."""

    key: str
    caption: str
    value_header: str
    unit: str  # what is counted, plural: "casos", "plazos"…
    values: list[tuple[str, str]]  # (code, label) in display order
    dependencias: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    col_totals: dict[str, int]
    grand: int
    hidden: set[Key]
    note: str = ""

    def shown(self, key: Key) -> int | None:
        if key in self.hidden:
            return None
        if key == GRAND:
            return self.grand
        if key[0] == "r":
            return self.row_totals.get(key[1], 0)
        if key[0] == "k":
            return self.col_totals.get(key[1], 0)
        return self.cells.get((key[1], key[2]), 0)

    def column(self, dependencia: str | None) -> list[tuple[str, str, int | None]]:
        """(code, label, shown count) for the whole municipality or one dependencia."""
        return [
            (
                code,
                label,
                self.shown(row_key(code) if dependencia is None else cell_key(code, dependencia)),
            )
            for code, label in self.values
        ]

    def total(self, dependencia: str | None) -> int | None:
        return self.shown(GRAND if dependencia is None else col_key(dependencia))

    def matrix(self) -> tuple[list[str], list[list[Any]]]:
        """The whole table for an export: a row per value, a column per dependencia and the
        totals; a hidden cell is ``None``."""
        headers = [self.value_header, *(label for _c, label in self.dependencias), _("Total")]
        rows: list[list[Any]] = []
        for code, label in self.values:
            row: list[Any] = [label]
            row += [self.shown(cell_key(code, dep)) for dep, _l in self.dependencias]
            row.append(self.shown(row_key(code)))
            rows.append(row)
        total: list[Any] = [_("Total")]
        total += [self.shown(col_key(dep)) for dep, _l in self.dependencias]
        total.append(self.shown(GRAND))
        rows.append(total)
        return headers, rows


def table_build(
    *,
    key: str,
    caption: str,
    value_header: str,
    unit: str,
    values: Sequence[tuple[str, str]],
    dependencias: Sequence[tuple[str, str]],
    cells: dict[tuple[str, str], int],
    col_totals: dict[str, int] | None = None,
    hidden_margins: Iterable[Key] | None = None,
    threshold: int,
    note: str = "",
) -> Table:
    """Build and suppress a table. ``col_totals`` are the dependencias' totals when they are
    not the columns' sums (cases, when a case may be under several values)."""
    deps = [code for code, _label in dependencias]
    codes = [code for code, _label in values]
    row_totals = {v: sum(cells.get((v, d), 0) for d in deps) for v in codes}
    if col_totals is None:
        col_totals = {d: sum(cells.get((v, d), 0) for v in codes) for d in deps}
    grand = sum(col_totals.get(d, 0) for d in deps)
    entries: dict[Key, int] = {GRAND: grand}
    for v in codes:
        entries[row_key(v)] = row_totals[v]
        for d in deps:
            entries[cell_key(v, d)] = cells.get((v, d), 0)
    for d in deps:
        entries[col_key(d)] = col_totals.get(d, 0)
    lines = [Line(tuple(cell_key(v, d) for d in deps), row_key(v)) for v in codes]
    lines.append(Line(tuple(col_key(d) for d in deps), GRAND))
    # A column adds up to its total, or, when a case may be under several values, to at least
    # its total: the total minus the shown cells still bounds a hidden one from below. Both
    # are protected alike, as equalities (the safe side).
    lines += [Line(tuple(cell_key(v, d) for v in codes), col_key(d)) for d in deps]
    lines.append(Line(tuple(row_key(v) for v in codes), GRAND))
    margins = {col_key(d) for d in deps} | {GRAND}
    # Margins another table already published (the dependencias' case totals) keep that
    # table's decision: hidden here if hidden there, never hidden here as a complement (the
    # other table shows them).
    forced = set(hidden_margins or ())
    hidden = suppress(
        entries,
        lines,
        threshold=threshold,
        forced=forced,
        protected=margins - forced if hidden_margins is not None else (),
    )
    return Table(
        key=key,
        caption=caption,
        value_header=value_header,
        unit=unit,
        values=list(values),
        dependencias=list(dependencias),
        cells=cells,
        row_totals=row_totals,
        col_totals=col_totals,
        grand=grand,
        hidden=hidden,
        note=note,
    )


# --- Labels ----------------------------------------------------------------------------------


def _catalog_labels(model: Any, codes: Iterable[str]) -> list[tuple[str, str]]:
    """Codes in the catalog's order, labelled with the newest version's name."""
    names: dict[str, tuple[int, str]] = {}
    for entry in model.objects.filter(code__in=set(codes)).order_by("effective_date"):
        names[entry.code] = (entry.position, entry.name)
    ordered = sorted(set(codes), key=lambda code: (names.get(code, (10**6, code))[0], code))
    return [(code, names.get(code, (0, code))[1]) for code in ordered]


def _catalog_values(model: Any, cells: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """Every entry of the catalog, and any code counted that it no longer has."""
    codes = {value for value, _dep in cells} | set(model.objects.values_list("code", flat=True))
    return _catalog_labels(model, codes)


def dependencia_labels(codes: Iterable[str]) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for entry in Dependencia.objects.filter(code__in=set(codes)).order_by("effective_date"):
        names[entry.code] = entry.short_name or entry.name
    return sorted(((code, names.get(code, code)) for code in set(codes)), key=lambda i: i[1])


def dependencias_all() -> list[tuple[str, str]]:
    return dependencia_labels(Dependencia.objects.values_list("code", flat=True))


def _stage_names() -> dict[str, str]:
    language = get_language()
    names: dict[str, str] = {}
    for version in protocol_versions_loaded():
        for stage in protocol_definition(version).stages:
            names[stage.code] = stage.name.text(language)
    return names


def attention_labels() -> list[tuple[str, str]]:
    labels = {
        "hasta_24h": _("Hasta 24 horas"),
        "1_a_3_dias": _("De 1 a 3 días"),
        "4_a_7_dias": _("De 4 a 7 días"),
        "8_a_30_dias": _("De 8 a 30 días"),
        ATTENTION_LATER: _("Más de 30 días"),
        NOT_YET: _("Aún sin primera atención"),
    }
    order = [code for _bound, code in ATTENTION_BUCKETS] + [ATTENTION_LATER, NOT_YET]
    return [(code, labels[code]) for code in order]


OUTCOMES = (
    (DeadlineOutcome.ON_TIME, pgettext("deadline", "Cumplido a tiempo")),
    (DeadlineOutcome.LATE, pgettext("deadline", "Cumplido fuera de plazo")),
    (DeadlineOutcome.OVERDUE, pgettext("deadline", "Vencido sin cumplir")),
    (DeadlineOutcome.RUNNING, pgettext("deadline", "En curso")),
)


def outcome_labels() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in OUTCOMES]


# --- The dashboard's tables --------------------------------------------------------------------


@dataclasses.dataclass
class Dashboard:
    period: Period
    threshold: int
    dependencias: list[tuple[str, str]]
    tables: dict[str, Table]
    # Stage code -> name, for the deadlines table's values "stage|outcome".
    stages: list[tuple[str, str]]

    def table(self, key: str) -> Table:
        return self.tables[key]


def _rollup(period: Period) -> list[tuple[datetime.date, str, str, str, int]]:
    rows = (
        RollupCell.objects.filter(month__gte=period.first, month__lte=period.last)
        .values("month", "dependencia", "dimension", "value")
        .annotate(total=Sum("n"))
        .values_list("month", "dependencia", "dimension", "value", "total")
    )
    return [row for row in rows if row[4]]


def dashboard_build(*, year: int, today: datetime.date | None = None) -> Dashboard | None:
    """Every table of the dashboard for one year, suppressed. None for a year with no
    complete month yet."""
    today = today or timezone.localdate()
    period = period_for(year, today)
    if period is None:
        return None
    threshold = settings.STATS_MIN_CELL
    by_dim: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    by_month: Counter[tuple[str, str]] = Counter()
    for month, dep, dim, value, n in _rollup(period):
        cells = by_dim[dim]
        cells[(value, dep)] = cells.get((value, dep), 0) + n
        if dim == Dimension.CASES:
            by_month[(month.isoformat(), dep)] += n
    dependencias = dependencias_all()
    known = {code for code, _label in dependencias}
    extra = {dep for cells in by_dim.values() for (_v, dep) in cells} - known
    if extra:
        dependencias = dependencia_labels(known | extra)

    def build(**kwargs: Any) -> Table:
        return table_build(dependencias=dependencias, threshold=threshold, **kwargs)

    tables: dict[str, Table] = {}
    months = [(m.isoformat(), formats.date_format(m, "F Y")) for m in period.months]
    base = build(
        key="meses",
        caption=_("Casos registrados por mes"),
        value_header=_("Mes"),
        unit=_("casos"),
        values=months,
        cells=dict(by_month),
    )
    tables[base.key] = base
    case_totals = dict(base.col_totals)
    margins = {key for key in base.hidden if key[0] == "k" or key == GRAND}

    def case_table(dimension: str, values: list[tuple[str, str]], **kwargs: Any) -> Table:
        return build(
            values=values,
            cells=by_dim.get(dimension, {}),
            col_totals=case_totals,
            hidden_margins=margins,
            unit=_("casos"),
            **kwargs,
        )

    tables["dependencias"] = case_table(
        Dimension.CASES,
        [("", _("Casos"))],
        key="dependencias",
        caption=_("Casos por dependencia"),
        value_header=_("Dependencia"),
    )
    tables["tipos"] = case_table(
        Dimension.TYPE,
        _catalog_values(ViolenceType, by_dim.get(Dimension.TYPE, {})),
        key="tipos",
        caption=_("Casos por tipo de violencia"),
        value_header=_("Tipo de violencia"),
        note=_(
            "Un caso puede tener varios tipos: la suma de las filas puede ser mayor que el "
            "total de casos."
        ),
    )
    tables["modalidades"] = case_table(
        Dimension.MODALITY,
        _catalog_values(ViolenceModality, by_dim.get(Dimension.MODALITY, {})),
        key="modalidades",
        caption=_("Casos por modalidad de violencia"),
        value_header=_("Modalidad"),
        note=_(
            "Un caso puede tener varias modalidades: la suma de las filas puede ser mayor que "
            "el total de casos."
        ),
    )
    risk_values = [(str(level.value), str(level.label)) for level in RiskLevel]
    risk_values.append((NO_RISK, _("Sin valoración")))
    tables["riesgo"] = case_table(
        Dimension.RISK,
        risk_values,
        key="riesgo",
        caption=_("Nivel de riesgo en la valoración más reciente"),
        value_header=_("Nivel de riesgo"),
    )
    tables["primera_atencion"] = case_table(
        Dimension.FIRST_ATTENTION,
        attention_labels(),
        key="primera_atencion",
        caption=_("Tiempo del registro a la primera atención"),
        value_header=_("Tiempo"),
    )
    age_values = [(str(age.value), str(age.label)) for age in AgeRange]
    age_values.append((NO_AGE, _("Sin dato")))
    tables["edad"] = case_table(
        Dimension.AGE,
        age_values,
        key="edad",
        caption=_("Edad de la persona afectada"),
        value_header=_("Edad"),
    )
    tables["estado"] = case_table(
        Dimension.STATUS,
        [(str(s.value), str(s.label)) for s in CaseStatus],
        key="estado",
        caption=_("Casos abiertos y cerrados"),
        value_header=_("Estado"),
    )
    stages = _stage_names()
    deadline_cells = by_dim.get(Dimension.DEADLINE, {})
    stage_codes = sorted(
        {v.split("|", 1)[0] for v, _d in deadline_cells},
        key=lambda code: list(stages).index(code) if code in stages else len(stages),
    )
    deadline_values = [
        (f"{stage}|{outcome}", f"{stages.get(stage, stage)}: {label}")
        for stage in stage_codes
        for outcome, label in outcome_labels()
    ]
    tables["plazos"] = build(
        key="plazos",
        caption=_("Cumplimiento de plazos por etapa del protocolo"),
        value_header=_("Etapa y resultado"),
        unit=_("plazos"),
        values=deadline_values,
        cells=deadline_cells,
        note=_("Cuenta plazos, no casos: un caso tiene un plazo por cada etapa con término."),
    )
    tables["canalizaciones"] = build(
        key="canalizaciones",
        caption=_("Canalizaciones por estado"),
        value_header=_("Estado"),
        unit=_("canalizaciones"),
        values=[(str(s.value), str(s.label)) for s in ReferralStatus],
        cells=by_dim.get(Dimension.REFERRAL, {}),
        note=_("Cuenta canalizaciones, no casos."),
    )
    tables["medidas"] = build(
        key="medidas",
        caption=_("Medidas de protección vigentes"),
        value_header=_("Medida"),
        unit=_("medidas"),
        values=[(str(k.value), str(k.label)) for k in MeasureKind],
        cells=by_dim.get(Dimension.MEASURE, {}),
        note=_(
            "Aprobadas y aún no concluidas, de los casos registrados en el periodo; cuenta "
            "medidas, no casos."
        ),
    )
    return Dashboard(
        period=period,
        threshold=threshold,
        dependencias=dependencias,
        tables=tables,
        stages=[(code, stages.get(code, code)) for code in stage_codes],
    )
