"""Project-wide response headers that no single app owns."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# URL namespaces of the public pages. Only these, asked for by somebody who is not logged in,
# may be kept by a browser or a proxy; they hold no personal data.
PUBLIC_NAMESPACES = frozenset({"portal"})


class PrivateCacheControlMiddleware:
    """``Cache-Control: no-store, private`` on everything except public pages seen anonymously.

    A staff page can show a person's account of violence; a shared office computer or a caching
    proxy must never keep a copy, and the Back button after logging out must not bring one back.
    The rule is "private unless known public", so a new app is private without anybody having
    to remember it. Static files never reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_public_page_for_anonymous(request):
            response.headers.pop("Expires", None)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _is_public_page_for_anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace in PUBLIC_NAMESPACES
