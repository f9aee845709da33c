"""Importing a session's attendance list from a CSV or Excel (.xlsx) file.

The whole file is read and checked first; the report names every bad row (numbered as the
spreadsheet shows them) and field. Only a clean file is recorded, in one transaction, through
``services_sessions.attendees_record``: a person already at the session is not added again.
The format is told by the content, never by the file's name.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from violeta.catalogs.models import Dependencia
from violeta.catalogs.selectors import dependencias
from violeta.training.models import TrainingSession
from violeta.training.services_sessions import (
    Attendee,
    attendees_record,
    fold,
    may_manage_sessions,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# The header may sit below a title or a blank line or two, as lists made by hand often have.
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 40
# How much of a typed value the report repeats back.
ECHO_MAX = 60

NAME_MAX = 200
EMAIL_MAX = 254
EMPLOYEE_NUMBER_MAX = 40

# The columns, in the order the report lists a row's problems, and the titles accepted for
# each (compared without accents, case or spacing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nombre": ("nombre", "nombre completo", "name", "full name"),
    "correo": ("correo", "correo electronico", "email", "e-mail", "mail"),
    "numero_empleado": (
        "numero_empleado",
        "numero de empleado",
        "num_empleado",
        "no_empleado",
        "no. de empleado",
        "numero empleado",
        "employee number",
    ),
    "dependencia": ("dependencia", "area", "dependency"),
}
REQUIRED = ("nombre", "dependencia")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The file cannot be read as an attendance list at all."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclasses.dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the first line of the file is 1
    field: str  # a key of COLUMNS
    message: str


@dataclasses.dataclass(frozen=True)
class ImportResult:
    refused: str = ""
    problems: tuple[Problem, ...] = ()
    rows: int = 0
    added: int = 0
    already: int = 0

    @property
    def ok(self) -> bool:
        return not self.refused and not self.problems


# Reading ---------------------------------------------------------------------------------------

Row = tuple[int, list[str]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # Excel stores an employee number typed as 12345 as the number 12345.0.
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _not_a_list() -> str:
    return _("El archivo no es una hoja de cálculo de Excel (.xlsx) ni un archivo CSV.")


def _capped(lines: Iterable[list[str]]) -> list[Row]:
    """The rows with their numbers, reading just past the most a file may have (blank rows
    do not count), so an oversized file is refused without being read to its end."""
    rows: list[Row] = []
    filled = 0
    for number, values in enumerate(lines, start=1):
        rows.append((number, values))
        filled += any(values)
        if filled > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
            break
    return rows


def _xlsx_rows(data: bytes) -> list[Row]:
    import openpyxl  # imported here: only an upload needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile as exc:
        raise FileRefused(_not_a_list()) from exc
    if not is_workbook:
        raise FileRefused(_not_a_list())
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = _capped(
                [_cell(value) for value in values]
                for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            )
        finally:
            workbook.close()
    # A damaged workbook fails in openpyxl, zipfile or the XML parser with many kinds of
    # errors; each means the same to the person uploading it.
    except Exception as exc:
        raise FileRefused(
            _("No se pudo leer el archivo de Excel. Ábrelo y guárdalo de nuevo como .xlsx o CSV.")
        ) from exc
    return rows


def _decode(data: bytes) -> str:
    # UTF-8 first; Excel for Windows in Spanish saves "CSV" in Windows-1252.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _BINARY.search(text):
            return text
    raise FileRefused(_not_a_list())


def _csv_rows(data: bytes) -> list[Row]:
    text = _decode(data)
    opening = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    # Excel in Spanish separates with ";", elsewhere with ","; tabs when pasted.
    delimiter = max((";", ",", "\t"), key=opening.count)
    if opening.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _capped([value.strip() for value in values[:MAX_COLUMNS]] for values in reader)
    except csv.Error as exc:
        raise FileRefused(
            _("El CSV está mal formado cerca de la fila %(row)s.") % {"row": reader.line_num}
        ) from exc


def table_read(data: bytes) -> list[Row]:
    """Every row of the file with its number; raises ``FileRefused`` for what is not a CSV
    or an .xlsx workbook, whatever its name says."""
    if not data:
        raise FileRefused(_("El archivo está vacío."))
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("El archivo pesa más de %(size)s MB. Divídelo en varios.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(_OLE2_MAGIC):
        raise FileRefused(
            _("Es un archivo de Excel 97-2003 (.xls). Guárdalo como .xlsx o como CSV.")
        )
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _header_columns(values: list[str]) -> dict[str, int] | None:
    titles = {fold(title): code for code, accepted in COLUMNS.items() for title in accepted}
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        code = titles.get(fold(value))
        if code is None:
            continue
        if code in found:
            raise FileRefused(_("La columna «%(column)s» aparece dos veces.") % {"column": code})
        found[code] = index
    if all(code in found for code in REQUIRED):
        return found
    return None


# Checking --------------------------------------------------------------------------------------


def _echo(value: str) -> str:
    return value if len(value) <= ECHO_MAX else value[: ECHO_MAX - 1] + "…"


class _DependenciaIndex:
    """Dependencias in force, found by code, name or short name."""

    def __init__(self, entries: Iterable[Dependencia]) -> None:
        self._by_key: dict[str, dict[str, Dependencia]] = {}
        for dependencia in entries:
            keys = {
                dependencia.code,
                dependencia.name_es,
                dependencia.name_en,
                dependencia.short_name,
            }
            for key in keys:
                if key:
                    self._by_key.setdefault(fold(key), {})[dependencia.code] = dependencia

    def find(self, text: str) -> list[Dependencia]:
        return list(self._by_key.get(fold(text), {}).values())


def rows_check(rows: list[Row]) -> tuple[list[Attendee], list[Problem], int]:
    """The attendees the file lists, every problem in it, and how many data rows it has."""
    columns: dict[str, int] | None = None
    header_at = 0
    for position, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _header_columns(values)
        if columns is not None:
            header_at = position
            break
    if columns is None:
        raise FileRefused(
            _(
                "No se encontraron los títulos de las columnas. La primera fila debe decir: "
                "nombre, correo, numero_empleado, dependencia (nombre y dependencia son "
                "obligatorias)."
            )
        )
    data_rows = [
        (number, values) for number, values in rows[header_at + 1 :] if any(v for v in values)
    ]
    if not data_rows:
        raise FileRefused(_("El archivo no tiene filas de asistentes debajo de los títulos."))
    if len(data_rows) > MAX_ROWS:
        raise FileRefused(
            _("El archivo tiene más de %(max)s filas de asistentes. Divídelo en varios.")
            % {"max": MAX_ROWS}
        )

    index = _DependenciaIndex(dependencias())
    attendees: list[Attendee] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}

    def value(values: list[str], code: str) -> str:
        position = columns.get(code) if columns else None
        if position is None or position >= len(values):
            return ""
        return " ".join(values[position].split())

    for number, values in data_rows:
        name = value(values, "nombre")
        email = value(values, "correo")
        employee_number = value(values, "numero_empleado")
        dependencia_text = value(values, "dependencia")
        found: list[Problem] = []

        if not name:
            found.append(Problem(number, "nombre", _("Falta el nombre.")))
        elif len(name) > NAME_MAX:
            found.append(
                Problem(
                    number,
                    "nombre",
                    _("El nombre tiene más de %(max)s caracteres.") % {"max": NAME_MAX},
                )
            )
        if email:
            try:
                if len(email) > EMAIL_MAX:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                found.append(
                    Problem(
                        number,
                        "correo",
                        _("«%(value)s» no es un correo válido.") % {"value": _echo(email)},
                    )
                )
        if len(employee_number) > EMPLOYEE_NUMBER_MAX:
            found.append(
                Problem(
                    number,
                    "numero_empleado",
                    _("El número de empleado tiene más de %(max)s caracteres.")
                    % {"max": EMPLOYEE_NUMBER_MAX},
                )
            )
        dependencia = None
        if not dependencia_text:
            found.append(Problem(number, "dependencia", _("Falta la dependencia.")))
        else:
            matches = index.find(dependencia_text)
            if not matches:
                found.append(
                    Problem(
                        number,
                        "dependencia",
                        _(
                            "No hay en el catálogo una dependencia «%(value)s». Escribe su "
                            "clave o su nombre."
                        )
                        % {"value": _echo(dependencia_text)},
                    )
                )
            elif len(matches) > 1:
                found.append(
                    Problem(
                        number,
                        "dependencia",
                        _("«%(value)s» puede ser más de una dependencia. Escribe su clave.")
                        % {"value": _echo(dependencia_text)},
                    )
                )
            else:
                dependencia = matches[0]

        if found or dependencia is None:
            problems.extend(found)
            continue
        attendee = Attendee(
            full_name=name,
            dependencia=dependencia,
            email=email.lower(),
            employee_number=employee_number,
        )
        identity = attendee.identity
        if identity in seen:
            field = (
                "correo"
                if attendee.email
                else "numero_empleado"
                if attendee.employee_number
                else "nombre"
            )
            problems.append(
                Problem(
                    number,
                    field,
                    _("Repite a la persona de la fila %(row)s.") % {"row": seen[identity]},
                )
            )
            continue
        seen[identity] = number
        attendees.append(attendee)
    return attendees, problems, len(data_rows)


def attendance_import(
    *, actor: Any, session: TrainingSession, data: bytes, filename: str = ""
) -> ImportResult:
    """Check the whole file; record its people only if every row is right."""
    if not may_manage_sessions(actor):
        raise PermissionDenied
    try:
        attendees, problems, count = rows_check(table_read(data))
    except FileRefused as refused:
        return ImportResult(refused=refused.message)
    if problems:
        return ImportResult(problems=tuple(problems), rows=count)
    recorded = attendees_record(
        actor=actor, session=session, attendees=attendees, source=filename or "archivo"
    )
    return ImportResult(rows=count, added=recorded.added, already=recorded.already)
