from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide wiring: system checks that span apps."""

    name = "violeta.config"
    label = "violeta_config"

    def ready(self) -> None:
        from violeta.config import checks  # noqa: F401 - registers the checks
