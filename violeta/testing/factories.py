"""Factories with fixed, readable defaults. Catalog rows come from the real catalog files when a
test loads them; these make minimal rows for tests that do not need the whole catalog."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.catalogs.models import Dependencia

TEST_PASSWORD = "contraseña-de-prueba-12"  # noqa: S105


class DependenciaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependencia
        django_get_or_create = ("code", "effective_date")

    code = factory.Sequence(lambda n: f"dependencia_{n}")
    name_es = factory.Sequence(lambda n: f"Dependencia de prueba {n}")
    short_name = factory.Sequence(lambda n: f"DP{n}")
    description_es = "Dependencia creada para pruebas."
    legal_source = "Datos de prueba"
    source_document = "Pruebas"
    effective_date = datetime.date(2021, 1, 1)
    kind = "dependencia"
    loaded_from = "factory"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"persona{n}@prueba.violeta.mx")
    full_name = factory.Sequence(lambda n: f"Persona de Prueba {n}")
    role = Role.SERVIDORA
    dependencia = factory.SubFactory(DependenciaFactory)

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        # Through the manager, as real accounts are made: lower-cased e-mail, full_clean.
        password = str(kwargs.pop("password", TEST_PASSWORD))
        email = str(kwargs.pop("email"))
        return model_class.objects.create_user(email, password, **kwargs)


def make_case(
    *,
    registered_by: Any,
    account: str = "Relato de prueba.",
    affected: str = "Persona Afectada",
    accused: str = "Persona Señalada",
    accused_user: Any = None,
    folio: str | None = None,
    protocol: str | None = None,
) -> Any:
    """A case with its two parties and its first telling, written directly (no audit, no
    assignment)."""
    from violeta.cases.models import AccountTaking, Case, CaseParty, PartyKind, TakingReason
    from violeta.cases.services import folio_next

    case = Case(
        folio=folio or folio_next(),
        dependencia=registered_by.dependencia,
        registered_by=registered_by,
        account=account,
    )
    case.save()
    AccountTaking.objects.create(case=case, taken_by=registered_by, reason=TakingReason.INTAKE)
    CaseParty.objects.create(case=case, kind=PartyKind.AFECTADA, display_name=affected)
    CaseParty.objects.create(
        case=case,
        kind=PartyKind.SENALADA,
        display_name=accused,
        user=accused_user,
        is_public_servant=accused_user is not None,
    )
    if protocol is not None:
        from violeta.protocols.selectors_definitions import protocols_current
        from violeta.protocols.services import run_start

        version = next(p for p in protocols_current() if p.code == protocol)
        run_start(protocol=version, subject=case, actor=registered_by)
    return case


def assign_to_affected(case: Any, *, by: Any, worker: Any, kind: str = "psicologia") -> Any:
    """Assign ``worker`` to attend the case's persona afectada, as coordinación does."""
    from violeta.cases.models import AssignmentKind, PartyKind
    from violeta.cases.services import case_assign

    return case_assign(
        actor=by,
        case=case,
        user=worker,
        attends=case.parties.get(kind=PartyKind.AFECTADA),
        kind=AssignmentKind(kind),
    )


def consent_give(case: Any, *, purpose: str = "comite_oic", granted: bool = True) -> Any:
    """Her decision on one purpose, written directly (no audit)."""
    from violeta.cases.models import ConsentDecision

    return ConsentDecision.objects.create(
        case=case, purpose=purpose, granted=granted, recorded_by=case.registered_by
    )
