from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_cases_need_debug(settings, catalogs):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_cases")


def test_demo_cases_are_created_once_and_assigned(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    assert Case.objects.count() == 2
    assigned = Case.objects.filter(assignments__user__email="atencion@demo.violeta.mx")
    assert assigned.count() == 1
    assert assigned.get().notes.count() == 1


def test_demo_cases_say_what_to_run_without_demo_accounts(settings, catalogs):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_cases")


def test_demo_cases_carry_incidents_consent_and_their_derived_context(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    hostigamiento = Case.objects.get(is_hierarchical=True)
    incident = hostigamiento.incidents.get()
    assert {t.code for t in incident.violence_types.all()} == {"sexual", "psicologica"}
    assert hostigamiento.consent_decisions.filter(purpose="comite_oic", granted=True).exists()
