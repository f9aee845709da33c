from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from violeta.accounts.models import User
from violeta.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_refuses_without_debug(settings, catalogs):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_creates_one_account_per_role_and_prints_the_logins(settings, catalogs):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    for demo in DEMO_USERS:
        assert demo.email in out.getvalue()
        assert User.objects.get(email=demo.email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out.getvalue()


def test_running_twice_adds_nobody_twice(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.count() == len(DEMO_USERS)


def test_without_catalogs_it_says_what_to_run(settings, db):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_catalogs"):
        call_command("seed_demo", stdout=StringIO())
