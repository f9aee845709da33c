"""How an entry's hash is computed. Appending and verifying must agree byte for byte, so both
go through ``entry_hash``; changing anything here invalidates every existing chain."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from violeta.audit.models import AuditEntry

GENESIS_HASH = "0" * 64


def canonical_timestamp(moment: datetime.datetime) -> str:
    # Fixed width with microseconds, always in UTC: isoformat() drops ".000000" and keeps the
    # offset it was given, and both would make the same instant hash differently.
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_content(entry: AuditEntry) -> dict[str, Any]:
    """Everything an entry asserts, except the chain fields themselves."""
    return {
        "seq": entry.seq,
        "created_at": canonical_timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "origin": entry.origin,
        "session_ref": entry.session_ref,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "detail": entry.detail,
    }


def canonical_json(content: dict[str, Any]) -> str:
    # Sorted keys and no whitespace: PostgreSQL's jsonb reorders keys, so the text must not
    # depend on insertion order. ASCII-only output keeps the bytes independent of encoding.
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(*, prev_hash: str, entry: AuditEntry) -> str:
    payload = prev_hash + canonical_json(entry_content(entry))
    return hashlib.sha256(payload.encode("ascii")).hexdigest()
