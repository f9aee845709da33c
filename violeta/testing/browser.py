from __future__ import annotations

from typing import Any

from django.urls import reverse

from violeta.testing.factories import TEST_PASSWORD


def log_in(page: Any, live_server: Any, email: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
