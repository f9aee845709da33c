"""Django's ``flush``, able to empty the audit log on a test database and on nothing else.

Django's TransactionTestCase (pytest-django's ``transactional_db``, ``live_server``) empties
the database with ``flush`` after each test. The append-only triggers refuse that, as they
should anywhere else: outside a test run this command is Django's own, and the triggers make
it fail rather than erase history. This app comes before django.core in the command lookup
(it is listed before the contrib apps), so this module replaces Django's.
"""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.core.management.commands import flush

from violeta.audit.dba import append_only_suspended


def _under_test_runner() -> bool:
    # django.test.utils.setup_test_environment() creates mail.outbox and its teardown deletes
    # it; Django's test runner and pytest-django both call them around the whole run.
    return hasattr(mail, "outbox")


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if not _under_test_runner():
            super().handle(**options)
            return
        with append_only_suspended(using=options["database"]):
            super().handle(**options)
