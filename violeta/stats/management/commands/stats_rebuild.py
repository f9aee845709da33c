"""Recompute every case's contribution and the whole rollup from the records."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from violeta.stats.services import facts_rebuild


class Command(BaseCommand):
    help = "Recalcula desde los registros la estadística preagregada (tras una carga masiva)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 1 and sys.stderr.isatty():
                sys.stderr.write(f"\r{done:,}/{total:,}")
                sys.stderr.flush()

        report = facts_rebuild(progress=progress)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stdout.write(
            _(
                "Estadística recalculada: %(cases)s casos, %(counted)s con consentimiento, "
                "%(cells)s celdas, en %(seconds).1f s."
            )
            % {
                "cases": report.cases,
                "counted": report.counted,
                "cells": report.cells,
                "seconds": time.monotonic() - started,
            }
        )
