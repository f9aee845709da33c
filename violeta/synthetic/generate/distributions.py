"""The numbers behind synthetic cases: how often each thing happens and how long it takes,
the model labels encrypted records carry, and small helpers the generator shares."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from violeta.cases.guidelines import INDIGENOUS_LANGUAGES
from violeta.cases.guidelines import LGBTI_IDENTITIES as LGBTI_CODES
from violeta.cases.models import MINOR_AGE_RANGES, AgeRange, SharedItem
from violeta.crypto.blind_index import normalize_name
from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.world import DAY, HOUR

CHUNK = 250  # cases per random generator; fixes the data whatever the batch size

# Standard normal quantiles: a log-normal delay is a lookup and an exp (random.gauss is slow).
NORMAL_SIZE = 4096
NORMAL_QUANTILES = tuple(
    statistics.NormalDist().inv_cdf((i + 0.5) / NORMAL_SIZE) for i in range(NORMAL_SIZE)
)
N = t.NULL
UUID4_MASK = ((1 << 128) - 1) ^ (0xF << 76) ^ (0x3 << 62)
UUID4_BITS = (0x4 << 76) | (0x2 << 62)
LGBTI_IDENTITIES = frozenset(str(code) for code in LGBTI_CODES)
INDIGENOUS = frozenset(str(code) for code in INDIGENOUS_LANGUAGES)
MINORS = frozenset(str(code) for code in MINOR_AGE_RANGES)

# Model labels (DataKey.owner, and the first part of every field's associated data).
L_CASE = "cases.Case"
L_PARTY = "cases.CaseParty"
L_INCIDENT = "cases.Incident"
L_GUIDELINE = "cases.GuidelineCheck"
L_SESSION = "cases.AttentionSession"
L_STATUS = "cases.StatusChange"
L_RISK = "detection.RiskAssessment"
L_REFERRAL = "referrals.Referral"
L_REFERRAL_EVENT = "referrals.ReferralEvent"
L_PROCEDURE = "sanctions.Procedure"
L_COMITE = "sanctions.ComiteSession"
L_MEMBER = "sanctions.SessionMember"
L_MEASURE = "sanctions.Measure"
L_RESOLUTION = "sanctions.Resolution"
PARTY_FIELDS = (
    "position",
    "display_name",
    "used_name",
    "curp",
    "phone",
    "email",
    "employee_number",
    "indigenous_community",
)
EMPTY = b""


def weighted(pairs: Sequence[tuple[Any, float]]) -> tuple[tuple[Any, ...], tuple[float, ...]]:
    values = tuple(value for value, _weight in pairs)
    return values, tuple(accumulate(weight for _value, weight in pairs))


# --- Distributions ---------------------------------------------------------------------------
# Where a case comes from: within the municipal government (both people work there) or from the
# community the IMM attends (partner, family, strangers).
P_WORKPLACE = 0.56
CHANNELS = weighted(
    [
        ("presencial", 46),
        ("telefono_072", 14),
        ("portal", 11),
        ("canalizada", 13),
        ("de_oficio", 16),
    ]
)
REFERRED_BY = ("fem", "cejum", "linea_911", "dif_municipal", "ichmujeres_cavim", "cedh")
AGE_RANGES_WORK = weighted([("18-29", 28), ("30-44", 45), ("45-59", 23), ("60+", 4)])
AGE_RANGES_COMMUNITY = weighted(
    [("0-11", 2), ("12-17", 6), ("18-29", 32), ("30-44", 36), ("45-59", 18), ("60+", 6)]
)
AGE_BOUNDS = {
    "0-11": (6, 11),
    "12-17": (12, 17),
    "18-29": (18, 29),
    "30-44": (30, 44),
    "45-59": (45, 59),
    "60+": (60, 82),
}
IDENTITIES = weighted(
    [
        ("mujer", 88),
        ("mujer_trans", 3),
        ("no_binaria", 1.5),
        ("hombre", 2.5),
        ("hombre_trans", 0.5),
        ("otra", 0.5),
        ("no_dice", 1),
        ("", 3),
    ]
)
LANGUAGES = weighted(
    [
        ("es", 94.5),
        ("tar", 2.5),
        ("stp", 0.5),
        ("var", 0.2),
        ("pia", 0.1),
        ("pdt", 0.7),
        ("mfs", 0.6),
        ("en", 0.7),
        ("otra", 0.2),
    ]
)
DISABILITIES = weighted(
    [
        ("fisica", 35),
        ("visual", 15),
        ("auditiva", 15),
        ("habla", 5),
        ("intelectual", 10),
        ("psicosocial", 20),
    ]
)
HIERARCHIES = weighted(
    [("superior", 45), ("par", 28), ("sin_relacion", 14), ("subordinada", 4), ("no_se_sabe", 9)]
)
WORK_RELATIONSHIPS = weighted(
    [("ninguna", 88), ("conocida", 6), ("expareja", 3), ("pareja", 2), ("familiar", 1)]
)
COMMUNITY_RELATIONSHIPS = weighted(
    [("pareja", 30), ("expareja", 27), ("familiar", 15), ("conocida", 15), ("desconocida", 13)]
)
INCIDENT_COUNTS = weighted([(1, 78), (2, 18), (3, 4)])
PLACE_KINDS = {
    "work": weighted(
        [
            ("centro_de_trabajo", 65),
            ("digital", 15),
            ("comision", 10),
            ("via_publica", 5),
            ("transporte", 5),
        ]
    ),
    "home": weighted(
        [("domicilio", 55), ("via_publica", 15), ("digital", 20), ("transporte", 5), ("otro", 5)]
    ),
    "street": weighted([("via_publica", 45), ("transporte", 25), ("digital", 20), ("otro", 10)]),
}

# Probability of each type of violence in an incident, by setting.
TYPE_ODDS = {
    "work": {
        "psicologica": 0.75,
        "sexual": 0.45,
        "fisica": 0.08,
        "economica": 0.05,
        "patrimonial": 0.03,
    },
    "partner": {
        "psicologica": 0.9,
        "fisica": 0.45,
        "economica": 0.3,
        "patrimonial": 0.2,
        "sexual": 0.15,
    },
    "family": {"psicologica": 0.85, "fisica": 0.35, "economica": 0.25, "patrimonial": 0.25},
    "street": {"sexual": 0.55, "psicologica": 0.6, "fisica": 0.15},
}
MODALITY_BY_SETTING = {
    "work": "laboral_docente",
    "partner": "familiar",
    "family": "familiar",
    "street": "comunidad",
}
SERVICES_FIRST = weighted(
    [("psicologia", 55), ("juridica", 30), ("trabajo_social", 10), ("medica", 5)]
)
SESSION_LIMITS = {"psicologia": 6, "juridica": 3, "trabajo_social": 2, "medica": 1}
MODES = weighted([("presencial", 70), ("telefono", 20), ("videollamada", 10)])

# Risk items: probability of "yes" at work and in partner or family violence. Items an
# institution adds to the instrument later get the default.
RISK_ODDS = {
    "escalada": (0.16, 0.35),
    "acceso_arma": (0.03, 0.12),
    "amenaza_muerte": (0.04, 0.15),
    "amenaza_con_arma": (0.008, 0.05),
    "estrangulamiento": (0.004, 0.05),
    "separacion": (0.04, 0.35),
    "sexo_forzado": (0.02, 0.1),
    "celos_control": (0.05, 0.45),
    "embarazo": (0.02, 0.04),
    "amenaza_hijas_hijos": (0.01, 0.15),
    "acecho": (0.12, 0.25),
    "creencia_de_ella": (0.03, 0.12),
    "incumplimiento_medidas": (0.02, 0.06),
    "amenaza_suicidio": (0.01, 0.06),
}
DEFAULT_RISK_ODDS = (0.03, 0.08)

# Protocol policy: how likely each way out of a stage is and how long it takes (median seconds,
# spread). Transitions of a protocol not listed here are taken with weight 1 after ~5 days.
DELAYS = {
    "registrar_formato_unico": (2 * HOUR, 1.2),
    "turnar_al_comite": (6 * HOUR, 1.0),
    "no_activar": (8 * HOUR, 0.9),
    "activar_protocolo": (8 * HOUR, 0.9),
    "turnar_al_oic": (3 * DAY, 0.8),
    "seguir_sin_oic": (4 * DAY, 0.8),
    "concluir_investigacion": (38 * DAY, 0.35),
    "sancion_administrativa": (12 * DAY, 0.6),
    "no_responsabilidad": (12 * DAY, 0.6),
    "cerrar_caso": (60 * DAY, 0.6),
    "retirar_solicitud": (20 * HOUR, 1.0),
    "retirar_solicitud_registrada": (5 * DAY, 1.0),
}
DEFAULT_DELAY = (5 * DAY, 0.8)
P_SLOW, P_SLOW_FACTOR = 0.06, 8
SWEEP = HOUR  # run_deadlines runs at least hourly: an overdue item is flagged within the hour
P_CLOSED = 0.88  # a concluded procedure's case is closed (the rest await the team)
REFERRAL_OUTCOMES = weighted(
    [
        ("stay_proposed", 8),
        ("declined_early", 5),
        ("stay_sent", 6),
        ("stay_received", 8),
        ("attended", 58),
        ("rejected", 4),
        ("no_answer", 6),
        ("late_answer", 3),
        ("declined", 2),
    ]
)
MEASURE_KINDS_ACCUSED = weighted(
    [
        ("no_contacto", 30),
        ("reubicacion_agresor", 25),
        ("cambio_unidad", 15),
        ("suspension_temporal", 5),
        ("cambio_horario", 10),
    ]
)
MEASURE_KINDS_HER = weighted(
    [
        ("atencion_psicologica", 40),
        ("asesoria_juridica", 30),
        ("trabajo_a_distancia", 15),
        ("cambio_horario", 15),
    ]
)
MOVING_KINDS = frozenset(
    {
        "reubicacion_agresor",
        "cambio_unidad",
        "cambio_horario",
        "suspension_temporal",
        "trabajo_a_distancia",
        "otra",
    }
)
SANCTIONS = ("amonestacion_privada", "amonestacion_publica", "suspension", "destitucion")
SHARED_ITEMS = tuple(str(item) for item in SharedItem.values)

# AgeRange.for_age for every age the generator draws, looked up instead of computed.
AGE_RANGE_OF = tuple(AgeRange.for_age(age).value for age in range(121))


def json_text(value: object) -> str:
    # What Django's JSONField sends (json.dumps with the default separators).
    if not value and isinstance(value, list):
        return "[]"
    return json.dumps(value, ensure_ascii=False)


NORMALIZED_WORDS = {
    word: normalize_name(word) for word in (*texts.AFFECTED_WORDS, *texts.ACCUSED_WORDS)
}
NORMALIZED_SUFFIX = normalize_name(texts.PSEUDONYM_SUFFIX)
NORMALIZED_UNKNOWN = normalize_name(texts.UNKNOWN_ACCUSED)
