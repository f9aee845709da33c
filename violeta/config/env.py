"""Strict readers for environment variables.

Every reader names the variable in its error, so a bad deployment fails at start-up with a
message an operator can act on. Secrets may also come from ``<NAME>_FILE`` (Docker/Kubernetes
secrets), which wins over nothing but loses to an explicit ``<NAME>``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class Env:
    """Reads typed values from a mapping (``os.environ`` unless given one, as tests do)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is not None:
            return value.strip()
        file_name = self.environ.get(f"{name}_FILE")
        if file_name:
            path = Path(file_name)
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(
                    f"{name}_FILE points to {file_name!r}, which cannot be read: {exc.strerror}"
                ) from exc
        return None

    def get_str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required or default is None:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def get_optional_str(self, name: str) -> str | None:
        value = self._raw(name)
        return value or None

    def get_bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None or value == "":
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {value!r}."
        )

    def get_int(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {number}.")
        return number

    def get_list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None or value == "":
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ImproperlyConfigured(
                f"{name} must be a comma-separated list without empty items, not {value!r}."
            )
        return items

    def get_url(self, name: str, *, schemes: tuple[str, ...]) -> str | None:
        value = self._raw(name)
        if value is None or value == "":
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with one of "
                f"{', '.join(s + '://' for s in schemes)}; got {scheme or 'no scheme'!r}."
            )
        return value
