"""The tables the generator writes, their columns in the order its rows use, and how a row's
COPY text becomes values for databases without COPY.

Columns come from the models, so a new column makes ``columns_check`` fail loudly instead of
letting the generator write rows that the ORM would not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db import models

from violeta.cases.models import (
    AccountTaking,
    AttentionSession,
    Case,
    CaseAssignment,
    CaseParty,
    CaseViolenceModality,
    CaseViolenceType,
    ConsentDecision,
    GuidelineCheck,
    Incident,
    StatusChange,
)
from violeta.crypto.models import DataKey
from violeta.detection.models import RiskAssessment
from violeta.protocols.models import (
    ChecklistResolution,
    Deadline,
    ProtocolRun,
    RunEvent,
    RunTask,
    StageChange,
)
from violeta.referrals.models import Referral, ReferralEvent, ReferralWishes
from violeta.sanctions.models import (
    ComiteSession,
    Measure,
    Procedure,
    Resolution,
    SessionMember,
    Vote,
)

NULL = "\\N"


@dataclasses.dataclass(frozen=True)
class Table:
    model: type[models.Model]
    # Rows carry no id: the database's identity column numbers them (nothing refers to them).
    identity: bool = False

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def fields(self) -> list[models.Field[Any, Any]]:
        fields = list(self.model._meta.concrete_fields)
        if self.identity:
            fields = [f for f in fields if not f.primary_key]
        return fields

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


# In an order that satisfies every foreign key, for databases that check them row by row.
TABLES: tuple[Table, ...] = (
    Table(DataKey),
    Table(Case),
    Table(CaseParty),
    Table(AccountTaking, identity=True),
    Table(Incident),
    Table(Incident.violence_types.through, identity=True),
    Table(Incident.violence_modalities.through, identity=True),
    Table(CaseViolenceType, identity=True),
    Table(CaseViolenceModality, identity=True),
    Table(ConsentDecision, identity=True),
    Table(GuidelineCheck),
    Table(CaseAssignment, identity=True),
    Table(AttentionSession),
    Table(StatusChange),
    Table(ProtocolRun),
    Table(StageChange, identity=True),
    Table(RunEvent, identity=True),
    Table(Deadline, identity=True),
    Table(RunTask, identity=True),
    Table(ChecklistResolution, identity=True),
    Table(RiskAssessment),
    Table(ReferralWishes, identity=True),
    Table(Referral),
    Table(ReferralEvent),
    Table(Procedure),
    Table(ComiteSession),
    Table(SessionMember),
    Table(Measure),
    Table(Vote, identity=True),
    Table(Resolution),
)
BY_NAME = {table.name: table for table in TABLES}

# Table names as the generator uses them.
DATAKEY = DataKey._meta.db_table
CASE = Case._meta.db_table
PARTY = CaseParty._meta.db_table
TAKING = AccountTaking._meta.db_table
INCIDENT = Incident._meta.db_table
INCIDENT_TYPE = Incident.violence_types.through._meta.db_table
INCIDENT_MODALITY = Incident.violence_modalities.through._meta.db_table
CASE_TYPE = CaseViolenceType._meta.db_table
CASE_MODALITY = CaseViolenceModality._meta.db_table
CONSENT = ConsentDecision._meta.db_table
GUIDELINE = GuidelineCheck._meta.db_table
ASSIGNMENT = CaseAssignment._meta.db_table
SESSION = AttentionSession._meta.db_table
STATUS_CHANGE = StatusChange._meta.db_table
RUN = ProtocolRun._meta.db_table
STAGE_CHANGE = StageChange._meta.db_table
RUN_EVENT = RunEvent._meta.db_table
DEADLINE = Deadline._meta.db_table
RUN_TASK = RunTask._meta.db_table
CHECKLIST = ChecklistResolution._meta.db_table
RISK = RiskAssessment._meta.db_table
WISHES = ReferralWishes._meta.db_table
REFERRAL = Referral._meta.db_table
REFERRAL_EVENT = ReferralEvent._meta.db_table
PROCEDURE = Procedure._meta.db_table
COMITE_SESSION = ComiteSession._meta.db_table
SESSION_MEMBER = SessionMember._meta.db_table
MEASURE = Measure._meta.db_table
VOTE = Vote._meta.db_table
RESOLUTION = Resolution._meta.db_table

# The columns each generator row writes, in order. columns_check compares them with the models.
ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    DATAKEY: ("id", "kek_id", "wrapped", "owner", "created_at", "destroyed_at"),
    CASE: (
        "id", "data_key_id", "folio", "status", "channel", "referred_by_id", "dependencia_id",
        "registered_by_id", "registered_at", "taken_by_imm_at", "account", "closed_at",
        "is_workplace", "is_hierarchical", "is_intimate_partner", "is_minor_victim",
        "next_deadline_at", "run_protocol_id", "run_stage",
    ),
    PARTY: (
        "id", "data_key_id", "case_id", "kind", "user_id", "added_by_id", "added_at",
        "is_public_servant", "dependencia_id", "position", "display_name", "name_bidx",
        "used_name", "curp", "curp_bidx", "phone", "phone_bidx", "email", "email_bidx",
        "employee_number", "employee_number_bidx", "age", "age_range", "gender_identity",
        "language", "needs_interpreter", "disabilities", "is_indigenous",
        "indigenous_community", "vulnerable_groups", "hierarchy", "relationship",
    ),
    TAKING: ("case_id", "taken_by_id", "taken_at", "reason"),
    INCIDENT: (
        "id", "data_key_id", "case_id", "occurred_on", "date_is_approximate", "place_kind",
        "place", "recorded_by_id", "recorded_at",
    ),
    INCIDENT_TYPE: ("incident_id", "violencetype_id"),
    INCIDENT_MODALITY: ("incident_id", "violencemodality_id"),
    CASE_TYPE: ("case_id", "violence_type_id"),
    CASE_MODALITY: ("case_id", "violence_modality_id"),
    CONSENT: (
        "case_id", "purpose", "institution_id", "granted", "scope", "decided_at",
        "recorded_by_id",
    ),
    GUIDELINE: (
        "id", "data_key_id", "case_id", "code", "status", "triggered_at", "note",
        "resolved_by_id", "resolved_at",
    ),
    ASSIGNMENT: (
        "case_id", "user_id", "attends_id", "kind", "assigned_by_id", "assigned_at", "ended_at",
        "next_deadline_at",
    ),
    SESSION: (
        "id", "data_key_id", "case_id", "service", "held_at", "mode", "interpreter_present",
        "notes", "next_appointment_at", "author_id", "created_at",
    ),
    STATUS_CHANGE: (
        "id", "data_key_id", "case_id", "to_status", "reason", "checklist", "note", "actor_id",
        "created_at",
    ),
    RUN: (
        "id", "protocol_id", "subject_type", "subject_id", "stage", "revision", "started_at",
        "finished_at",
    ),
    STAGE_CHANGE: ("run_id", "transition", "from_stage", "to_stage", "actor_id", "at", "reason"),
    RUN_EVENT: ("run_id", "code", "at"),
    DEADLINE: ("run_id", "stage", "due_at", "met_at", "overdue_at"),
    RUN_TASK: (
        "run_id", "code", "role", "label_es", "label_en", "due_at", "created_at", "done_at",
        "overdue_at",
    ),
    CHECKLIST: ("run_id", "stage", "item", "resolved_by_id", "resolved_at"),
    RISK: (
        "id", "data_key_id", "case_id", "instrument_code", "instrument_version", "answers",
        "score", "computed_level", "level", "raised_by_worker", "raise_reason", "lowered_from",
        "assessed_by_id", "assessed_at",
    ),
    WISHES: ("case_id", "wants_denuncia", "residence", "recorded_by_id", "recorded_at"),
    REFERRAL: (
        "id", "data_key_id", "case_id", "institution_id", "service", "rule_code", "mandatory",
        "reason", "status", "contact_person", "override_id", "shared_items", "proposed_by_id",
        "proposed_at", "sent_at", "received_at", "attended_at", "closed_at",
    ),
    REFERRAL_EVENT: (
        "id", "data_key_id", "referral_id", "position", "from_status", "to_status", "actor_id",
        "at", "note",
    ),
    PROCEDURE: (
        "id", "data_key_id", "case_id", "accused_id", "allegations", "status", "opened_by_id",
        "opened_at", "representative_id", "accused_notified_at", "response_due_at",
    ),
    COMITE_SESSION: (
        "id", "data_key_id", "procedure_id", "number", "scheduled_for", "place",
        "convened_by_id", "convened_at", "status", "held_at", "quorum_required", "agreements",
    ),
    SESSION_MEMBER: ("id", "data_key_id", "session_id", "member_id", "present", "excuse",
                     "excuse_note"),
    MEASURE: (
        "id", "data_key_id", "procedure_id", "session_id", "kind", "subject", "detail",
        "responsible", "starts_on", "ends_on", "status", "result", "her_consent_at",
        "her_consent_by_id", "renews_id", "reminded_at", "proposed_by_id", "proposed_at",
    ),
    VOTE: ("measure_id", "member_id", "choice", "recorded_by_id", "recorded_at"),
    RESOLUTION: (
        "id", "data_key_id", "procedure_id", "outcome", "sanctions", "suspension_days",
        "grounds", "vista_mp", "vista_mp_note", "resolved_by_id", "resolved_at",
        "notified_affected_at", "notified_accused_at", "appeal_due_at", "appeal_filed_at",
    ),
}  # fmt: skip


def columns_check() -> list[str]:
    """Tables whose generator columns differ from the model's (empty when all is well)."""
    return [
        table.name for table in TABLES if sorted(ROW_COLUMNS[table.name]) != sorted(table.columns)
    ]


