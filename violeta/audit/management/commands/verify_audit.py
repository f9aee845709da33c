from __future__ import annotations

import argparse
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from violeta.audit.verify import audit_verify

ANCHOR = re.compile(r"(?P<seq>[1-9][0-9]*):(?P<hash>[0-9a-f]{64})")


def _anchor(value: str) -> tuple[int, str]:
    match = ANCHOR.fullmatch(value.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(
            _("Una huella anotada se escribe SECUENCIA:HUELLA, p. ej. 120:%(example)s")
            % {"example": "ab" * 32}
        )
    return int(match["seq"]), match["hash"]


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain: every hash, every link, the numbering and the "
        "chain head. Exits 0 if intact; otherwise exits 1 naming the first bad entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            type=_anchor,
            default=[],
            metavar="SEQ:HASH",
            help=(
                "A head printed by an earlier run and kept outside the system; repeatable. "
                "Catches a chain rewritten with fresh hashes by whoever controls the database."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify(anchors=dict(options["anchor"]))
        if result.problem is not None:
            raise CommandError(
                _("Bitácora alterada. %(problem)s Entradas verificadas antes: %(count)s.")
                % {"problem": result.problem.message(), "count": result.verified}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Bitácora íntegra: %(count)s entradas verificadas.") % {"count": result.verified}
            )
        )
        # Printed so an operator can keep it where the database's administrators cannot
        # reach (the OIC, paper) and pass it back with --anchor on later runs.
        self.stdout.write(
            _("Cabeza de la cadena: %(seq)s:%(hash)s")
            % {"seq": result.head_seq, "hash": result.head_hash}
        )
