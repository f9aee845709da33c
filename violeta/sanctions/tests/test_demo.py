from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.sanctions.models import ComiteMember, Procedure

pytestmark = pytest.mark.django_db


def test_demo_procedure_needs_debug(settings, catalogs):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_procedure")


def test_demo_procedure_is_created_once_with_its_comite_and_session(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    call_command("seed_demo_procedure", stdout=StringIO())
    call_command("seed_demo_procedure", stdout=StringIO())
    procedure = Procedure.objects.get()
    assert procedure.accused.is_public_servant
    assert ComiteMember.objects.count() == 2
    session = procedure.sessions.get()
    assert session.members.count() == 2
    assert not session.members.exclude(excuse="").exists()


def test_demo_procedure_says_what_to_run_without_demo_accounts(settings, catalogs):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_procedure")
