"""Shared fixtures: one persona per role (and always an outsider), catalogs, browser set-up."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from violeta.accounts.roles import Role, Specialty

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls made from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("VIOLETA_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("VIOLETA_REQUIRE_BROWSER", "") not in ("", "0")
_skipped_browser_tests: list[str] = []

PERSONAS = (
    "servidora",
    "atencion",
    "enlace",
    "coordinacion",
    "autoridad",
    "admin_sistema",
    "outsider",
)


def _chromium_available() -> bool:
    return CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or _chromium_available():
        return
    if REQUIRE_BROWSER:
        raise pytest.UsageError(
            f"Chromium is required (VIOLETA_REQUIRE_BROWSER is set) but {CHROMIUM} is missing."
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in browser_items:
        item.add_marker(skip)
        _skipped_browser_tests.append(item.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _skipped_browser_tests:
        return
    terminalreporter.section("browser tests skipped", sep="!", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(_skipped_browser_tests)} browser test(s) did not run because Chromium is missing:"
    )
    for nodeid in _skipped_browser_tests:
        terminalreporter.write_line(f"  {nodeid}")
    terminalreporter.write_line(
        "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) or point "
        "VIOLETA_CHROMIUM at a Chromium binary, then run `make test` again."
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Debian's Chromium, never a downloaded browser. The flags keep it off the network.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _connections_closed_after_each_served_request() -> None:
    """The live server answers each browser connection in its own thread, which keeps its
    database connection (CONN_MAX_AGE) while the browser keeps the socket open: after the last
    test the test database could not be dropped. In tests every request's connection closes
    when the request ends; the test client's requests run in the test's own connection."""
    from django.db import connections

    connections["default"].settings_dict["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def _test_database_released(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL, before the test database is dropped: a session still connected to it
    (a thread that kept its connection) would stop the drop and leave the database behind.
    Each one is named in a warning, with its last statement, and ended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, left(query, 300) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        leftovers = cursor.fetchall()
        for pid, state, query in leftovers:
            warnings.warn(
                f"A session was still connected to the test database ({state}): {query}",
                stacklevel=1,
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "es-MX", "timezone_id": "America/Chihuahua"}


@pytest.fixture
def catalogs(db: None) -> None:
    """The real catalog and protocol files, loaded as `make run` loads them."""
    from violeta.catalogs.services import catalogs_load
    from violeta.protocols.services_definitions import protocol_versions_load

    catalogs_load()
    protocol_versions_load()


def _make(role: Role, **extra: Any) -> Any:
    from violeta.testing.factories import DependenciaFactory, UserFactory

    imm = DependenciaFactory(code="imm_prueba", name_es="IMM (prueba)", is_imm=True)
    extra.setdefault("dependencia", imm)
    return UserFactory(role=role, **extra)


@pytest.fixture
def servidora(db: None) -> Any:
    from violeta.testing.factories import DependenciaFactory

    return _make(
        Role.SERVIDORA,
        email="servidora@prueba.violeta.mx",
        full_name="Servidora Pública",
        dependencia=DependenciaFactory(code="dif_prueba", name_es="DIF (prueba)"),
    )


@pytest.fixture
def atencion(db: None) -> Any:
    return _make(
        Role.ATENCION,
        email="atencion@prueba.violeta.mx",
        full_name="Atención Psicológica",
        specialty=Specialty.PSICOLOGIA,
    )


@pytest.fixture
def enlace(db: None) -> Any:
    from violeta.testing.factories import DependenciaFactory

    return _make(
        Role.ENLACE,
        email="enlace@prueba.violeta.mx",
        full_name="Enlace de Igualdad",
        dependencia=DependenciaFactory(code="cultura_prueba", name_es="Cultura (prueba)"),
    )


@pytest.fixture
def coordinacion(db: None) -> Any:
    return _make(
        Role.COORDINACION, email="coordinacion@prueba.violeta.mx", full_name="Coordinación"
    )


@pytest.fixture
def autoridad(db: None) -> Any:
    return _make(Role.AUTORIDAD, email="autoridad@prueba.violeta.mx", full_name="Autoridad OIC")


@pytest.fixture
def admin_sistema(db: None) -> Any:
    return _make(Role.ADMINISTRACION, email="admin@prueba.violeta.mx", full_name="Administración")


@pytest.fixture
def outsider(db: None) -> Any:
    """A logged-in public servant with no relation to anything under test."""
    from violeta.testing.factories import DependenciaFactory

    return _make(
        Role.SERVIDORA,
        email="ajena@prueba.violeta.mx",
        full_name="Persona Ajena",
        dependencia=DependenciaFactory(code="ajena_prueba", name_es="Otra dependencia"),
    )


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Any:
    """Indirectly parametrised: ``@pytest.mark.parametrize("persona", PERSONAS, indirect=True)``."""
    return request.getfixturevalue(request.param)


@pytest.fixture(autouse=True)
def _spanish_by_default() -> Any:
    """Every test starts in the site's language: a request in English earlier in the same
    thread (the test client runs views in it) must not change what a later test reads."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Any:
    """Argon2 is slow by design; tests create hundreds of accounts. Production keeps Argon2
    (violeta/tests/test_headers.py checks the real settings module)."""
    from django.test import override_settings

    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Receipts use Argon2id too; the real costs are in the settings module.
        RECEIPT_PEPPER="pepper-for-tests-only-000000000000000000",
        RECEIPT_ARGON2_TIME_COST=1,
        RECEIPT_ARGON2_MEMORY_KIB=1024,
        REPORT_MIN_SECONDS=0,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def _test_keyring() -> Any:
    """A keyring of the test session's own: tests never touch var/keyring.json."""
    import json

    from django.test import override_settings

    from violeta.crypto.keys import new_keyring, reset_key_provider

    override = override_settings(VIOLETA_KEYRING=json.dumps(new_keyring()))
    override.enable()
    reset_key_provider()
    yield
    override.disable()
    reset_key_provider()


@pytest.fixture
def protocols(db: None) -> None:
    """Only the shipped protocol files (cheaper than ``catalogs`` when nothing else is needed)."""
    from violeta.protocols.services_definitions import protocol_versions_load

    protocol_versions_load()
