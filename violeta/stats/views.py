"""The statistics dashboard and its exports, for coordinación.

Every figure comes from ``tables.dashboard_build`` (suppressed); the exports write the same
tables, whole, with a hidden cell as ``*``. Nothing here reads a case's content.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.stats.banavim import COLUMNS, banavim_rows
from violeta.stats.forms import DashboardFilterForm
from violeta.stats.services import pending_refresh
from violeta.stats.tables import (
    Dashboard,
    Table,
    col_key,
    dashboard_build,
    dependencias_all,
    years_available,
)
from violeta.training.charts import Bar, bar_chart
from violeta.training.coverage import coverage_by_course, coverage_data, percent_text

HIDDEN = "*"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass(frozen=True)
class Row:
    label: str
    n: int | None  # None: hidden
    percent: float | None


@dataclasses.dataclass(frozen=True)
class Section:
    table: Table
    rows: list[Row]
    total: int | None
    chart: SafeString
    has_hidden: bool


def _section(table: Table, dependencia: str | None) -> Section:
    if table.key == "dependencias":
        # One row per dependencia (its case total), whatever the filter: the same figures.
        total = table.total(None)
        counts = [(label, table.shown(col_key(code))) for code, label in table.dependencias]
    else:
        total = table.total(dependencia)
        counts = [(label, n) for _code, label, n in table.column(dependencia)]
    # A share is shown only beside a shown count and a shown total.
    rows = [
        Row(label, n, round(100 * n / total, 1) if n is not None and total else None)
        for label, n in counts
    ]
    bars = [
        Bar(
            row.label,
            row.percent if row.n is not None else None,
            note=(str(row.n) if row.n is not None else ""),
        )
        for row in rows
    ]
    chart = bar_chart(
        chart_id=f"grafica-{table.key}",
        title=table.caption,
        description=_(
            "Porcentaje de %(unit)s por categoría. La tabla siguiente tiene los mismos datos."
        )
        % {"unit": table.unit},
        bars=bars,
        missing=_("dato reservado"),
    )
    return Section(
        table=table,
        rows=rows,
        total=total,
        chart=chart,
        has_hidden=any(row.n is None for row in rows) or total is None,
    )


def _training(dependencia: str | None) -> list[tuple[str, str, int, int]]:
    data = coverage_data()
    staff = [row for row in data.staff if dependencia is None or row.dependencia == dependencia]
    return [
        (course.title, percent_text(share.percent), share.trained, share.staff)
        for course, share in coverage_by_course(staff, data.held, data.courses)
    ]


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, int, str | None]:
    form = DashboardFilterForm(
        request.GET or None, years=years_available(), dependencias=dependencias_all()
    )
    if form.is_bound and form.is_valid():
        return form, form.year(), form.dependencia_code()
    return form, form.default_year, None


def _allowed(request: HttpRequest) -> None:
    if not roles.can_see_statistics(request.user):
        raise Http404


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    # Facts a crash left pending are brought up to date first (usually there are none).
    pending_refresh()
    form, year, dependencia = _filters(request)
    board = dashboard_build(year=year)
    if board is None:
        raise Http404
    sections = {key: _section(table, dependencia) for key, table in board.tables.items()}
    dependencia_name = dict(board.dependencias).get(dependencia or "", "")
    query = f"anio={year}" + (f"&dependencia={dependencia}" if dependencia else "")
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "board": board,
            "sections": sections,
            "dependencia": dependencia,
            "dependencia_name": dependencia_name,
            "training": _training(dependencia),
            "query": query,
            "year": year,
            "invalid": form.is_bound and not form.is_valid(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _safe(cell: Any) -> Any:
    """A text a spreadsheet would take for a formula is kept as text (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def _shown(cell: Any) -> Any:
    return HIDDEN if cell is None else _safe(cell)


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> Any:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _notes(board: Dashboard) -> list[list[str]]:
    return [
        [_("Periodo"), board.period.label],
        [
            _("Consentimiento"),
            _("Solo se cuentan los casos cuya persona afectada consintió la estadística."),
        ],
        [
            _("Celdas reservadas (*)"),
            _(
                "Una cifra de 1 a %(k)s se reserva, junto con las necesarias para que no pueda "
                "deducirse de los totales."
            )
            % {"k": board.threshold - 1},
        ],
        [_("Generado"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]


def _workbook(sheets: Sequence[tuple[str, list[str], Iterable[list[Any]]]]) -> bytes:
    """An XLSX written row by row (openpyxl's write-only mode), so a year of incidents is
    never held as cell objects in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=_safe(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([_shown(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
def export_table(request: HttpRequest) -> HttpResponse:
    """One table, or every table (``tabla=todas``, XLSX only), whole: a row per value, a
    column per dependencia and the totals."""
    _allowed(request)
    fmt, key = request.GET.get("formato"), request.GET.get("tabla", "")
    _form, year, _dependencia = _filters(request)
    board = dashboard_build(year=year)
    if board is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if key == "todas" and fmt == "xlsx":
        tables = list(board.tables.values())
    elif key in board.tables:
        tables = [board.tables[key]]
    else:
        raise Http404
    audit_record(
        action=AuditAction.EXPORT,
        detail={"statistics": [t.key for t in tables], "format": fmt, "year": year},
    )
    name = f"estadistica-{key}-{year}.{fmt}"
    if fmt == "csv":
        headers, rows = tables[0].matrix()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow([_safe(h) for h in headers])
        for row in rows:
            writer.writerow([_shown(cell) for cell in row])
        return _attachment(response, name)
    sheets = [(t.key, *t.matrix()) for t in tables]
    sheets.append((_("Notas"), [_("Nota"), _("Texto")], _notes(board)))
    return _attachment(HttpResponse(_workbook(sheets), content_type=XLSX), name)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.name for column in COLUMNS])
    for row in rows:
        yield writer.writerow([_safe(cell) for cell in row])


@login_required
def export_banavim(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The per-incident de-identified export for the national registry."""
    _allowed(request)
    fmt = request.GET.get("formato")
    _form, year, _dependencia = _filters(request)
    board = dashboard_build(year=year)
    if board is None or fmt not in ("csv", "xlsx"):
        raise Http404
    audit_record(action=AuditAction.EXPORT, detail={"banavim": year, "format": fmt})
    name = f"banavim-{year}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(banavim_rows(board.period)), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, name)
    sheets = [
        ("banavim", [c.name for c in COLUMNS], banavim_rows(board.period)),
        (
            _("Campos"),
            [_("Columna"), _("Campo del BANAVIM")],
            [[c.name, c.banavim] for c in COLUMNS],
        ),
    ]
    return _attachment(HttpResponse(_workbook(sheets), content_type=XLSX), name)
