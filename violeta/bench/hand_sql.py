"""The best SQL we could write by hand for what each measured page shows (PostgreSQL).

Each function returns the statements for one request, given the request's parameters. They
answer exactly what the page shows (the same rows, the same count), so the ORM's SQL can be
timed beside them on the same database. Lookups of fixed cost (session, user, second factor,
catalog choices, protocol definitions, the notices badge) are not here: the harness times the
ORM's own statements for them on both sides.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import connection
from django.utils import timezone

from violeta.bench.harness import BenchRequest, Statements
from violeta.cases.selectors_inbox import (
    CASE_SUBJECT,
    FOLIO_NUMBER_DIGITS,
    IDENTIFIER_INDEXES,
    ContextFlag,
    default_scope,
)
from violeta.cases.views.inbox import COUNT_CAP
from violeta.crypto.blind_index import blind_index


def _inbox_where(params: dict[str, Any], viewer: Any) -> tuple[str, list[Any]]:
    """The WHERE clause on ``cases_case c`` for the inbox's filters, and its parameters."""
    now = timezone.now()
    today = timezone.localdate()
    # Her party cases (almost always none) are read first (``PARTY_CASES``) and left out by
    # id: the count is then read from the cases' indexes alone.
    clauses = ["true"]
    args: list[Any] = []
    party_cases = _party_cases(viewer)
    if party_cases:
        clauses.append("c.id <> ALL(%s)")
        args.append(party_cases)
    scope = params.get("scope") or default_scope(user=viewer).value
    if viewer.role != "coordinacion" or scope == "mios":
        # Atención: what she may open is what she is assigned to (or an emergency access); the
        # measured inbox is "mine", which is the first of those.
        if scope != "mios":
            raise ValueError("hand SQL covers coordinación's inbox and 'mine' only")
        clauses.append(
            "c.id IN (SELECT a.case_id FROM cases_caseassignment a "
            "WHERE a.user_id = %s AND a.ended_at IS NULL)"
        )
        args.append(viewer.pk)
    status = params.get("status", "abierto")
    if status != "todos":
        clauses.append("c.status = %s")
        args.append(status)
    if params.get("dependencia"):
        clauses.append("c.dependencia_id IN (SELECT id FROM catalogs_dependencia WHERE code = %s)")
        args.append(params["dependencia"])
    for flag in params.get("flags", ()):
        clauses.append(f"c.{ContextFlag(flag).value}")  # a column name
    if params.get("stage"):
        protocol, stage = params["stage"].split(":")
        clauses.append(
            "c.run_stage = %s AND c.run_protocol_id IN "
            "(SELECT id FROM protocols_protocolversion WHERE code = %s)"
        )
        args += [stage, protocol]
    if params.get("violence_type"):
        law, code = params["violence_type"].split(":")
        clauses.append(
            "c.id IN (SELECT v.case_id FROM cases_caseviolencetype v WHERE v.violence_type_id IN "
            "(SELECT id FROM catalogs_violencetype WHERE law = %s AND code = %s))"
        )
        args += [law, code]
    if params.get("due") == "vencidos":
        # Alone when the viewer has no task past due (the lookup is the first statement of
        # ``inbox``): an OR with an EXISTS would make the database test every case.
        if _overdue_task_cases(viewer, today):
            clauses.append(
                "(c.next_deadline_at < %s OR EXISTS (SELECT 1 FROM cases_casetask t "
                "WHERE t.case_id = c.id AND t.assigned_to_id = %s AND t.done_at IS NULL "
                "AND t.due_on < %s))"
            )
            args += [now, viewer.pk, today]
        else:
            clauses.append("c.next_deadline_at < %s")
            args.append(now)
    elif params.get("due"):
        raise ValueError("hand SQL covers the 'vencidos' due filter only")
    if params.get("q"):
        match_sql, match_args = _identifier_match(params["q"])
        clauses.append(f"c.id IN ({match_sql})")
        args += match_args
    return " AND ".join(clauses), args


PARTY_CASES = "SELECT DISTINCT case_id FROM cases_caseparty WHERE user_id = %s"


def _party_cases(viewer: Any) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(PARTY_CASES, [viewer.pk])
        return [row[0] for row in cursor.fetchall()]


