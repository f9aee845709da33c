"""The URL x role access matrix: what every persona must get from every URL pattern.

Add a row here for each new URL pattern; ``test_access_matrix`` fails for any named pattern
without one. Expectations are written per persona, with ``default`` for the rest.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

ANONYMOUS = "anonymous"
PERSONAS = (
    ANONYMOUS,
    "servidora",
    "atencion",
    "enlace",
    "coordinacion",
    "autoridad",
    "admin_sistema",
    "outsider",
)
STAFF = PERSONAS[1:]


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    redirect_to: str | None = None  # URL name the Location header must start with

    def __str__(self) -> str:
        return f"{self.status}" + (f" -> {self.redirect_to}" if self.redirect_to else "")


OK = Answer(200)
TO_LOGIN = Answer(302, "accounts:login")
TO_HOME = Answer(302, "accounts:home")
TO_ADMIN_LOGIN = Answer(302, "admin:login")
TO_CASES = Answer(302, "cases:list")  # a case's own page, under /casos/
NOT_FOUND = Answer(404)
FORBIDDEN = Answer(403)
METHOD_NOT_ALLOWED = Answer(405)


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    default: Answer
    per_persona: dict[str, Answer] = dataclasses.field(default_factory=dict)
    method: str = "get"
    data: dict[str, str] = dataclasses.field(default_factory=dict)
    # Builds reverse() kwargs from the objects the test made (see test_access_matrix).
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def expected(self, persona: str) -> Answer:
        return self.per_persona.get(persona, self.default)


def everyone_but_anonymous(answer: Answer) -> dict[str, Answer]:
    return dict.fromkeys(STAFF, answer)


CASE_HANDLERS_OK = dict.fromkeys(("atencion", "enlace", "coordinacion", "autoridad"), OK)


def the_case(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": world["case"].pk}


def the_referral(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": world["referral"].pk}


def _kwargs_of(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda world: {"pk": world[key].pk}


the_procedure_case = _kwargs_of("procedure_case")
the_procedure = _kwargs_of("procedure")
the_session = _kwargs_of("session")
the_measure = _kwargs_of("measure")
the_adverse_change = _kwargs_of("adverse_change")
the_report = _kwargs_of("report")
the_training_session = _kwargs_of("training_session")
the_certificate = _kwargs_of("training_certificate")
the_campaign = _kwargs_of("campaign")
COURSE = "tipos-y-modalidades"


def the_course(world: dict[str, Any]) -> dict[str, Any]:
    return {"code": COURSE}


COORDINACION_OK = {ANONYMOUS: TO_LOGIN, "coordinacion": OK}
COORDINACION_400 = {ANONYMOUS: TO_LOGIN, "coordinacion": Answer(400)}


def no_such_pk(world: dict[str, Any]) -> dict[str, Any]:
    return {"pk": uuid.UUID(int=0)}


CONDUCTORS_OK = {ANONYMOUS: TO_LOGIN, "autoridad": OK, "coordinacion": OK}
CONDUCTORS_400 = {ANONYMOUS: TO_LOGIN, "autoridad": Answer(400), "coordinacion": Answer(400)}
CONDUCTORS_TO_DETAIL = {ANONYMOUS: TO_LOGIN, "autoridad": Answer(302), "coordinacion": Answer(302)}

REFERRERS_OK = {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK}
REFERRERS_400 = {ANONYMOUS: TO_LOGIN, "atencion": Answer(400), "coordinacion": Answer(400)}


ROUTES: tuple[Route, ...] = (
    # Public pages: everybody, logged in or not.
    Route("portal:home", OK),
    Route("portal:directory", OK),
    Route("portal:principles", OK),
    Route("portal:violence_catalogs", OK),
    Route("set_language", Answer(302), method="post", data={"language": "en", "next": "/"}),
    # The public "¿Qué hago si…?" guide: everybody, logged in or not; nothing is stored.
    Route("guide:start", OK),
    Route("guide:result", Answer(302, "guide:start")),
    # The public reporting channel: everybody, logged in or not. Empty POSTs are refused with
    # the form again; the thread needs a receipt first.
    Route("report:start", OK),
    Route("report:danger", OK),
    Route("report:new", OK),
    Route("report:new", Answer(400), method="post"),
    Route("report:follow_up", OK),
    Route("report:follow_up", Answer(400), method="post"),
    Route("report:thread", Answer(302, "report:follow_up")),
    Route("report:leave", Answer(302, "report:start"), method="post"),
    # Anyone may check a constancia.
    Route("verify:check", OK),
    Route("verify:code", OK, kwargs=lambda world: {"code": world["training_certificate"].code}),
    Route(
        "guide:result",
        OK,
        method="post",
        data={"items": "celar", "in_danger": "no", "wants_help": "si"},
    ),
    # Staff.
    Route("accounts:login", TO_HOME, {ANONYMOUS: OK}),
    Route("accounts:logout", METHOD_NOT_ALLOWED),
    Route("accounts:home", OK, {ANONYMOUS: TO_LOGIN}),
    # Second factor. Everybody here is already verified (or needs no second factor), so the
    # enrolment and verification pages send them on; only the roles that use a second factor
    # have a page to manage it.
    Route("accounts:second_factor_enrol", TO_HOME, {ANONYMOUS: TO_LOGIN}),
    Route("accounts:second_factor_verify", TO_HOME, {ANONYMOUS: TO_LOGIN}),
    Route(
        "accounts:second_factor",
        OK,
        {ANONYMOUS: TO_LOGIN, "servidora": TO_HOME, "outsider": TO_HOME},
    ),
    Route("admin_login_redirect", Answer(302, "accounts:login")),
    # Cases. The test's case was registered by the enlace and then taken by the IMM: atención
    # is assigned to it; the enlace has lost access; coordinación sees its metadata.
    Route("cases:list", NOT_FOUND, {ANONYMOUS: TO_LOGIN, **CASE_HANDLERS_OK}),
    Route(
        "cases:register",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "enlace": OK, "coordinacion": OK},
    ),
    Route("cases:emergency_access", NOT_FOUND, {ANONYMOUS: TO_LOGIN, **CASE_HANDLERS_OK}),
    Route("cases:retold", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "coordinacion": OK}),
    # Adding to the account: whoever reads it and acts on the case (the assigned worker);
    # coordinación acts but does not read the account, so it may not add to it.
    Route(
        "cases:account_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": TO_CASES},
        method="post",
        data={"adicion-body": "Información nueva de la prueba de acceso."},
        kwargs=the_case,
    ),
    Route(
        "cases:detail",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "cases:access_log",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route("cases:assign", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "coordinacion": OK}, kwargs=the_case),
    Route(
        "cases:add_note",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": Answer(302, "cases:list")},
        method="post",
        data={"body": "Nota de la prueba de acceso."},
        kwargs=the_case,
    ),
    # Protocol steps on the case: only the people responsible for it (assigned atención here;
    # coordinación). Each POST is refused or accepted, never a leak; the run starts at the
    # registration stage, where coordinación may act.
    Route(
        "cases:transition",
        NOT_FOUND,
        {
            ANONYMOUS: TO_LOGIN,
            "atencion": Answer(409),
            "coordinacion": Answer(409),
        },
        method="post",
        data={"transition": "no_existe", "revision": "0"},
        kwargs=the_case,
    ),
    Route(
        "cases:checklist",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": TO_CASES, "coordinacion": TO_CASES},
        method="post",
        data={"item": "no_existe"},
        kwargs=the_case,
    ),
    Route(
        "cases:task_done",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        kwargs=lambda world: {"pk": world["case"].pk, "task_id": 999_999},
    ),
    Route(
        "cases:consent",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": TO_CASES, "coordinacion": TO_CASES},
        method="post",
        data={"consentimiento-purpose": "estadistica", "consentimiento-granted": "si"},
        kwargs=the_case,
    ),
    Route("cases:session_add", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "atencion": OK}, kwargs=the_case),
    Route("cases:safety_plan", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "atencion": OK}, kwargs=the_case),
    Route(
        "cases:case_task_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "cases:case_task_complete",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        kwargs=lambda world: {
            "pk": world["case"].pk,
            "task_id": "00000000-0000-0000-0000-000000000000",
        },
    ),
    Route(
        "cases:timeline",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    # Closing and reopening: coordinación and the assigned atención. The test's case is open at
    # its first stage: the close form shows what blocks closure, and a POST is refused (400);
    # reopening an open case leads back to the case.
    Route(
        "cases:close",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "cases:close",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": Answer(400), "coordinacion": Answer(400)},
        method="post",
        data={"reason": "atencion_concluida"},
        kwargs=the_case,
    ),
    Route(
        "cases:reopen",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": TO_CASES, "coordinacion": TO_CASES},
        kwargs=the_case,
    ),
    Route(
        "cases:reopen",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": TO_CASES, "coordinacion": TO_CASES},
        method="post",
        data={"reason": "Motivo de la prueba de acceso, suficientemente largo."},
        kwargs=the_case,
    ),
    # The test's case has no incidents or conditions, so no guideline is pending on it.
    Route(
        "cases:guideline_resolve",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        kwargs=lambda world: {"pk": world["case"].pk, "code": "deber_denunciar"},
    ),
    # Risk assessment: whoever acts on the case as atención or coordinación assesses; only
    # those who read her account (the assigned atención) see the history. An unknown level is
    # refused with the form again (400), so the POST writes nothing.
    Route(
        "detection:risk_assess",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "detection:risk_assess",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": Answer(400), "coordinacion": Answer(400)},
        method="post",
        data={"level": "no_existe"},
        kwargs=the_case,
    ),
    Route(
        "detection:risk_history",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK},
        kwargs=the_case,
    ),
    # Referrals: atención and coordinación responsible for the case. Empty POSTs are refused
    # with the form again (400) and write nothing.
    Route("referrals:case", NOT_FOUND, REFERRERS_OK, kwargs=the_case),
    Route("referrals:propose", NOT_FOUND, REFERRERS_OK, kwargs=the_case),
    Route("referrals:wishes", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_case),
    Route("referrals:detail", NOT_FOUND, REFERRERS_OK, kwargs=the_referral),
    Route("referrals:consent", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_referral),
    Route("referrals:move", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_referral),
    # Only a person given the specific permission (none of the personas) may override.
    Route("referrals:override", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=the_referral),
    # The oficio may carry her account: only the assigned atención, who reads it, issues one;
    # without her consent she is sent back to the referral with a message.
    Route(
        "referrals:oficio",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": Answer(302)},
        method="post",
        kwargs=the_referral,
    ),
    Route("referrals:figures", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "coordinacion": OK}),
    # Sanción: the procedure is conducted by the autoridad assigned to the case and by
    # coordinación; nobody else learns it exists. Empty POSTs are refused with the form (400).
    Route("sanctions:open", NOT_FOUND, CONDUCTORS_TO_DETAIL, kwargs=the_procedure_case),
    Route("sanctions:detail", NOT_FOUND, CONDUCTORS_OK, kwargs=the_procedure),
    Route("sanctions:convene", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_procedure),
    Route(
        "sanctions:representative",
        NOT_FOUND,
        CONDUCTORS_400,
        method="post",
        kwargs=the_procedure,
    ),
    Route("sanctions:session", NOT_FOUND, CONDUCTORS_OK, kwargs=the_session),
    Route("sanctions:excuse", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_session),
    # The world's session was already held: holding it again is refused.
    Route("sanctions:hold", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_session),
    Route(
        "sanctions:measure_propose", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_session
    ),
    Route("sanctions:acta", NOT_FOUND, CONDUCTORS_OK, method="post", kwargs=the_session),
    Route("sanctions:measure", NOT_FOUND, CONDUCTORS_OK, kwargs=the_measure),
    Route("sanctions:votes", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_measure),
    Route("sanctions:compliance", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_measure),
    Route("sanctions:renew", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_measure),
    Route(
        "sanctions:measure_consent",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "autoridad": Answer(302), "coordinacion": Answer(302)},
        method="post",
        kwargs=the_measure,
    ),
    # Recording the notice has no form: a GET is not allowed, for anyone logged in.
    Route(
        "sanctions:notify",
        METHOD_NOT_ALLOWED,
        {ANONYMOUS: TO_LOGIN},
        kwargs=the_procedure,
    ),
    # Investigation and resolution.
    Route("sanctions:evidence_add", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_procedure),
    Route("sanctions:argument_add", NOT_FOUND, CONDUCTORS_400, method="post", kwargs=the_procedure),
    Route(
        "sanctions:hearing_schedule",
        NOT_FOUND,
        CONDUCTORS_400,
        method="post",
        kwargs=the_procedure,
    ),
    # No evidence or hearing in the world: a key that does not exist is a 404 for everyone.
    Route("sanctions:evidence_download", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=no_such_pk),
    Route(
        "sanctions:hearing_hold", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, method="post", kwargs=no_such_pk
    ),
    # Only the autoridad resolves; he was not notified, so a resolution is refused (400).
    Route(
        "sanctions:resolve", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "autoridad": OK}, kwargs=the_procedure
    ),
    Route(
        "sanctions:resolve",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "autoridad": Answer(400)},
        method="post",
        kwargs=the_procedure,
    ),
    # No resolution yet: nothing to notify or appeal.
    Route(
        "sanctions:resolution_notify",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        data={"notificacion-party": "afectada"},
        kwargs=the_procedure,
    ),
    Route(
        "sanctions:appeal_record",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        kwargs=the_procedure,
    ),
    Route(
        "sanctions:conclude",
        NOT_FOUND,
        CONDUCTORS_TO_DETAIL,
        method="post",
        kwargs=the_procedure,
    ),
    # The accused's own page: his side only, none of the personas (conductors included).
    Route("sanctions:accused", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=the_procedure),
    Route(
        "sanctions:accused_evidence_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        kwargs=the_procedure,
    ),
    Route(
        "sanctions:accused_argument_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN},
        method="post",
        data={"alegatos-text": "Alegatos de la prueba de acceso, largos."},
        kwargs=the_procedure,
    ),
    # Retaliation watch: those who act on the case record; coordinación reviews.
    Route("sanctions:adverse_add", NOT_FOUND, REFERRERS_OK, kwargs=the_case),
    Route("sanctions:adverse_add", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_case),
    Route("sanctions:retaliation_queue", NOT_FOUND, {ANONYMOUS: TO_LOGIN, "coordinacion": OK}),
    Route(
        "sanctions:adverse_review",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "coordinacion": OK},
        kwargs=the_adverse_change,
    ),
    Route(
        "sanctions:adverse_review",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "coordinacion": Answer(400)},
        method="post",
        kwargs=the_adverse_change,
    ),
    # Triage of the public channel: coordinación and atención.
    Route("reports:queue", NOT_FOUND, REFERRERS_OK),
    Route("reports:detail", NOT_FOUND, REFERRERS_OK, kwargs=the_report),
    Route("reports:reply", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_report),
    Route("reports:convert", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_report),
    Route("reports:link", NOT_FOUND, REFERRERS_400, method="post", kwargs=the_report),
    Route("reports:attachment", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=no_such_pk),
    # Last: closing it changes the report (it stays readable).
    Route(
        "reports:dismiss",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": Answer(302), "coordinacion": Answer(302)},
        method="post",
        kwargs=the_report,
    ),
    # Training: every member of staff takes the courses.
    Route("training:courses", OK, {ANONYMOUS: TO_LOGIN}),
    Route("training:course", OK, {ANONYMOUS: TO_LOGIN}, kwargs=the_course),
    Route(
        "training:lesson",
        OK,
        {ANONYMOUS: TO_LOGIN},
        kwargs=lambda world: {"code": COURSE, "slug": "tipos-de-violencia"},
    ),
    Route(
        "training:quiz",
        OK,
        {ANONYMOUS: TO_LOGIN},
        kwargs=lambda world: {"code": COURSE, "stage": "pre"},
    ),
    # Nothing answered: refused with the questions again.
    Route(
        "training:quiz",
        Answer(400),
        {ANONYMOUS: TO_LOGIN},
        method="post",
        kwargs=lambda world: {"code": COURSE, "stage": "post"},
    ),
    # None of the personas holds a constancia for it.
    Route("training:my_certificate", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=the_course),
    # Sessions and constancias: coordinación manages, atención may look.
    Route("training:sessions", NOT_FOUND, REFERRERS_OK),
    Route("training:session_create", NOT_FOUND, COORDINACION_OK),
    Route("training:session_create", NOT_FOUND, COORDINACION_400, method="post"),
    Route("training:session_detail", NOT_FOUND, REFERRERS_OK, kwargs=the_training_session),
    Route("training:session_attendee_add", NOT_FOUND, COORDINACION_OK, kwargs=the_training_session),
    Route(
        "training:session_attendee_add",
        NOT_FOUND,
        COORDINACION_400,
        method="post",
        kwargs=the_training_session,
    ),
    Route("training:session_import", NOT_FOUND, COORDINACION_OK, kwargs=the_training_session),
    Route(
        "training:session_import",
        NOT_FOUND,
        COORDINACION_400,
        method="post",
        kwargs=the_training_session,
    ),
    Route("training:session_certificates", NOT_FOUND, REFERRERS_OK, kwargs=the_training_session),
    Route(
        "training:session_certificates_issue",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "coordinacion": Answer(302)},
        method="post",
        kwargs=the_training_session,
    ),
    Route("training:session_certificate_pdf", NOT_FOUND, REFERRERS_OK, kwargs=the_certificate),
    Route(
        "training:session_certificate_revoke", NOT_FOUND, COORDINACION_OK, kwargs=the_certificate
    ),
    Route(
        "training:session_certificate_revoke",
        NOT_FOUND,
        COORDINACION_400,
        method="post",
        kwargs=the_certificate,
    ),
    # Campaigns: coordinación manages, atención may look; coverage is coordinación's.
    Route("training:campaign_list", NOT_FOUND, REFERRERS_OK),
    Route("training:campaign_new", NOT_FOUND, COORDINACION_OK),
    Route("training:campaign_new", NOT_FOUND, COORDINACION_400, method="post"),
    Route("training:campaign_detail", NOT_FOUND, REFERRERS_OK, kwargs=the_campaign),
    Route("training:campaign_edit", NOT_FOUND, COORDINACION_OK, kwargs=the_campaign),
    Route(
        "training:campaign_edit", NOT_FOUND, COORDINACION_400, method="post", kwargs=the_campaign
    ),
    Route("training:campaign_activity_add", NOT_FOUND, COORDINACION_OK, kwargs=the_campaign),
    Route(
        "training:campaign_activity_add",
        NOT_FOUND,
        COORDINACION_400,
        method="post",
        kwargs=the_campaign,
    ),
    Route("training:coverage", NOT_FOUND, COORDINACION_OK),
    # Statistics: coordinación only; aggregates, and the de-identified registry export.
    Route("stats:dashboard", NOT_FOUND, COORDINACION_OK),
    Route("stats:export", NOT_FOUND, COORDINACION_OK, data={"tabla": "tipos", "formato": "csv"}),
    Route("stats:banavim", NOT_FOUND, COORDINACION_OK, data={"formato": "csv"}),
    # Only a person given the specific permission (none of the personas) may override.
    Route("cases:consent_override", NOT_FOUND, {ANONYMOUS: TO_LOGIN}, kwargs=the_case),
    Route(
        "cases:contact",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "cases:party_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    Route(
        "cases:incident_add",
        NOT_FOUND,
        {ANONYMOUS: TO_LOGIN, "atencion": OK, "coordinacion": OK},
        kwargs=the_case,
    ),
    # Protocol definitions: institutional documents every member of staff may read.
    Route("protocols:list", OK, {ANONYMOUS: TO_LOGIN}),
    Route(
        "protocols:detail",
        OK,
        {ANONYMOUS: TO_LOGIN},
        kwargs=lambda world: {"code": "chihuahua-municipal", "version": world["protocol_version"]},
    ),
    # Notices: every member of staff has an inbox of her own.
    Route("notifications:inbox", OK, {ANONYMOUS: TO_LOGIN}),
    Route(
        "notifications:mark_read",
        Answer(302, "notifications:inbox"),
        {ANONYMOUS: TO_LOGIN},
        method="post",
    ),
)

# URL names outside the admin that are deliberately not in ROUTES, with the reason.
NOT_IN_MATRIX: dict[str, str] = {}

# The Django admin: only administración, and only for the apps it administers.
ADMINISTERED_APP_LABELS = ("accounts", "catalogs", "protocols", "sanctions")
