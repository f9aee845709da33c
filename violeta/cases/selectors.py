"""Every read of a case starts here, from the viewer. Deny by default."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.accounts import roles
from violeta.cases.guidelines import rule_get
from violeta.cases.models import (
    AccountAddition,
    AccountTaking,
    Case,
    CaseAssignment,
    CaseNote,
    CaseParty,
    CaseStatus,
    CaseTask,
    ConsentDecision,
    ConsentOverride,
    ConsentPurpose,
    ContactPreference,
    EmergencyAccess,
    GuidelineCheck,
    GuidelineStatus,
    MatchBasis,
    RepeatAccused,
    SafetyPlan,
    SharedItem,
)
from violeta.cases.shared_reads import case_guideline_checks, case_rows_shared
from violeta.catalogs.models import Institution
from violeta.catalogs.selectors import catalog_reads_shared
from violeta.protocols.services import runs_shared
from violeta.shared_reads import SharedReads


def _is_party(user: Any) -> Exists:
    return Exists(CaseParty.objects.filter(case=OuterRef("pk"), user=user))


def _assigned(user: Any, *, with_deadline: bool = False) -> Exists:
    active = CaseAssignment.objects.filter(case=OuterRef("pk"), user=user, ended_at__isnull=True)
    if with_deadline:
        # An active assignment keeps its case's next deadline (cases.receivers).
        active = active.filter(next_deadline_at__isnull=False)
    return Exists(active)


def _emergency(user: Any) -> Exists:
    return Exists(
        EmergencyAccess.objects.filter(
            case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
        )
    )


def _registered_pending(user: Any) -> Q:
    return Q(registered_by=user, taken_by_imm_at__isnull=True)


# Up to this many cases in which the viewer is a party are named in the query by id.
PARTY_CASES_INLINE = 100


def _not_party(user: Any, *, read_first: bool) -> QuerySet[Case]:
    """Every case but those in which ``user`` is a party.

    With ``read_first`` her party cases (almost always none) are read first and excluded by
    id: the lists' counts are then answered from the cases' indexes alone, with no test of
    each case against her. Otherwise (and past ``PARTY_CASES_INLINE`` of them) each case is
    tested in the query itself.
    """
    if read_first:
        ids = list(
            CaseParty.objects.filter(user=user)
            .order_by()
            .values_list("case_id", flat=True)
            .distinct()[: PARTY_CASES_INLINE + 1]
        )
        if len(ids) <= PARTY_CASES_INLINE:
            return Case.objects.exclude(pk__in=ids)
    return Case.objects.exclude(_is_party(user))


def cases_visible_to(*, user: Any, parties_first: bool = False) -> QuerySet[Case]:
    """Cases whose file (at least its metadata) the user may open. Filtered in SQL.

    A person who is a party to a case never sees it, whatever else is true. ``parties_first``
    (for lists evaluated at once, such as the inbox): see ``_not_party``.
    """
    if not roles.handles_cases(user):
        return Case.objects.none()
    cases = _not_party(user, read_first=parties_first)
    if roles.is_coordinacion(user):
        return cases
    access = Q(_assigned(user)) | Q(_emergency(user))
    if roles.is_enlace(user):
        access |= _registered_pending(user)
    return cases.filter(access)


def cases_assigned_to(
    *, user: Any, parties_first: bool = False, with_deadline: bool = False
) -> QuerySet[Case]:
    """The cases the user is actively assigned to: exactly ``cases_visible_to(user=user)``
    narrowed to her active assignments (an assignment already makes a case visible to her).

    Written without the "assigned or emergency access" alternative of ``cases_visible_to``, so
    that the database can test her assignment with one index probe per case; with the
    alternative it builds a hash of every case she was ever assigned, first.

    ``with_deadline``: only those with a protocol deadline, found through her assignments,
    which keep their cases' next deadlines under an index of their own (a few of her cases,
    however many she holds).
    """
    if not roles.handles_cases(user):
        return Case.objects.none()
    return _not_party(user, read_first=parties_first).filter(
        _assigned(user, with_deadline=with_deadline)
    )


@dataclasses.dataclass(frozen=True)
class CaseReading:
    """What one viewer may see and do on one case (which the viewer can already open)."""

    account: bool = False
    notes: bool = False
    add_note: bool = False
    access_log: bool = False
    assign: bool = False
    emergency: bool = False
    # Take protocol steps: the people responsible for the case, not an emergency reader.
    act: bool = False

    @property
    def sections(self) -> list[str]:
        return [name for name in ("account", "notes", "access_log") if getattr(self, name)]


# Within one rendering of a case page every section asks what the viewer may read; they all
# get the same answer from one set of queries (see ``readings_shared``).
_shared_readings = SharedReads("case_readings")


@contextmanager
def readings_shared() -> Iterator[None]:
    """Compute ``case_reading`` once per (viewer, case) inside the block, and read each
    catalog (``catalog_reads_shared``), the case's parties and incidents
    (``case_rows_shared``) and its protocol run (``runs_shared``) once.

    Only for rendering, where nothing is written that could change the answer: the case page
    asks it from each of its sections (cases, detection, referrals, sanctions), three queries
    each time. Outside such a block every call reads the database afresh.
    """
    with _shared_readings.block(), catalog_reads_shared(), case_rows_shared(), runs_shared():
        yield


@contextmanager
def readings_of_new_case(
    *, user: Any, case: Case, parties: list[CaseParty], assignment_kind: str | None
) -> Iterator[None]:
    """What the person registering a case may do with it, answered from what the intake has
    in hand once it has written everything that decides it: whether she is one of its people
    (``parties``, every one of them), her assignment's kind (``assignment_kind``, the only
    assignment a new case has, or None) and that nobody holds emergency access to a case
    that did not exist a moment ago. Only around steps that change none of these."""
    viewer = getattr(user, "pk", None)
    with _shared_readings.block():
        _shared_readings.known(
            ("party", viewer, case.pk), any(party.user_id == viewer for party in parties)
        )
        _shared_readings.known(("assignment", viewer, case.pk), assignment_kind)
        _shared_readings.known(("emergency", viewer, case.pk), False)
        yield


def new_case_visible_to(
    *, user: Any, case: Case, parties: list[CaseParty], assignment_kind: str | None
) -> bool:
    """``cases_visible_to(user=user)`` holds ``case``, answered for the person who has just
    registered it from what the intake has in hand (as ``readings_of_new_case``): she is not one
    of its people, and she coordinates, is assigned (``assignment_kind``), or is the enlace who
    registered it before the IMM took it. Nobody holds emergency access to a new case."""
    viewer = getattr(user, "pk", None)
    if not roles.handles_cases(user) or any(party.user_id == viewer for party in parties):
        return False
    if roles.is_coordinacion(user) or assignment_kind is not None:
        return True
    return bool(
        roles.is_enlace(user) and case.registered_by_id == viewer and case.taken_by_imm_at is None
    )


def case_reading(*, user: Any, case: Case) -> CaseReading:
    return _shared_readings.get(
        (getattr(user, "pk", None), case.pk), lambda: _case_reading(user=user, case=case)
    )


def _case_reading(*, user: Any, case: Case) -> CaseReading:
    if is_party(user=user, case=case) or not roles.handles_cases(user):
        return CaseReading()
    assigned = active_assignment_kind(user=user, case=case) is not None
    emergency = _shared_readings.get(
        ("emergency", getattr(user, "pk", None), case.pk),
        lambda: EmergencyAccess.objects.filter(
            case=case, user=user, expires_at__gt=timezone.now()
        ).exists(),
    )
    registrant = (
        roles.is_enlace(user)
        and case.registered_by_id == user.pk
        and (case.taken_by_imm_at is None)
    )
    attends = assigned and roles.is_atencion(user)
    if assigned and roles.is_autoridad(user) and not comite_may_read(case=case):
        # Assigned before she withdrew: the file stays open, her account does not.
        assigned_reads = False
    else:
        assigned_reads = assigned
    coordinates = roles.is_coordinacion(user)
    return CaseReading(
        # The autoridad reads the recorded account (never asks for it again); attention notes
        # stay with atención.
        account=assigned_reads or emergency or registrant,
        notes=attends or emergency,
        add_note=attends,
        access_log=coordinates or assigned,
        assign=coordinates,
        emergency=emergency and not assigned,
        # A closed case is read-only until someone reopens it with a reason.
        act=(assigned or registrant or coordinates) and case.status == CaseStatus.OPEN,
    )


def consent_in_force(
    *, case: Case, purpose: ConsentPurpose, institution: Institution | None = None
) -> bool:
    """Her newest decision for the purpose (and institution). No decision means no."""
    decision = (
        ConsentDecision.objects.filter(case=case, purpose=purpose, institution=institution)
        .order_by("-decided_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(decision)


def consent_scope(*, case: Case, institution: Institution) -> list[str] | None:
    """What she agreed to share with ``institution`` when referred (``SharedItem`` codes, in
    the vocabulary's order), or None when her consent to that referral is not in force."""
    decision = (
        ConsentDecision.objects.filter(
            case=case, purpose=ConsentPurpose.CANALIZACION, institution=institution
        )
        .order_by("-decided_at", "-id")
        .values_list("granted", "scope")
        .first()
    )
    if decision is None or not decision[0]:
        return None
    return list(decision[1])


def comite_may_read(*, case: Case) -> bool:
    """The comité and the OIC read her account only with her consent in force, or after a
    recorded legal override."""
    return consent_in_force(case=case, purpose=ConsentPurpose.COMITE_OIC) or (
        ConsentOverride.objects.filter(case=case, purpose=ConsentPurpose.COMITE_OIC).exists()
    )


def is_party(*, user: Any, case: Case) -> bool:
    return _shared_readings.get(
        ("party", getattr(user, "pk", None), case.pk),
        lambda: CaseParty.objects.filter(case=case, user=user).exists(),
    )


def active_assignment_kind(*, user: Any, case: Case) -> str | None:
    """The kind of the user's active assignment to the case (the first, if several), or None
    if she is not assigned to it."""
    return _shared_readings.get(
        ("assignment", getattr(user, "pk", None), case.pk),
        lambda: (
            CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True)
            .values_list("kind", flat=True)
            .first()
        ),
    )


