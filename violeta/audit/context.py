"""Who is acting right now, so services can audit without threading the request through.

A ContextVar rather than a thread-local: it follows the code into async views and is restored
exactly by ``reset``, so a value can never leak from one request into the next one served by
the same thread.
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.crypto import salted_hmac

from violeta.audit.models import AuditOrigin

SESSION_REF_LENGTH = 16


@dataclasses.dataclass(frozen=True)
class AuditContext:
    origin: AuditOrigin
    actor: AbstractBaseUser | None = None
    session_ref: str = ""


# Outside any request or command the work is the system's own (scheduled jobs, signals).
_SYSTEM = AuditContext(origin=AuditOrigin.SYSTEM)
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "violeta_audit_context", default=_SYSTEM
)


def current_audit_context() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(
    *, origin: AuditOrigin, actor: AbstractBaseUser | None = None, session_ref: str = ""
) -> Iterator[AuditContext]:
    """Audit entries written inside the block get this origin, actor and session reference.

    Management commands that change things wrap their work in
    ``audit_context(origin=AuditOrigin.COMMAND)``; the middleware does it for requests.
    """
    context = AuditContext(origin=origin, actor=actor, session_ref=session_ref)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def session_ref_for(session_key: str | None) -> str:
    """A short reference that correlates a session's entries without storing its key.

    Threat: a session key read from the log would let the reader hijack the session. Keyed
    with SECRET_KEY (HMAC-SHA-256), so whoever reads both this table and the session store
    cannot match the two without the application's secret either.
    """
    if not session_key:
        return ""
    digest = salted_hmac("violeta.audit.session_ref", session_key, algorithm="sha256")
    return digest.hexdigest()[:SESSION_REF_LENGTH]
