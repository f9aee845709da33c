import pytest
from django.urls import reverse

from violeta.audit.context import session_ref_for
from violeta.audit.models import AuditEntry
from violeta.audit.receivers import email_ref_for
from violeta.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _entry(action):
    return AuditEntry.objects.filter(action=action).get()


def test_signing_in_is_recorded_for_that_person_and_her_new_session(client, atencion):
    client.post(reverse("accounts:login"), {"username": atencion.email, "password": TEST_PASSWORD})
    entry = _entry("login")
    assert (entry.actor, entry.origin) == (atencion, "web")
    # The key after login() cycled it: the one the rest of this session carries.
    assert entry.session_ref == session_ref_for(client.session.session_key)


def test_signing_out_is_recorded_for_the_person_who_leaves(client, coordinacion):
    client.force_login(coordinacion)
    session_key = client.session.session_key
    client.post(reverse("accounts:logout"))
    entry = _entry("logout")
    assert (entry.actor, entry.origin) == (coordinacion, "web")
    assert entry.session_ref == session_ref_for(session_key)


def test_a_failed_sign_in_is_recorded_for_nobody_with_a_keyed_reference_to_the_email(
    client, servidora
):
    typed = "Servidora@Prueba.Violeta.MX"
    client.post(reverse("accounts:login"), {"username": typed, "password": "equivocada-123"})
    entry = _entry("login_failed")
    assert entry.actor is None
    assert entry.detail == {"email_ref": email_ref_for(servidora.email)}
    row = str(AuditEntry.objects.filter(pk=entry.pk).values().get()).lower()
    assert servidora.email not in row
    assert "prueba.violeta.mx" not in row
    assert "equivocada" not in row


def test_repeated_failures_on_one_address_share_a_reference_and_others_do_not(client, servidora):
    for typed in (servidora.email, servidora.email.upper(), "otra@prueba.violeta.mx"):
        client.post(reverse("accounts:login"), {"username": typed, "password": "equivocada-123"})
    refs = [
        entry.detail["email_ref"]
        for entry in AuditEntry.objects.filter(action="login_failed").order_by("seq")
    ]
    assert refs[0] == refs[1] != refs[2]


def test_the_email_reference_depends_on_the_secret_key(settings):
    before = email_ref_for("ana@prueba.violeta.mx")
    settings.SECRET_KEY = "otra-clave-" * 6
    assert email_ref_for("ana@prueba.violeta.mx") != before
