import datetime
from base64 import b32decode
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, DEMO_TOTP_SECRET, DEMO_USERS
from violeta.accounts.models import User
from violeta.accounts.roles import SECOND_FACTOR_ROLES, Role

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


def test_demo_accounts_that_need_a_second_factor_get_the_published_demo_secret(settings, catalogs):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert sorted(device.user.role for device in devices) == sorted(SECOND_FACTOR_ROLES)
    assert {device.key for device in devices} == {DEMO_TOTP_KEY}
    assert "make codes" in out.getvalue()
    assert DEMO_TOTP_SECRET in out.getvalue()


def test_running_twice_adds_no_second_device(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert TOTPDevice.objects.count() == len(
        [demo for demo in DEMO_USERS if demo.role in SECOND_FACTOR_ROLES]
    )


def test_an_older_demo_database_gains_the_devices(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    TOTPDevice.objects.all().delete()
    call_command("seed_demo", stdout=StringIO())
    assert TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).count() == len(
        [demo for demo in DEMO_USERS if demo.role in SECOND_FACTOR_ROLES]
    )


def test_demo_codes_refuses_without_debug(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    out = StringIO()
    with pytest.raises(CommandError, match="only shown with DEBUG on"):
        call_command("demo_codes", stdout=out)
    assert out.getvalue() == ""


@time_machine.travel(datetime.datetime(2026, 11, 27, 16, 0, 7, tzinfo=datetime.UTC), tick=False)
def test_demo_codes_prints_the_code_each_demo_account_accepts_now(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_codes", stdout=out)
    expected = f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"
    assert out.getvalue().splitlines()[1:] == [
        f"  {demo.email:<32} {expected}" for demo in DEMO_USERS if demo.role in SECOND_FACTOR_ROLES
    ]
    device = TOTPDevice.objects.get(user__email="atencion@demo.violeta.mx")
    assert device.verify_token(expected) is True


def test_demo_codes_never_reads_a_real_secret(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    TOTPDevice.objects.filter(user__email="autoridad@demo.violeta.mx").update(key="00" * 20)
    out = StringIO()
    call_command("demo_codes", stdout=out)
    assert "autoridad@demo.violeta.mx" not in out.getvalue()
    assert "coordinacion@demo.violeta.mx" in out.getvalue()
