"""Sign-in events from django.contrib.auth, written to the audit log.

Connected in AuditConfig.ready().
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from violeta.audit.context import AuditContext, audit_context, session_ref_for
from violeta.audit.models import AuditAction, AuditOrigin
from violeta.audit.services import audit_record

EMAIL_REF_LENGTH = 16


def email_ref_for(email: str) -> str:
    """A keyed reference of a typed e-mail, so repeated failed attempts on one address
    correlate without the log holding the address (or, when mistyped, part of a password).
    HMAC with SECRET_KEY: an unkeyed hash of an e-mail is reversed by hashing the staff list."""
    digest = salted_hmac("violeta.audit.login_email", email.strip().lower(), algorithm="sha256")
    return digest.hexdigest()[:EMAIL_REF_LENGTH]


def _session_of(request: HttpRequest | None) -> AbstractContextManager[AuditContext | None]:
    # The session as it is when the signal fires: login() has just cycled the key, so the
    # login entry carries the reference the rest of that session will carry.
    if request is None or not hasattr(request, "session"):
        return nullcontext()
    return audit_context(
        origin=AuditOrigin.WEB, session_ref=session_ref_for(request.session.session_key)
    )


def on_user_logged_in(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    with _session_of(request):
        audit_record(action=AuditAction.LOGIN, actor=user)


def on_user_logged_out(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is None:
        return  # logging out an anonymous visitor ends nothing
    with _session_of(request):
        audit_record(action=AuditAction.LOGOUT, actor=user)


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    detail = {"email_ref": email_ref_for(typed)} if isinstance(typed, str) and typed else {}
    with _session_of(request):
        # Nobody signed in: the attempt is not attributed to the account it named.
        audit_record(action=AuditAction.LOGIN_FAILED, actor=None, detail=detail)
