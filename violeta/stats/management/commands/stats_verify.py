"""Compare the stored rollup with a fresh computation from the records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from violeta.stats.services import pending_refresh, rollup_differences


class Command(BaseCommand):
    help = "Comprueba que la estadística preagregada sea igual a contar desde los registros."

    def handle(self, *args: Any, **options: Any) -> None:
        pending_refresh()
        differences = rollup_differences()
        if differences:
            for (month, dep, dim, value), (stored, fresh) in sorted(differences.items())[:20]:
                self.stderr.write(f"{month:%Y-%m} {dep} {dim}={value}: {stored} ≠ {fresh}")
            raise CommandError(
                _("La estadística difiere de los registros en %(n)s celdas: ejecuta stats_rebuild.")
                % {"n": len(differences)}
            )
        self.stdout.write(_("La estadística coincide con los registros."))