OVERDUE_TASK_CASES = (
    "SELECT DISTINCT case_id FROM cases_casetask "
    "WHERE assigned_to_id = %s AND done_at IS NULL AND due_on < %s"
)


def _overdue_task_cases(viewer: Any, today: Any) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(OVERDUE_TASK_CASES, [viewer.pk, today])
        return [row[0] for row in cursor.fetchall()]


def _identifier_match(q: str) -> tuple[str, list[Any]]:
    text = q.strip()
    folio = ["upper(folio) = upper(%s)"]
    args: list[Any] = [text]
    if text.isdigit():
        suffix = f"-{int(text):0{FOLIO_NUMBER_DIGITS}d}"
        folio.append("right(folio, %s) = %s")
        args += [len(suffix), suffix]
    arms = [f"SELECT id FROM cases_case WHERE {' OR '.join(folio)}"]
    party = []
    for column, kind in IDENTIFIER_INDEXES:
        digest = blind_index(kind, text)
        if digest:
            # One arm per index: each is an index lookup, and UNION removes repeats.
            party.append(f"SELECT case_id FROM cases_caseparty WHERE {column} = %s")
            args.append(digest)
    return " UNION ".join(arms + party), args


def inbox(request: BenchRequest, *, viewer: Any, page_size: int) -> Statements:
    """The count and one page of rows, each row with its stage, next deadline and next task."""
    params = request.params
    where, args = _inbox_where(params, viewer)
    page = int(params.get("page", 1))
    if params.get("order") == "vence":
        raise ValueError("hand SQL covers the newest-first order only")
    # The inbox counts up to its cap (views.inbox.COUNT_CAP), and so does this.
    count = (
        f"SELECT count(*) FROM (SELECT 1 FROM cases_case c WHERE {where} LIMIT %s) found",
        [*args, COUNT_CAP + 1],
    )
    rows = (
        "SELECT c.id, c.folio, c.status, c.registered_at, c.next_deadline_at, d.name_es, "
        "d.name_en, c.run_stage, c.run_protocol_id, "
        "(SELECT min(t.due_on) FROM cases_casetask t WHERE t.case_id = c.id "
        "AND t.assigned_to_id = %s AND t.done_at IS NULL) AS next_task_on "
        # The page's ids from the indexes first, then only those rows whole.
        f"FROM (SELECT c.id FROM cases_case c WHERE {where} "
        "ORDER BY c.registered_at DESC, c.id DESC LIMIT %s OFFSET %s) page "
        "JOIN cases_case c ON c.id = page.id "
        "JOIN catalogs_dependencia d ON d.id = c.dependencia_id "
        "ORDER BY c.registered_at DESC, c.id DESC",
        [viewer.pk, *args, page_size, (page - 1) * page_size],
    )
    lookups = [(PARTY_CASES, [viewer.pk])]
    if params.get("due") == "vencidos":
        lookups.append((OVERDUE_TASK_CASES, [viewer.pk, timezone.localdate()]))
    return [*lookups, count, rows]


