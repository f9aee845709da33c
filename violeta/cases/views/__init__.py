"""Views of the case file, one module per topic. They call services for every write and
selectors for every read; the URLconf imports from here."""

from .attention import (
    case_task_add,
    case_task_complete,
    safety_plan_update,
    session_add,
    timeline,
)
from .case import (
    case_access_log,
    case_account_add,
    case_assign,
    case_checklist,
    case_detail,
    case_note_add,
    case_task_done,
    case_transition,
    cases_retold_list,
    emergency_access,
)
from .closure import case_close, case_reopen
from .consent import consent_decide, consent_override, contact_preference
from .guidelines import guideline_resolve
from .inbox import case_list
from .intake import case_register, incident_add, party_add

__all__ = [
    "case_access_log",
    "case_account_add",
    "case_assign",
    "case_checklist",
    "case_close",
    "case_detail",
    "case_list",
    "case_note_add",
    "case_register",
    "case_reopen",
    "case_task_add",
    "case_task_complete",
    "case_task_done",
    "case_transition",
    "cases_retold_list",
    "consent_decide",
    "consent_override",
    "contact_preference",
    "emergency_access",
    "guideline_resolve",
    "incident_add",
    "party_add",
    "safety_plan_update",
    "session_add",
    "timeline",
]
