from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts.models import User
from violeta.accounts.roles import requires_second_factor
from violeta.testing.factories import TEST_PASSWORD
from violeta.testing.second_factor import totp_code, totp_device_for


def log_in(page: Any, live_server: Any, email: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real forms, as a person would, second factor included.

    A person whose role needs a second factor and who has none yet is given an authenticator
    first, as if she had enrolled on an earlier day; tests of enrolment itself use
    ``submit_password``.
    """
    user = User.objects.filter(email=email.lower()).first()
    if user is not None and requires_second_factor(user):
        totp_device_for(user)
    submit_password(page, live_server, email, password)
    if urlsplit(page.url).path == reverse("accounts:second_factor_verify"):
        enter_totp_code(page, email)


def submit_password(page: Any, live_server: Any, email: str, password: str) -> None:
    """The first step only: e-mail and password on the login page."""
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Entrar").click()


def enter_totp_code(page: Any, email: str) -> None:
    """The second step: type what the person's authenticator app shows now."""
    device = TOTPDevice.objects.get(user__email=email.lower(), confirmed=True)
    page.get_by_label("Código de verificación").fill(totp_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Verificar").click()


# Keyboard-only journeys: every step reached and operated without a pointer.


def log_in_by_keyboard(page: Any, live_server: Any, user: Any) -> None:
    """Log in with the second factor, sending each form with Enter."""
    device = totp_device_for(user)
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Correo electrónico").fill(user.email)
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Contraseña").press("Enter")
    page.get_by_label("Código de verificación").fill(totp_code(device))
    with page.expect_navigation():
        page.get_by_label("Código de verificación").press("Enter")


def tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def follow(page: Any, name: str) -> None:
    """Reach a link with the keyboard and open it."""
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).press("Enter")


def submit(page: Any, name: str) -> None:
    """Send a form with Enter on its button."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).press("Enter")


# Automated accessibility checks: axe-core, as bundled by axe-playwright-python.

WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""axe rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA: what the public pages must meet."""


def axe_violations(page: Any, tags: tuple[str, ...] = WCAG_AA_TAGS) -> list[dict[str, Any]]:
    """Run axe on the page as it is now and return its violations (empty when it passes).

    Each violation is axe's own dict (``id``, ``impact``, ``help``, ``nodes`` …); pass the list
    to ``axe_report`` to read it.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return list(results.response["violations"])


def axe_report(violations: list[dict[str, Any]]) -> str:
    """A readable report naming each violation, its elements and how to fix them."""
    from axe_playwright_python.base import AxeResults

    return AxeResults({"violations": violations}).generate_report()
