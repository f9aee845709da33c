"""Intake: the single form (formato único). The account is recorded once, encrypted; the people,
the incidents and her consent are recorded with it in one transaction."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta import db
from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.services import audit_batch, audit_record
from violeta.cases.models import (
    AccountTaking,
    AgeRange,
    AssignmentKind,
    Case,
    CaseParty,
    Channel,
    ConsentPurpose,
    ContactMethod,
    Disability,
    FolioCounter,
    Incident,
    PartyKind,
    PlaceKind,
    TakingReason,
)
from violeta.cases.receivers import incidents_classify
from violeta.cases.selectors import case_reading, new_case_visible_to, readings_of_new_case
from violeta.cases.services.consent import intake_consents_record
from violeta.cases.services.context import (
    context_derive,
    context_refresh,
    repeat_accused_detect,
)
from violeta.cases.services.guidelines import guidelines_refresh
from violeta.cases.services.team import assignment_add
from violeta.cases.shared_reads import case_parties_known, case_rows_shared
from violeta.cases.signals import WrittenCase, case_rows_written, cases_written
from violeta.catalogs.models import Dependencia, Institution, ViolenceModality, ViolenceType
from violeta.catalogs.selectors import vulnerable_groups
from violeta.crypto.fields import mark_saved
from violeta.crypto.services import data_keys_assign
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services import run_start


@dataclasses.dataclass
class PartyFacts:
    """What was said about one person. Only ``display_name`` is required."""

    display_name: str
    user: User | None = None
    is_public_servant: bool = False
    dependencia: Dependencia | None = None
    position: str = ""
    used_name: str = ""
    curp: str = ""
    phone: str = ""
    email: str = ""
    employee_number: str = ""
    age: int | None = None
    age_range: str = ""
    gender_identity: str = ""
    language: str = "es"
    needs_interpreter: bool = False
    disabilities: list[str] = dataclasses.field(default_factory=list)
    is_indigenous: bool = False
    indigenous_community: str = ""
    vulnerable_groups: list[str] = dataclasses.field(default_factory=list)
    hierarchy: str = ""
    relationship: str = ""


@dataclasses.dataclass(frozen=True)
class Registration:
    """A case just registered, and whether the person who registered it may open it (where
    to send her next)."""

    case: Case
    registrant_may_open: bool


@dataclasses.dataclass
class IncidentFacts:
    violence_types: Sequence[ViolenceType]
    violence_modalities: Sequence[ViolenceModality] = ()
    occurred_on: datetime.date | None = None
    date_is_approximate: bool = False
    place_kind: str = ""
    place: str = ""


def folio_next(*, year: int | None = None) -> str:
    """The next readable folio, e.g. IMM-2026-00042. Never repeats, even under concurrency:
    the counter row is incremented by an UPDATE, which locks it until the transaction ends."""
    year = year or timezone.localdate().year
    if db.writes_return_rows():
        # One statement: the year's row is created or incremented, and the number returned
        # (the ORM has no UPDATE ... RETURNING). The table name is the model's, quoted.
        table = connection.ops.quote_name(FolioCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, 1) ON CONFLICT (year) "  # noqa: S608
                f"DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [year],
            )
            number = cursor.fetchone()[0]
    else:
        with transaction.atomic():
            FolioCounter.objects.get_or_create(year=year)
            FolioCounter.objects.filter(year=year).update(last=F("last") + 1)
            number = FolioCounter.objects.get(year=year).last
    return f"{settings.CASE_FOLIO_PREFIX}-{year}-{number:05d}"


def default_protocol() -> ProtocolVersion:
    current = {version.code: version for version in protocols_current()}
    try:
        return current[settings.DEFAULT_PROTOCOL]
    except KeyError:
        raise ValidationError(
            _("No hay protocolos cargados. Pide a administración que los cargue."),
            code="no_protocol",
        ) from None


def _party_build(
    *,
    case: Case,
    kind: PartyKind,
    facts: PartyFacts,
    actor: User,
    known_groups: set[str] | None = None,
) -> CaseParty:
    """The party, checked and not saved. ``known_groups``: the vulnerable groups' codes, when
    the caller has read them for several parties."""
    if facts.age is not None and facts.age_range and AgeRange.for_age(facts.age) != facts.age_range:
        raise ValidationError(
            _("La edad y el rango de edad no coinciden."), code="age_range_mismatch"
        )
    unknown = [code for code in facts.disabilities if code not in Disability.values]
    if known_groups is None:
        known_groups = {group.code for group in vulnerable_groups()}
    unknown += [code for code in facts.vulnerable_groups if code not in known_groups]
    if unknown:
        raise ValidationError(
            _("Condición desconocida: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_condition",
        )
    # Field by field, not dataclasses.asdict: that deep-copies the user and dependencia rows.
    values = {field.name: getattr(facts, field.name) for field in dataclasses.fields(facts)}
    party = CaseParty(
        case=case,
        kind=kind,
        added_by=actor,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()},
    )
    if facts.user is not None:
        party.is_public_servant = True
    # Its id is new and its user and dependencia come as rows: nothing to look up.
    party.full_clean(
        exclude=["case", "data_key", "added_by", "user", "dependencia"], validate_unique=False
    )
    return party


def _party_create(*, case: Case, kind: PartyKind, facts: PartyFacts, actor: User) -> CaseParty:
    party = _party_build(case=case, kind=kind, facts=facts, actor=actor)
    party.save()
    return party


def _incident_check(facts: IncidentFacts) -> None:
    if not facts.violence_types:
        raise ValidationError(
            _("Elige al menos un tipo de violencia para cada hecho."), code="no_type"
        )
    if facts.occurred_on and facts.occurred_on > timezone.localdate():
        raise ValidationError(_("La fecha de un hecho no puede ser futura."), code="future")
    if facts.place_kind and facts.place_kind not in PlaceKind.values:
        raise ValidationError(_("Tipo de lugar desconocido."), code="place_kind")


def _incident_build(*, case: Case, facts: IncidentFacts, actor: User) -> Incident:
    _incident_check(facts)
    return Incident(
        case=case,
        occurred_on=facts.occurred_on,
        date_is_approximate=facts.date_is_approximate,
        place_kind=facts.place_kind,
        place=facts.place.strip(),
        recorded_by=actor,
    )


def _incident_create(*, case: Case, facts: IncidentFacts, actor: User) -> Incident:
    incident = _incident_build(case=case, facts=facts, actor=actor)
    incident.save()
    incident.violence_types.set(facts.violence_types)
    incident.violence_modalities.set(facts.violence_modalities)
    return incident


def case_register(
    *,
    actor: User,
    dependencia: Dependencia,
    account: str,
    affected: PartyFacts,
    accused: Sequence[PartyFacts],
    witnesses: Sequence[PartyFacts] = (),
    incidents: Sequence[IncidentFacts] = (),
    channel: Channel = Channel.PRESENCIAL,
    referred_by: Institution | None = None,
    consents: dict[ConsentPurpose, bool] | None = None,
    contact_method: ContactMethod | None = None,
    contact_safe_times: str = "",
    protocol: ProtocolVersion | None = None,
) -> Registration:
    """Open a case from the single form. Everything is saved together or nothing is."""
    if not roles.can_register_cases(actor):
        raise PermissionDenied
    if not account.strip():
        raise ValidationError(_("El relato está vacío."), code="empty_account")
    if not accused:
        raise ValidationError(_("Registra al menos a una persona señalada."), code="no_accused")
    if any(p.user is not None and p.user.pk == actor.pk for p in [affected, *accused, *witnesses]):
        raise ValidationError(
            _("No puedes registrar un caso en el que eres parte."), code="actor_is_party"
        )
    if (channel == Channel.CANALIZADA) != (referred_by is not None):
        raise ValidationError(
            _("Indica qué institución la canalizó (sólo cuando llegó canalizada)."),
            code="referred_by",
        )
    # Everything is checked before anything is written, and written in as few statements as
    # the rows allow: the data keys, the parties, the incidents and their classification, the
    # consents and the audit entries each in one.
    case = Case(
        dependencia=dependencia,
        registered_by=actor,
        account=account.strip(),
        channel=channel,
        referred_by=referred_by,
    )
    if roles.is_atencion(actor) or roles.is_coordinacion(actor):
        case.taken_by_imm_at = timezone.now()
    known_groups = {group.code for group in vulnerable_groups()}
    parties = [
        _party_build(case=case, kind=kind, facts=facts, actor=actor, known_groups=known_groups)
        for kind, facts in [
            (PartyKind.AFECTADA, affected),
            *((PartyKind.SENALADA, facts) for facts in accused),
            *((PartyKind.TESTIGO, facts) for facts in witnesses),
        ]
    ]
    built = [(_incident_build(case=case, facts=f, actor=actor), f) for f in incidents]
    context_derive(case=case, parties=parties)
    case.full_clean(
        exclude=["data_key", "folio", "dependencia", "registered_by", "referred_by"],
        validate_unique=False,
    )
    protocol = protocol or default_protocol()
    with transaction.atomic(), audit_batch(), cases_written([case.pk]):
        case.folio = folio_next()
        data_keys_assign([case, *parties, *(incident for incident, _facts in built)])
        case.save(force_insert=True)
        CaseParty.objects.bulk_create(parties)
        Incident.objects.bulk_create([incident for incident, _facts in built])
        for record in [*parties, *(incident for incident, _facts in built)]:
            mark_saved(record)  # what EncryptedModel.save does after a save
        incidents_classify(
            case=case,
            classified=[
                (incident, facts.violence_types, facts.violence_modalities)
                for incident, facts in built
            ],
        )
        AccountTaking.objects.create(case=case, taken_by=actor, reason=TakingReason.INTAKE)
        audit_record(
            action="create",
            target=case,
            detail={
                "parties": len(parties),
                "incidents": len(built),
                "channel": str(channel),
            },
        )
        run_start(protocol=protocol, subject=case, actor=actor)
        assignment_kind = None
        if roles.is_atencion(actor):
            assignment_kind = assignment_add(
                case=case,
                user=actor,
                attends=parties[0],
                kind=AssignmentKind(actor.specialty or AssignmentKind.PSICOLOGIA),
                actor=actor,
                new_case=True,
            ).kind
        # Registrants may record consent: the enlace keeps access until the IMM takes it.
        # Her access to the case is answered from what was just written.
        with readings_of_new_case(
            user=actor, case=case, parties=parties, assignment_kind=assignment_kind
        ):
            intake_consents_record(
                actor=actor,
                case=case,
                decisions=consents or {},
                contact_method=contact_method,
                contact_safe_times=contact_safe_times,
            )
        # The derived context was saved with the case; the guidelines read the parties and
        # the classification just written, which are the ones in hand.
        with case_rows_shared():
            case_parties_known(case, parties)
            guidelines_refresh(
                case=case,
                classification=(
                    {kind.code for _i, facts in built for kind in facts.violence_types},
                    {kind.code for _i, facts in built for kind in facts.violence_modalities},
                ),
                new_case=True,
            )
        for party in parties[1 : 1 + len(accused)]:
            repeat_accused_detect(party=party)
        # Every row of the case is written: what other apps keep beside it (its statistics)
        # is computed from these instead of reading them back.
        case_rows_written.send(
            sender=Case,
            written=WrittenCase(
                case=case,
                parties=parties,
                violence_types=[kind for _i, facts in built for kind in facts.violence_types],
                violence_modalities=[
                    kind for _i, facts in built for kind in facts.violence_modalities
                ],
                consents={str(purpose): granted for purpose, granted in (consents or {}).items()},
            ),
        )
    return Registration(
        case=case,
        registrant_may_open=new_case_visible_to(
            user=actor, case=case, parties=parties, assignment_kind=assignment_kind
        ),
    )


def party_add(*, actor: User, case: Case, kind: PartyKind, facts: PartyFacts) -> CaseParty:
    """Add a person after intake (a witness, another person accused). Nothing is replaced."""
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    if kind == PartyKind.AFECTADA:
        raise ValidationError(
            _("La persona afectada se registra al abrir el caso."), code="second_affected"
        )
    if facts.user is not None and facts.user.pk == actor.pk:
        raise ValidationError(
            _("No puedes registrarte como parte de un caso que atiendes."), code="actor_is_party"
        )
    with transaction.atomic():
        party = _party_create(case=case, kind=kind, facts=facts, actor=actor)
        if facts.user is not None:
            # A staff member who becomes a party loses any assignment on the case at once.
            case.assignments.filter(user=facts.user, ended_at__isnull=True).update(
                ended_at=timezone.now()
            )
        audit_record(action="create", target=party, detail={"case": str(case.pk), "kind": kind})
        context_refresh(case=case)
        repeat_accused_detect(party=party)
    return party


def incident_add(*, actor: User, case: Case, facts: IncidentFacts) -> Incident:
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    with transaction.atomic():
        incident = _incident_create(case=case, facts=facts, actor=actor)
        audit_record(action="create", target=incident, detail={"case": str(case.pk)})
        # A new incident may reveal a probable crime: the duty to report.
        guidelines_refresh(case=case)
    return incident
