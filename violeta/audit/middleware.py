from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from violeta.audit.context import audit_context, session_ref_for
from violeta.audit.models import AuditOrigin


class AuditContextMiddleware:
    """Makes the person and session of this request the actor of any audit entry it writes.

    Goes after AuthenticationMiddleware. Only the user and a keyed reference of the session
    key are kept; the IP address and user agent are never read: the log must not become a
    record of where a person worked from.

    The context ends when the view returns: a streaming response's body runs later, so code
    that audits while streaming (exports) passes ``actor`` explicitly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Reading the user first loads the session, which discards a key the store does not
        # know, so a forged cookie never becomes a session reference.
        actor = user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
        session = getattr(request, "session", None)
        session_ref = session_ref_for(session.session_key if session is not None else None)
        with audit_context(origin=AuditOrigin.WEB, actor=actor, session_ref=session_ref):
            return self.get_response(request)
