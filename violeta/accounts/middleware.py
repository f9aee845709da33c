"""Nobody who must use a second factor reaches a staff page on a password alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from violeta.accounts.selectors import second_factor_step

# What a person who has given her password but not yet her second factor may still open: the
# public pages (they are public anyway), the language selector, logging out, and the two pages
# that let her give the second factor. Everything else, including pages added later, is closed.
# The public pages and the public guide are for everybody, second factor or not.
OPEN_NAMESPACES = frozenset({"portal", "guide", "report", "verify"})
OPEN_VIEWS = frozenset(
    {
        "set_language",
        "accounts:logout",
        "accounts:second_factor_enrol",
        "accounts:second_factor_verify",
    }
)


class SecondFactorRequiredMiddleware:
    """Sends a logged-in person who owes a second factor to enrol or verify, with ``next``.

    Needs django-otp's OTPMiddleware before it. Decided in ``process_view``, once the URL is
    resolved; a URL that resolves to nothing is a 404 page, which shows nothing private.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        step = second_factor_step(request.user)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and (
            match.namespace in OPEN_NAMESPACES or match.view_name in OPEN_VIEWS
        ):
            return None
        return redirect_to_login(request.get_full_path(), reverse(step), "next")