# --- From COPY text to values, for SQLite ----------------------------------------------------


def _timestamp(text: str) -> str:
    # "YYYY-MM-DD HH:MM:SS[.ffffff]+00" -> what Django's SQLite backend stores (naive UTC).
    return text[:-3]


def _boolean(text: str) -> int:
    return 1 if text == "t" else 0


def _bytes(text: str) -> bytes:
    # COPY text writes bytea as \\x<hex>.
    return bytes.fromhex(text[3:])


def _text(text: str) -> str:
    return text


def converter(field: models.Field[Any, Any]) -> Callable[[str], Any]:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _timestamp
    if kind == "BooleanField":
        return _boolean
    if kind == "BinaryField":
        return _bytes
    if kind in {"BigAutoField", "AutoField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "IntegerField", "SmallIntegerField", "BigIntegerField"}:  # fmt: skip
        return int
    if kind == "ForeignKey" or kind == "OneToOneField":
        target = field.target_field  # type: ignore[attr-defined]
        return converter(target)
    return _text


def row_converters(table: Table) -> list[Callable[[str], Any]]:
    fields = {f.column: f for f in table.fields}
    return [converter(fields[column]) for column in ROW_COLUMNS[table.name]]


def row_values(converters: list[Callable[[str], Any]], line: str) -> list[Any]:
    """One COPY text row as the values an INSERT takes, in ROW_COLUMNS order."""
    return [
        None if text == NULL else convert(text)
        for convert, text in zip(converters, line.split("\t"), strict=True)
    ]