def case_detail(request: BenchRequest, *, viewer: Any) -> Statements:
    """Everything the case page shows an assigned worker, one indexed read per kind of row.

    The page needs each kind of row once (the case, what she may read, the protocol run and
    its children, consent, attention, risk, referrals, retaliation, people, incidents, notes,
    additions), joined to the users and data keys they show. Catalog lookups are fixed cost.
    """
    case = str(request.params["case_id"])
    now = timezone.now()
    run = "(SELECT id FROM protocols_protocolrun WHERE subject_type = %s AND subject_id = %s)"
    # Like the page, it asks with the case whether there are any of the rows most cases have
    # none of, and reads only those there are (which rows those are is looked up here,
    # untimed, so that the statements below are the ones that answer this case).
    present = _present_on_case(case)
    by_case: list[tuple[str, str]] = [
        # (table, extra joins and order) for the rows read by case.
        ("cases_guidelinecheck g LEFT JOIN crypto_datakey k ON k.id = g.data_key_id", "g"),
        (
            "cases_consentdecision x LEFT JOIN catalogs_institution i ON i.id = x.institution_id "
            "JOIN accounts_user u ON u.id = x.recorded_by_id",
            "x",
        ),
        ("cases_contactpreference x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id", "x"),
        (
            "cases_caseassignment x JOIN accounts_user u ON u.id = x.user_id "
            "JOIN cases_caseparty p ON p.id = x.attends_id",
            "x",
        ),
        (
            "cases_attentionsession x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id "
            "JOIN accounts_user u ON u.id = x.author_id",
            "x",
        ),
        ("cases_safetyplan x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id", "x"),
        ("cases_casetask x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id", "x"),
        ("detection_riskassessment x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id", "x"),
        ("referrals_referralwishes x", "x"),
        (
            "referrals_referral x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id "
            "JOIN catalogs_institution i ON i.id = x.institution_id",
            "x",
        ),
        ("sanctions_adversechange x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id", "x"),
        (
            "cases_caseparty x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id "
            "LEFT JOIN catalogs_dependencia d ON d.id = x.dependencia_id "
            "LEFT JOIN accounts_user u ON u.id = x.user_id",
            "x",
        ),
        (
            "cases_casenote x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id "
            "JOIN accounts_user u ON u.id = x.author_id",
            "x",
        ),
        (
            "cases_accountaddition x LEFT JOIN crypto_datakey k ON k.id = x.data_key_id "
            "JOIN accounts_user u ON u.id = x.author_id",
            "x",
        ),
    ]
    statements: Statements = [
        (
            "SELECT c.*, d.*, k.*, i.* FROM cases_case c "
            "JOIN catalogs_dependencia d ON d.id = c.dependencia_id "
            "LEFT JOIN crypto_datakey k ON k.id = c.data_key_id "
            "LEFT JOIN catalogs_institution i ON i.id = c.referred_by_id WHERE c.id = %s "
            "AND NOT EXISTS (SELECT 1 FROM cases_caseparty p WHERE p.case_id = c.id "
            "AND p.user_id = %s) AND (EXISTS (SELECT 1 FROM cases_caseassignment a "
            "WHERE a.case_id = c.id AND a.user_id = %s AND a.ended_at IS NULL) "
            "OR EXISTS (SELECT 1 FROM cases_emergencyaccess e WHERE e.case_id = c.id "
            "AND e.user_id = %s AND e.expires_at > %s))",
            [case, viewer.pk, viewer.pk, viewer.pk, now],
        ),
        (
            # What she may read and the page's counts and flags, in one round trip.
            "SELECT EXISTS (SELECT 1 FROM cases_caseparty WHERE case_id = %s AND user_id = %s), "
            "(SELECT kind FROM cases_caseassignment WHERE case_id = %s AND user_id = %s "
            "AND ended_at IS NULL), "
            "EXISTS (SELECT 1 FROM cases_emergencyaccess WHERE case_id = %s AND user_id = %s "
            "AND expires_at > %s), "
            "(SELECT count(*) FROM cases_accounttaking WHERE case_id = %s), "
            "EXISTS (SELECT 1 FROM cases_caseparty WHERE case_id = %s AND kind = %s "
            "AND needs_interpreter), " + _SOMETIMES_EXISTS,
            [
                case,
                viewer.pk,
                case,
                viewer.pk,
                case,
                viewer.pk,
                now,
                case,
                case,
                "persona_afectada",
                *[case] * len(SOMETIMES_ON_CASE),
            ],
        ),
        (
            "SELECT r.*, v.id, v.code, v.sha256 FROM protocols_protocolrun r "
            "JOIN protocols_protocolversion v ON v.id = r.protocol_id "
            "WHERE r.subject_type = %s AND r.subject_id = %s",
            [CASE_SUBJECT, case],
        ),
        (
            "SELECT x.*, u.full_name FROM protocols_stagechange x "
            f"LEFT JOIN accounts_user u ON u.id = x.actor_id WHERE x.run_id = {run} "
            "ORDER BY x.at",
            [CASE_SUBJECT, case],
        ),
        (
            f"SELECT * FROM protocols_runtask WHERE run_id = {run} AND done_at IS NULL",
            [CASE_SUBJECT, case],
        ),
        (
            "SELECT i.*, k.*, "
            "ARRAY(SELECT violencetype_id FROM cases_incident_violence_types t "
            "WHERE t.incident_id = i.id), "
            "ARRAY(SELECT violencemodality_id FROM cases_incident_violence_modalities m "
            "WHERE m.incident_id = i.id) "
            "FROM cases_incident i LEFT JOIN crypto_datakey k ON k.id = i.data_key_id "
            "WHERE i.case_id = %s",
            [case],
        ),
    ]
    if _has_next_deadline(case):
        # The case keeps its run's earliest unmet deadline: without one there is none to read.
        statements.append(
            (
                f"SELECT * FROM protocols_deadline WHERE run_id = {run} AND met_at IS NULL",
                [CASE_SUBJECT, case],
            )
        )
    if _stage_requires_checklist(case):
        statements.append(
            (
                "SELECT x.*, u.full_name FROM protocols_checklistresolution x "
                f"LEFT JOIN accounts_user u ON u.id = x.resolved_by_id WHERE x.run_id = {run}",
                [CASE_SUBJECT, case],
            )
        )
    for source, alias in by_case:
        table = source.split()[0]
        if table in present or table not in _SOMETIMES_TABLES:
            statements.append((f"SELECT * FROM {source} WHERE {alias}.case_id = %s", [case]))
    return statements


