"""``manage.py generate_synthetic --cases N``: realistic synthetic cases for load tests.

Refuses to write into a database that holds real cases unless told ``--force``. The data are
deterministic for a seed (and the number of synthetic cases already there); the encryption
keys and nonces are not, as they must never be.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.catalogs.selectors import dependencias, imm
from violeta.crypto.blind_index import NORMALIZERS
from violeta.synthetic import load, tables
from violeta.synthetic.progress import Progress
from violeta.synthetic.sealer import Sealer
from violeta.synthetic.staff import real_cases, staff_ensure, synthetic_cases
from violeta.synthetic.world import world_build

DEFAULT_SEED = 1
DEFAULT_YEARS = 3.0
DEFAULT_BATCH = 5_000


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class _Unterminated:
    """The command's stderr without the newline OutputWrapper adds to every write, so that a
    progress bar can redraw its line."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = _("Genera casos sintéticos realistas (con datos cifrados reales) para pruebas de carga.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=_positive, required=True, help=_("Cuántos casos generar.")
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("Semilla: la misma semilla da los mismos datos."),
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=DEFAULT_BATCH,
            help=_("Casos por lote escrito en la base de datos."),
        )
        parser.add_argument(
            "--years",
            type=float,
            default=DEFAULT_YEARS,
            help=_("Años hacia atrás en que se reparten los registros."),
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=min(4, os.cpu_count() or 1),
            help=_("Procesos que generan filas en paralelo (sólo PostgreSQL)."),
        )
        parser.add_argument(
            "--indexes",
            choices=("auto", "rebuild", "keep"),
            default="auto",
            help=_(
                "PostgreSQL: reconstruir los índices después de la carga (rebuild), "
                "mantenerlos fila por fila (keep) o decidir por el tamaño (auto)."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Escribir aunque la base de datos tenga casos reales."),
        )
        parser.add_argument(
            "--up-to",
            action="store_true",
            help=_(
                "Generar solo los que falten para que haya --cases casos sintéticos (para "
                "repetir la preparación de una demostración sin duplicarla)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["cases"]
        years: float = options["years"]
        if not 0 < years <= 50:
            raise CommandError(_("--years debe estar entre 0 y 50."))
        if options["up_to"]:
            count -= synthetic_cases().count()
            if count <= 0:
                self.stdout.write(_("Ya hay suficientes casos sintéticos: no se genera ninguno."))
                return
        real = real_cases().count()
        if real and not options["force"]:
            raise CommandError(
                _(
                    "La base de datos ya tiene %(count)d casos que no son sintéticos. No se "
                    "generan datos sintéticos en una base con casos reales: usa otra base de "
                    "datos o, si estás segura de que es una base de pruebas, --force."
                )
                % {"count": real}
            )
        problems = tables.columns_check()
        if problems:
            raise CommandError(
                _("El generador no corresponde a las tablas %(tables)s: actualízalo.")
                % {"tables": ", ".join(problems)}
            )
        institute = imm()
        if institute is None:
            raise CommandError(
                _("No hay catálogos cargados: ejecuta load_catalogs y load_protocols primero.")
            )
        now = timezone.now()
        since = (now - datetime.timedelta(days=int(years * 366) + 30)).date()
        staff = staff_ensure(imm=institute, dependencias=dependencias(), since=since)
        held = synthetic_cases().count()
        sealer = Sealer()
        sealer.self_check(NORMALIZERS)
        try:
            world = world_build(
                count=count,
                seed=f"{options['seed']}:{held}",
                years=years,
                staff=staff,
                now=now,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        rebuild = options["indexes"] == "rebuild" or (
            options["indexes"] == "auto"
            and connection.vendor == "postgresql"
            and count >= load.REBUILD_MIN_CASES
            and count * 2 >= held + real
        )
        progress = Progress(total=count, stream=_Unterminated(self.stderr))
        phases = {
            "indexes": _("Reconstruyendo índices y verificando llaves foráneas…"),
            "commit": _("Confirmando la transacción…"),
            "analyze": _("Actualizando estadísticas del planificador (ANALYZE)…"),
        }
        report = load.load(
            world=world,
            sealer=sealer,
            count=count,
            batch_size=options["batch_size"],
            workers=options["workers"],
            rebuild_indexes=rebuild,
            on_progress=progress.update,
            on_phase=lambda phase: progress.message(phases[phase]),
        )
        progress.finish()
        rate = count / report.seconds if report.seconds else 0.0
        self.stdout.write(
            _(
                "%(cases)s casos sintéticos en %(seconds).1f s: %(rate)s casos/s; "
                "%(rows)s filas escritas (%(per_case).1f por caso)."
            )
            % {
                "cases": f"{count:,}",
                "seconds": report.seconds,
                "rate": f"{rate:,.0f}",
                "rows": f"{report.total_rows:,}",
                "per_case": report.total_rows / count,
            }
        )
        if report.rebuilt_indexes:
            self.stdout.write(
                _(
                    "Filas: %(load).1f s (%(write).1f s de ellas entregándolas a la base de "
                    "datos); índices y llaves reconstruidos y verificados: %(index).1f s; "
                    "ANALYZE: %(analyze).1f s."
                )
                % {
                    "load": report.load_seconds,
                    "write": report.write_seconds,
                    "index": report.index_seconds,
                    "analyze": report.analyze_seconds,
                }
            )
        if options["verbosity"] >= 2:
            for name, rows in sorted(report.rows.items()):
                self.stdout.write(f"  {name}: {rows:,}")
