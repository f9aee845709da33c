"""The public verification of constancias, mounted at /constancia/. No login."""

from violeta.training.views_public import urlpatterns

app_name = "verify"
__all__ = ["app_name", "urlpatterns"]