# Rows most cases have none of: (table, condition on the row).
SOMETIMES_ON_CASE = (
    ("cases_casenote", ""),
    ("cases_accountaddition", ""),
    ("cases_contactpreference", ""),
    ("cases_safetyplan", ""),
    ("cases_casetask", " AND done_at IS NULL"),
)
_SOMETIMES_TABLES = {table for table, _ in SOMETIMES_ON_CASE}
# Whether the case has any of each, one column each (its id is each one's parameter).
_SOMETIMES_EXISTS = ", ".join(
    f"EXISTS (SELECT 1 FROM {table} WHERE case_id = %s{condition})"
    for table, condition in SOMETIMES_ON_CASE
)


def _present_on_case(case: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + _SOMETIMES_EXISTS,
            [case] * len(SOMETIMES_ON_CASE),
        )
        flags = cursor.fetchone()
    return {table for (table, _), flag in zip(SOMETIMES_ON_CASE, flags, strict=True) if flag}


def _has_next_deadline(case: str) -> bool:
    """Whether the case has an unmet protocol deadline (the page reads it only then)."""
    from violeta.cases.models import Case

    return Case.objects.filter(pk=case, next_deadline_at__isnull=False).exists()


def _stage_requires_checklist(case: str) -> bool:
    """Whether a way out of the run's current stage requires checklist items (the page reads
    the resolutions only then)."""
    from violeta.protocols.models import ProtocolRun
    from violeta.protocols.selectors import stage_checklist
    from violeta.protocols.services import definition_of

    run = ProtocolRun.objects.filter(subject_type=CASE_SUBJECT, subject_id=case).first()
    return run is not None and bool(stage_checklist(definition_of(run), run.stage))


