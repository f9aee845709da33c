import pytest
from django.urls import reverse

from violeta.accounts.capabilities import CAPABILITIES, capabilities_for
from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

EXPECTED_TITLES = {
    Role.SERVIDORA: {
        "Tipos y modalidades de violencia",
        "Directorio de instituciones",
        "Principios de actuación",
        "Capacitación",
    },
    Role.ATENCION: {"Registrar un caso", "Casos asignados", "Reportes del canal público"},
    Role.ENLACE: {"Registrar un caso"},
    Role.COORDINACION: {
        "Asignar casos",
        "Estadística",
        "Registrar un caso",
        "Indicadores de canalización",
        "Reportes del canal público",
        "Represalias por revisar",
    },
    Role.AUTORIDAD: {"Procedimientos del comité y del OIC"},
    Role.ADMINISTRACION: {"Personas usuarias y catálogos"},
}
ROLE_ONLY = {
    "Casos asignados",
    "Asignar casos",
    "Estadística",
    "Indicadores de canalización",
    "Procedimientos del comité y del OIC",
    "Personas usuarias y catálogos",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_capabilities_and_not_others(role):
    user = User(email="x@y.mx", full_name="X", role=role, is_active=True)
    titles = {str(c.title) for c in capabilities_for(user)}
    assert EXPECTED_TITLES[role] <= titles
    others = ROLE_ONLY - EXPECTED_TITLES[role]
    assert titles.isdisjoint(others)


def test_every_capability_is_reachable_by_some_role():
    for capability in CAPABILITIES:
        assert any(
            capability.allowed(User(email="x@y.mx", role=role, is_active=True)) for role in Role
        ), capability.title


def test_staff_home_greets_by_name_and_role(client, coordinacion):
    force_login_verified(client, coordinacion)
    body = client.get(reverse("accounts:home")).content.decode()
    assert "Hola, Coordinación" in body
    assert "Coordinación (IMM)" in body
    assert "Asignar casos" in body
    assert "Personas usuarias y catálogos" not in body
    # Staff pages carry no quick-exit button (it is for the public).
    assert 'id="salida-rapida"' not in body


def test_administration_home_links_to_the_admin(client, admin_sistema):
    force_login_verified(client, admin_sistema)
    body = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in body


def test_login_with_wrong_password_says_so_and_keeps_the_email(client, servidora):
    response = client.post(
        reverse("accounts:login"), {"username": servidora.email, "password": "equivocada"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "El correo o la contraseña no son correctos" in body
    assert f'value="{servidora.email}"' in body


def test_login_is_case_insensitive_on_email(client, servidora):
    from violeta.testing.factories import TEST_PASSWORD

    response = client.post(
        reverse("accounts:login"),
        {"username": servidora.email.upper(), "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:home")


def test_inactive_account_cannot_log_in(client, servidora):
    from violeta.testing.factories import TEST_PASSWORD

    servidora.is_active = False
    servidora.save()
    response = client.post(
        reverse("accounts:login"), {"username": servidora.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, servidora):
    client.force_login(servidora)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
