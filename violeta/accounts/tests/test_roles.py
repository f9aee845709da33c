import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.accounts.roles import Role, Specialty
from violeta.testing.factories import DependenciaFactory, UserFactory

PREDICATE_TABLE = {
    # predicate: roles for which it holds
    roles.is_staff_member: set(Role),
    roles.handles_cases: {Role.ATENCION, Role.ENLACE, Role.COORDINACION, Role.AUTORIDAD},
    roles.can_register_cases: {Role.ATENCION, Role.ENLACE, Role.COORDINACION},
    roles.can_assign_cases: {Role.COORDINACION},
    roles.can_see_statistics: {Role.COORDINACION},
    roles.can_manage_catalogs: {Role.ADMINISTRACION},
    roles.can_manage_users: {Role.ADMINISTRACION},
    roles.can_take_training: set(Role),
    roles.is_servidora: {Role.SERVIDORA},
    roles.is_atencion: {Role.ATENCION},
    roles.is_enlace: {Role.ENLACE},
    roles.is_coordinacion: {Role.COORDINACION},
    roles.is_autoridad: {Role.AUTORIDAD},
    roles.is_administracion: {Role.ADMINISTRACION},
}


@pytest.mark.parametrize("predicate", list(PREDICATE_TABLE), ids=lambda p: p.__name__)
@pytest.mark.parametrize("role", list(Role))
def test_predicate_holds_exactly_for_its_roles(predicate, role):
    user = User(email="x@y.mx", full_name="X", role=role, is_active=True)
    assert predicate(user) is (role in PREDICATE_TABLE[predicate])


@pytest.mark.parametrize("predicate", list(PREDICATE_TABLE), ids=lambda p: p.__name__)
def test_predicates_deny_anonymous_and_inactive_users(predicate):
    assert predicate(AnonymousUser()) is False
    assert predicate(None) is False
    inactive = User(email="x@y.mx", full_name="X", role=Role.COORDINACION, is_active=False)
    assert predicate(inactive) is False


def test_only_administracion_enters_the_admin_and_only_for_administered_apps():
    admin = User(email="a@y.mx", role=Role.ADMINISTRACION, is_active=True)
    coordinacion = User(email="c@y.mx", role=Role.COORDINACION, is_active=True)
    assert admin.is_staff is True
    assert admin.has_module_perms("catalogs") is True
    assert admin.has_perm("accounts.change_user") is True
    # Case data will live in other apps: the administrator never gets them.
    assert admin.has_module_perms("cases") is False
    assert admin.has_perm("cases.view_case") is False
    assert coordinacion.is_staff is False
    assert coordinacion.has_module_perms("catalogs") is False


@pytest.mark.django_db
def test_email_login_is_case_insensitive_and_stored_lowercase():
    user = UserFactory(email="Maria.Lopez@Chihuahua.gob.mx")
    assert user.email == "maria.lopez@chihuahua.gob.mx"
    assert User.objects.get_by_natural_key("MARIA.LOPEZ@chihuahua.gob.mx") == user


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator_who_cannot_read_cases():
    user = User.objects.create_superuser(
        "root@chihuahua.gob.mx",
        "una-contraseña-larga",
        full_name="Root",
        dependencia=DependenciaFactory(),
    )
    assert user.role == Role.ADMINISTRACION
    assert user.has_module_perms("cases") is False


@pytest.mark.django_db
def test_specialty_is_only_for_atencion():
    with pytest.raises(ValidationError, match="especialidad sólo aplica"):
        UserFactory(role=Role.COORDINACION, specialty=Specialty.JURIDICA)
    user = UserFactory.build(role=Role.COORDINACION, specialty=Specialty.JURIDICA)
    user.dependencia = DependenciaFactory()
    with pytest.raises(IntegrityError):
        user.save()


@pytest.mark.django_db
def test_unknown_role_is_refused_by_the_database():
    user = UserFactory.build(role="superheroina", dependencia=DependenciaFactory())
    with pytest.raises(IntegrityError):
        user.save()
