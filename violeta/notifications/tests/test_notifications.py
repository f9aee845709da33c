import pytest
from django.test import Client
from django.urls import reverse

from violeta.notifications.models import Notification, NotificationKind
from violeta.notifications.services import notifications_send
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db


def test_each_person_sees_only_her_own_notices(atencion, coordinacion):
    notifications_send(recipients=[atencion], kind=NotificationKind.CASE_ASSIGNED, folio="F-1")
    client = Client()
    force_login_verified(client, coordinacion)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert "F-1" not in body
    assert "No tienes avisos." in body


def test_marking_read_only_touches_ones_own(atencion, coordinacion):
    notifications_send(
        recipients=[atencion, coordinacion], kind=NotificationKind.CASE_ASSIGNED, folio="F-2"
    )
    client = Client()
    force_login_verified(client, atencion)
    client.post(reverse("notifications:mark_read"))
    assert Notification.objects.get(recipient=atencion).read_at is not None
    assert Notification.objects.get(recipient=coordinacion).read_at is None


def test_the_header_counts_unread_notices(atencion):
    notifications_send(recipients=[atencion], kind=NotificationKind.CASE_ASSIGNED, folio="F-3")
    client = Client()
    force_login_verified(client, atencion)
    body = client.get(reverse("accounts:home")).content.decode()
    assert 'class="badge">1<span class="visually-hidden"> sin leer' in body
