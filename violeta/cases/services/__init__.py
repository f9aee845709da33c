"""Every write to a case goes through these services: one transaction, validated, audited.

One module per topic; import from here.
"""

from .account import (
    case_account_append,
)
from .attention import (
    case_task_add,
    case_task_complete,
    safety_plan_update,
    session_record,
)
from .closure import (
    case_close,
    case_reopen,
)
from .consent import (
    ConsentMissing,
    consent_in_force,
    consent_override,
    consent_record,
    consent_require,
    contact_preference_record,
)
from .context import (
    context_refresh,
    repeat_accused_detect,
)
from .guidelines import (
    guideline_resolve,
    guidelines_refresh,
)
from .intake import (
    IncidentFacts,
    PartyFacts,
    Registration,
    case_register,
    default_protocol,
    folio_next,
    incident_add,
    party_add,
)
from .team import (
    assignment_add,
    attention_conflict,
    case_assign,
    case_note_add,
    case_search_recorded,
    case_viewed,
    emergency_access_grant,
)

__all__ = [
    "ConsentMissing",
    "IncidentFacts",
    "PartyFacts",
    "Registration",
    "assignment_add",
    "attention_conflict",
    "case_account_append",
    "case_assign",
    "case_close",
    "case_note_add",
    "case_register",
    "case_reopen",
    "case_search_recorded",
    "case_task_add",
    "case_task_complete",
    "case_viewed",
    "consent_in_force",
    "consent_override",
    "consent_record",
    "consent_require",
    "contact_preference_record",
    "context_refresh",
    "default_protocol",
    "emergency_access_grant",
    "folio_next",
    "guideline_resolve",
    "guidelines_refresh",
    "incident_add",
    "party_add",
    "repeat_accused_detect",
    "safety_plan_update",
    "session_record",
]
