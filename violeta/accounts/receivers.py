from __future__ import annotations

from typing import Any

from violeta.audit.models import AuditAction
from violeta.audit.receivers import email_ref_for
from violeta.audit.services import audit_record


def on_user_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    """An account was locked after repeated failures: record it, never the typed e-mail."""
    detail = {"email_ref": email_ref_for(username)} if username else {}
    audit_record(action=AuditAction.LOCKOUT, actor=None, detail=detail)
