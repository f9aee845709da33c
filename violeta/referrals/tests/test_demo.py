from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_demo_referrals_need_debug(settings, catalogs):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_referrals")


def test_demo_referral_is_created_once_received_and_consented(settings, catalogs):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    call_command("seed_demo_referrals", stdout=StringIO())
    call_command("seed_demo_referrals", stdout=StringIO())
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.RECIBIDA
    assert referral.rule_code == "laboral_cavim"
    assert referral.shared_items == ["identidad", "contacto", "hechos"]


def test_demo_referrals_say_what_to_run_without_demo_accounts(settings, catalogs):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_referrals")