def intake(request: BenchRequest, *, actor: Any) -> Statements:
    """The rows one intake writes, as a DBA would write them: multi-row inserts, the protocol
    run and its first stage in one statement, the audit chain advanced once for its four
    entries, the case's statistics fact and her share of the rollup written directly, computed
    from the form in hand. (The intake also writes a checklist
    item when a guideline fires, e.g. for a type of violence that may be a crime; this side
    leaves it out, which only makes it faster.)

    Values are made up with the sizes of the real ones (ciphertext is longer than the text);
    the harness runs these inside a savepoint that it rolls back.
    """
    data = request.data or {}
    now = timezone.now()
    case = str(uuid.uuid4())
    parties = 2 + (1 if data.get("testigo-0-display_name") else 0)
    keys = [str(uuid.uuid4()) for _ in range(parties + 2)]  # case, parties, incident

    def sealed(text: str) -> str:
        # base64 of nonce + ciphertext + tag: what EncryptedTextField stores.
        return "v1:" + "A" * (4 * ((len(text.encode()) + 28 + 2) // 3))

    # Every encrypted field holds a ciphertext, an empty one included (as the intake stores
    # them): the name, CURP, phone, email, employee number, community, position, used name.
    row = (
        "(%s, %s, %s, %s, %s, %s, %s, %s, '', %s, '', %s, '', %s, '', false, %s, '', '[]', "
        "'', '', %s, %s, false, 'es', false, '', %s, '[]')"
    )
    party_rows = ", ".join([row] * parties)
    party_args: list[Any] = []
    empty = sealed("")
    party_ids = [str(uuid.uuid4()) for _ in range(parties)]
    accused_party = party_ids[1]
    for index in range(parties):
        kind = ["persona_afectada", "persona_senalada", "testigo"][index]
        party_args += [
            party_ids[index],
            keys[index + 1],
            case,
            kind,
            sealed("Nombre X"),
            "0" * 32,
            actor.pk,
            empty,  # curp
            empty,  # phone
            empty,  # email
            empty,  # employee number
            now,
            empty,  # indigenous community
            empty,  # position
            empty,  # used name
        ]
    types = data.get("hecho-0-violence_types") or []
    modalities = data.get("hecho-0-violence_modalities") or []
    incident = str(uuid.uuid4())
    folio = f"B-{uuid.uuid4().hex[:24]}"
    # Her statistics, computed from the form in hand: as many cells as the real ones (the
    # case, its status, risk, age, first attention, each type and modality), with codes of
    # their sizes.
    month = now.date().replace(day=1)
    dependencia = f"dependencia_{data.get('dependencia')}"
    cells = sorted(
        [
            ("casos", ""),
            ("estado", "abierto"),
            ("riesgo", "sin_valoracion"),
            ("edad", "30-44"),
            ("primera_atencion", "sin_atencion"),
            *(("tipo", f"tipo_{t}") for t in types),
            *(("modalidad", f"modalidad_{m}") for m in modalities),
        ]
    )
    statements: Statements = [
        (
            "INSERT INTO cases_foliocounter (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = cases_foliocounter.last + 1 RETURNING last",
            [now.year + 1000],
        ),
        (
            "INSERT INTO crypto_datakey (id, kek_id, wrapped, owner, created_at) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys)),
            [v for key in keys for v in (key, "bench", b"\0" * 40, "cases.Case", now)],
        ),
        (
            "INSERT INTO cases_case (id, folio, status, registered_at, account, data_key_id, "
            "dependencia_id, registered_by_id, channel, is_hierarchical, is_intimate_partner, "
            "is_minor_victim, is_workplace, run_protocol_id, run_stage) "
            "VALUES (%s, %s, 'abierto', %s, %s, %s, %s, %s, %s, false, false, false, true, %s, "
            "'solicitud')",
            [
                case,
                folio,
                now,
                sealed(data.get("account", "")),
                keys[0],
                data.get("dependencia"),
                actor.pk,
                data.get("channel", "presencial"),
                data.get("protocol"),
            ],
        ),
        (
            "INSERT INTO cases_caseparty (id, data_key_id, case_id, kind, display_name, "
            "name_bidx, added_by_id, curp, curp_bidx, phone, phone_bidx, email, email_bidx, "
            "employee_number, employee_number_bidx, is_public_servant, added_at, "
            "age_range, disabilities, gender_identity, hierarchy, indigenous_community, "
            "position, is_indigenous, language, needs_interpreter, relationship, used_name, "
            "vulnerable_groups) VALUES " + party_rows,
            party_args,
        ),
        (
            "INSERT INTO cases_incident (id, date_is_approximate, place_kind, place, "
            "recorded_at, case_id, data_key_id, recorded_by_id) "
            "VALUES (%s, false, '', %s, %s, %s, %s, %s)",
            [incident, sealed(""), now, case, keys[-1], actor.pk],
        ),
        (
            "INSERT INTO cases_incident_violence_types (incident_id, violencetype_id) "
            "SELECT %s, unnest(%s::bigint[])",
            [incident, [int(t) for t in types]],
        ),
        (
            "INSERT INTO cases_incident_violence_modalities (incident_id, violencemodality_id) "
            "SELECT %s, unnest(%s::bigint[])",
            [incident, [int(m) for m in modalities]],
        ),
        (
            # The case's own types and modalities: those of its incidents.
            "WITH t AS (INSERT INTO cases_caseviolencetype (case_id, violence_type_id) "
            "SELECT %s, unnest(%s::bigint[])) "
            "INSERT INTO cases_caseviolencemodality (case_id, violence_modality_id) "
            "SELECT %s, unnest(%s::bigint[])",
            [case, [int(t) for t in types], case, [int(m) for m in modalities]],
        ),
        (
            "INSERT INTO cases_accounttaking (taken_at, reason, case_id, taken_by_id) "
            "VALUES (%s, 'intake', %s, %s)",
            [now, case, actor.pk],
        ),
        (
            "INSERT INTO cases_consentdecision (purpose, granted, decided_at, case_id, "
            "recorded_by_id, scope) VALUES (%s, true, %s, %s, %s, '[]'), "
            "(%s, true, %s, %s, %s, '[]')",
            ["atencion", now, case, actor.pk, "estadistica", now, case, actor.pk],
        ),
        (
            # The same person accused in other cases, through the blind index of her name: the
            # links, and coordinación's notices (but to a party of those cases), in one.
            "WITH found AS (SELECT id, case_id FROM cases_caseparty "
            "WHERE kind = 'persona_senalada' AND name_bidx = %s AND case_id <> %s), "
            "linked AS (INSERT INTO cases_repeataccused (party_id, other_id, basis, detected_at) "
            "SELECT %s, id, 'nombre', %s FROM found ON CONFLICT DO NOTHING) "
            "INSERT INTO notifications_notification (recipient_id, kind, folio, actor_name, "
            "created_at) SELECT u.id, 'repeat_accused', %s, '', %s FROM accounts_user u "
            "WHERE u.role = 'coordinacion' AND u.is_active AND EXISTS (SELECT 1 FROM found) "
            "AND NOT EXISTS (SELECT 1 FROM cases_caseparty p WHERE p.user_id = u.id "
            "AND (p.case_id = %s OR p.case_id IN (SELECT case_id FROM found)))",
            [
                blind_index("name", data.get("senalada-0-display_name", "")),
                case,
                accused_party,
                now,
                folio,
                now,
                case,
            ],
        ),
        (
            "WITH run AS (INSERT INTO protocols_protocolrun (subject_type, subject_id, stage, "
            "revision, started_at, protocol_id) VALUES (%s, %s, 'solicitud', 0, %s, %s) "
            "RETURNING id), change AS (INSERT INTO protocols_stagechange (transition, "
            "from_stage, to_stage, at, reason, actor_id, run_id) SELECT '', '', 'solicitud', "
            "%s, '', %s, id FROM run) INSERT INTO protocols_runevent (code, at, run_id) "
            "SELECT 'entered:solicitud', %s, id FROM run",
            [CASE_SUBJECT, case, now, data.get("protocol"), now, actor.pk, now],
        ),
        (
            "UPDATE audit_auditchainhead SET seq = seq + 4 WHERE id = 1 RETURNING seq, hash",
            [],
        ),
        (
            # The case, its protocol run and her two consents: four entries, chained.
            "INSERT INTO audit_auditentry (seq, created_at, origin, session_ref, action, "
            "target_type, target_id, detail, prev_hash, hash, actor_id) "
            "SELECT seq - 4 + n, %s, 'web', '', a, 'cases.Case', %s, '{}', hash, %s, %s "
            "FROM audit_auditchainhead, unnest(ARRAY['create', 'create', 'consent', 'consent']) "
            "WITH ORDINALITY AS e(a, n) WHERE id = 1",
            [now, case, "1" * 64, actor.pk],
        ),
        ("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", ["1" * 64]),
        (
            "INSERT INTO stats_casefact (case_id, counted, month, dependencia, cells, "
            "computed_at) VALUES (%s, true, %s, %s, %s, %s)",
            [case, month, dependencia, json.dumps([[*cell, 1] for cell in cells]), now],
        ),
        (
            # Her share of the dashboard's counts, every cell in one statement.
            "INSERT INTO stats_rollupcell (month, dependencia, dimension, value, n) VALUES "
            + ", ".join(["(%s, %s, %s, %s, 1)"] * len(cells))
            + " ON CONFLICT (month, dependencia, dimension, value) "
            "DO UPDATE SET n = stats_rollupcell.n + excluded.n",
            [v for dimension, value in cells for v in (month, dependencia, dimension, value)],
        ),
    ]
    return statements