def assignments_of(*, case: Case) -> QuerySet[CaseAssignment]:
    return (
        case.assignments.filter(ended_at__isnull=True)
        .select_related("user", "attends")
        .order_by("id")
    )


def _page_presence() -> dict[str, Exists | Q]:
    """Rows most cases have none of, asked with the case: a section skips reading a kind of
    row the case has none of (``shared_reads.known_absent``). One ``EXISTS`` each, against a
    statement each (for a case that has some, the statement is sent as before)."""
    case = OuterRef("pk")
    return {
        # The case keeps its run's earliest unmet deadline (receivers): without one, the
        # protocol panel has none to read.
        "has_unmet_deadlines": Q(next_deadline_at__isnull=False),
        "has_notes": Exists(CaseNote.objects.filter(case=case)),
        "has_additions": Exists(AccountAddition.objects.filter(case=case)),
        "has_contact_preferences": Exists(ContactPreference.objects.filter(case=case)),
        "has_safety_plans": Exists(SafetyPlan.objects.filter(case=case)),
        "has_open_tasks": Exists(CaseTask.objects.filter(case=case, done_at__isnull=True)),
    }


def case_for_page(*, user: Any, pk: Any) -> tuple[Case, list[CaseAssignment]] | None:
    """The case the viewer opens on its page, if she may open it, with its active
    assignments; or None.

    One read answers what the page's sections would each ask of the viewer: inside
    ``readings_shared`` it records that she is not a party (``cases_visible_to`` never returns
    such a case), her assignment's kind (from the assignments, the first by id, as
    ``active_assignment_kind`` answers) and whether she holds emergency access (read with the
    case). The case carries ``takings_count``, how many times she told her account, and
    whether it has any of the rows most cases have none of (``_page_presence``).
    """
    case = (
        cases_visible_to(user=user)
        # The institution that referred her is named among the people.
        .select_related("dependencia", "data_key", "referred_by")
        .annotate(
            viewer_emergency=_emergency(user),
            takings_count=Coalesce(
                Subquery(
                    AccountTaking.objects.filter(case=OuterRef("pk"))
                    .order_by()
                    .values("case")
                    .annotate(count=Count("id"))
                    .values("count")
                ),
                0,
            ),
            **_page_presence(),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    assignments = list(assignments_of(case=case))
    viewer = getattr(user, "pk", None)
    kind = next((a.kind for a in assignments if a.user_id == viewer), None)
    _shared_readings.known(("party", viewer, case.pk), False)
    _shared_readings.known(("assignment", viewer, case.pk), kind)
    emergency = getattr(case, "viewer_emergency")  # noqa: B009 - an annotation
    _shared_readings.known(("emergency", viewer, case.pk), emergency)
    return case, assignments


def cases_retold(*, user: Any) -> QuerySet[Case]:
    """Cases where she had to tell her account more than once (coordinación only)."""
    if not roles.is_coordinacion(user):
        return Case.objects.none()
    return (
        cases_visible_to(user=user)
        .annotate(takings=Count("account_takings"))
        .filter(takings__gt=1)
        .select_related("dependencia")
        .order_by("-takings", "-registered_at")
    )


@dataclasses.dataclass(frozen=True)
class ContextFlag:
    code: str
    label: Any  # lazy translation, rendered in the viewer's language
    explanation: Any


def derived_context(*, case: Case) -> list[ContextFlag]:
    """The context computed from the case's facts (services.context), as sentences. It holds no
    names, so everyone who may open the case sees it."""
    flags = []
    if case.is_workplace:
        flags.append(
            ContextFlag(
                "ambito_laboral",
                _("Ámbito laboral"),
                _("Ella y la persona señalada son personas servidoras públicas."),
            )
        )
    if case.is_hierarchical:
        flags.append(
            ContextFlag(
                "jerarquico",
                _("Relación jerárquica"),
                _(
                    "Ella le está subordinada: si la violencia es sexual, es hostigamiento "
                    "sexual (LGAMVLV art. 13)."
                ),
            )
        )
    elif case.is_workplace:
        flags.append(
            ContextFlag(
                "sin_subordinacion",
                _("Sin subordinación"),
                _(
                    "Si la violencia es sexual y no hay subordinación, es acoso sexual "
                    "(LGAMVLV art. 13)."
                ),
            )
        )
    if case.is_intimate_partner:
        flags.append(
            ContextFlag(
                "pareja",
                _("Pareja o expareja"),
                _("La persona señalada es o fue su pareja."),
            )
        )
    if case.is_minor_victim:
        flags.append(
            ContextFlag(
                "menor",
                _("Persona afectada menor de edad"),
                _("Rige el interés superior de la niñez (LGDNNA art. 2)."),
            )
        )
    return flags


@dataclasses.dataclass(frozen=True)
class RepeatLink:
    case_pk: Any
    folio: str
    basis: str


def repeat_accused_links(*, user: Any, case: Case) -> list[RepeatLink]:
    """Other cases where the same person is accused. Coordinación only: nobody else sees the
    link, not even the team of either case."""
    if not roles.is_coordinacion(user):
        return []
    visible = cases_visible_to(user=user).values("pk")
    links = (
        RepeatAccused.objects.filter(
            Q(party__case=case, other__case__in=visible)
            | Q(other__case=case, party__case__in=visible)
        )
        .select_related("party__case", "other__case")
        .order_by("detected_at")
    )
    seen: dict[Any, RepeatLink] = {}
    for link in links:
        other = link.other.case if link.party.case_id == case.pk else link.party.case
        seen.setdefault(
            other.pk, RepeatLink(other.pk, other.folio, str(MatchBasis(link.basis).label))
        )
    return list(seen.values())


@dataclasses.dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    institution: Any
    granted: bool | None
    decided_at: Any
    recorded_by: Any
    scope: tuple[str, ...] = ()

    @property
    def scope_labels(self) -> list[str]:
        return [str(SharedItem(code).label) for code in self.scope if code in SharedItem.values]


def consent_states(*, case: Case) -> list[ConsentState]:
    """Her decision in force for each purpose (and each institution for referrals); purposes
    never asked appear with ``granted=None``."""
    latest: dict[tuple[str, Any], ConsentDecision] = {}
    for decision in ConsentDecision.objects.filter(case=case).select_related(
        "institution", "recorded_by"
    ):
        latest[(decision.purpose, decision.institution_id)] = decision
    states = []
    for purpose in ConsentPurpose:
        keys = [key for key in latest if key[0] == purpose]
        if not keys and purpose != ConsentPurpose.CANALIZACION:
            states.append(ConsentState(purpose, str(purpose.label), None, None, None, None))
        for key in keys:
            decision = latest[key]
            states.append(
                ConsentState(
                    purpose,
                    str(purpose.label),
                    decision.institution,
                    decision.granted,
                    decision.decided_at,
                    decision.recorded_by,
                    tuple(decision.scope),
                )
            )
    return states


@dataclasses.dataclass(frozen=True)
class GuidelineItem:
    check: GuidelineCheck
    label: str
    basis: str
    blocks: bool


def guideline_items(*, case: Case, language: str | None = None) -> list[GuidelineItem]:
    """The guidelines that fired on the case, pending first, each with its legal basis."""
    items = []
    for check in case_guideline_checks(case.pk):
        rule = rule_get(check.code)
        if rule is None:
            continue
        items.append(
            GuidelineItem(
                check, rule.label.text(language or get_language()), rule.basis, rule.blocks
            )
        )
    return sorted(items, key=lambda item: item.check.status != GuidelineStatus.PENDING)
