from __future__ import annotations

from typing import Any

import pytest

from violeta.audit.models import AuditAction, AuditEntry
from violeta.audit.services import audit_record


@pytest.fixture
def chain(db: None, servidora: Any, coordinacion: Any) -> list[AuditEntry]:
    """Five honest entries by two people about two records."""
    return [
        audit_record(action=AuditAction.VIEW, target=servidora, actor=coordinacion),
        audit_record(
            action=AuditAction.UPDATE,
            target=servidora,
            actor=coordinacion,
            detail={"fields": ["position"]},
        ),
        audit_record(action=AuditAction.VIEW, target=coordinacion, actor=servidora),
        audit_record(action=AuditAction.EXPORT, actor=coordinacion, detail={"rows": 12}),
        audit_record(action=AuditAction.VIEW, target=servidora, actor=servidora),
    ]
