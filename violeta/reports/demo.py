"""A demo report in the triage queue (development only)."""

from __future__ import annotations

from violeta.catalogs.selectors import dependencias
from violeta.reports.models import Report
from violeta.reports.services import ReportFacts, report_submit


def demo_report_ensure() -> int:
    """One anonymous report from a witness, waiting in coordinación's queue. Its receipt is
    not kept (nobody needs it: a new report gives a new one)."""
    if Report.objects.exists():
        return 0
    dependencia = next((d for d in dependencias() if d.code == "desarrollo_humano_educacion"), None)
    report_submit(
        facts=ReportFacts(
            reporter_role="testigo",
            what=(
                "En la coordinación de bibliotecas, un supervisor le grita a una compañera "
                "frente a todos y le dice que la va a correr si se queja."
            ),
            when="Desde hace dos meses, casi todos los días",
            where="Biblioteca central",
            dependencia=dependencia,
            who="El supervisor del turno matutino",
        )
    )
    return 1
