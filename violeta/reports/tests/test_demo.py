from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.reports.models import Report

pytestmark = pytest.mark.django_db


def test_demo_report_needs_debug(settings, catalogs):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_report")


def test_demo_report_is_created_once(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo_report", stdout=StringIO())
    call_command("seed_demo_report", stdout=StringIO())
    report = Report.objects.get()
    assert report.anonymous and report.dependencia is not None
