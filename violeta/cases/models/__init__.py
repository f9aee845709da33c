"""The case record. Narratives, names and contact data are encrypted (violeta.crypto); reads
go through ``selectors``, which always start from the viewer."""

from .account import AccountAddition, AccountTaking, TakingReason
from .attention import AttentionSession, CaseTask, SafetyPlan, Service, SessionMode
from .case import (
    INTIMATE_RELATIONSHIPS,
    MINOR_AGE_RANGES,
    AgeRange,
    AssignmentKind,
    Case,
    CaseAssignment,
    CaseNote,
    CaseParty,
    CaseStatus,
    Channel,
    Disability,
    EmergencyAccess,
    FolioCounter,
    GenderIdentity,
    Hierarchy,
    Language,
    PartyKind,
    Relationship,
)
from .closure import StatusChange
from .consent import (
    ConsentDecision,
    ConsentOverride,
    ConsentPurpose,
    ContactMethod,
    ContactPreference,
    SharedItem,
)
from .context import MatchBasis, RepeatAccused
from .guidelines import GuidelineCheck, GuidelineStatus
from .incidents import CaseViolenceModality, CaseViolenceType, Incident, PlaceKind

__all__ = [
    "INTIMATE_RELATIONSHIPS",
    "MINOR_AGE_RANGES",
    "AccountAddition",
    "AccountTaking",
    "AgeRange",
    "AssignmentKind",
    "AttentionSession",
    "Case",
    "CaseAssignment",
    "CaseNote",
    "CaseParty",
    "CaseStatus",
    "CaseTask",
    "CaseViolenceModality",
    "CaseViolenceType",
    "Channel",
    "ConsentDecision",
    "ConsentOverride",
    "ConsentPurpose",
    "ContactMethod",
    "ContactPreference",
    "Disability",
    "EmergencyAccess",
    "FolioCounter",
    "GenderIdentity",
    "GuidelineCheck",
    "GuidelineStatus",
    "Hierarchy",
    "Incident",
    "Language",
    "MatchBasis",
    "PartyKind",
    "PlaceKind",
    "Relationship",
    "RepeatAccused",
    "SafetyPlan",
    "Service",
    "SessionMode",
    "SharedItem",
    "StatusChange",
    "TakingReason",
]
