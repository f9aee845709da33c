from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

CSRF_MIDDLEWARE = "violeta.config.csrf.CsrfViewMiddleware"


@register(Tags.security)
def csrf_middleware_installed(app_configs: Any, **kwargs: Any) -> list[Error]:
    if CSRF_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        Error(
            f"{CSRF_MIDDLEWARE} must be in MIDDLEWARE: every form post depends on it.",
            id="violeta.E001",
        )
    ]


@register(Tags.security, deploy=True)
def receipt_pepper_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Receipts of the public channel are hashed with a pepper kept outside the database; every
    app server must share the same one, or receipts stop opening their reports."""
    if getattr(settings, "RECEIPT_PEPPER", ""):
        return []
    return [
        Error(
            "RECEIPT_PEPPER must be set (the same on every app server): without it no report "
            "of the public channel can be received or followed up.",
            id="violeta.E010",
        )
    ]
