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
