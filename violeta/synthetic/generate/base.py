"""What the parts of one case share: its story so far, the chunk's random generator and
output, and the helpers that make ids, moments, encrypted records and protocol tasks."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from typing import Any

from violeta.accounts.roles import Role
from violeta.synthetic import tables as t
from violeta.synthetic.generate.distributions import (
    L_CASE,
    L_COMITE,
    L_GUIDELINE,
    L_INCIDENT,
    L_MEASURE,
    L_MEMBER,
    L_PARTY,
    L_PROCEDURE,
    L_REFERRAL,
    L_REFERRAL_EVENT,
    L_RESOLUTION,
    L_RISK,
    L_SESSION,
    L_STATUS,
    NORMAL_QUANTILES,
    NORMAL_SIZE,
    PARTY_FIELDS,
    SWEEP,
    UUID4_BITS,
    UUID4_MASK,
    N,
    weighted,
)
from violeta.synthetic.sealer import Sealer
from violeta.synthetic.world import World


class Story:
    """What the parts of one case need to know about each other (times are UTC seconds)."""

    __slots__ = (
        "accused",
        "affected",
        "affected_party",
        "assigned",
        "assignment_rows",
        "closed_at",
        "comite_at",
        "comite_ok",
        "dependencia",
        "dependencia_code",
        "end",
        "facts",
        "first_forward",
        "hex",
        "id",
        "minor",
        "modalities",
        "needs_interpreter",
        "next_deadline",
        "registrant",
        "registrant_role",
        "risk_level",
        "run_id",
        "setting",
        "stage",
        "stage_times",
        "t0",
        "taken_at",
        "types",
        "workplace",
    )
    # (party id, is a public servant, relationship, hierarchy, dependencia id)
    accused: list[tuple[str, bool, str, str, int | None]]
    affected: dict[str, Any]
    affected_party: str
    # (atención user id, since when): who attends her
    assigned: list[tuple[int, int]]
    # Her assignments' rows but their last column (the case's next deadline while active),
    # written once the protocol has set it: (row, is active)
    assignment_rows: list[tuple[str, bool]]
    closed_at: int | None
    comite_at: int | None
    comite_ok: bool
    dependencia: int
    dependencia_code: str
    end: int  # nothing happens to the case after this (closure, or now)
    facts: set[str]
    first_forward: int | None
    hex: str
    id: str
    minor: bool
    modalities: set[str]
    needs_interpreter: bool
    next_deadline: str  # COPY text of the earliest unmet deadline, or N
    registrant: int
    registrant_role: str
    risk_level: str
    run_id: int
    setting: str  # work, partner, family or street
    stage: str
    stage_times: dict[str, int]
    t0: int
    taken_at: int | None
    types: set[str]
    workplace: bool


class GeneratorBase:
    """The chunk's state and the small helpers every part of a case uses."""

    def __init__(
        self,
        world: World,
        sealer: Sealer,
        *,
        chunk: int,
        folio_base: dict[int, int],
        run_id_base: int,
    ) -> None:
        self.w = world
        self.sealer = sealer
        # Synthetic data, not secrets: keys and nonces come from os.urandom (sealer).
        self.rng = random.Random(f"{world.seed}:{chunk}")  # noqa: S311
        self.folio_base = folio_base
        self.run_id_base = run_id_base
        self.out: dict[str, list[str]] = {name: [] for name in t.ROW_COLUMNS}
        self.keys_append = self.out[t.DATAKEY].append
        self.kek_id = sealer.kek_id
        self.ts = world.calendar.formatter()
        cal = world.calendar
        self.cal = cal
        staff = world.staff
        self.atencion_by_specialty: dict[str, list[int]] = {}
        for user, specialty in staff.atencion:
            self.atencion_by_specialty.setdefault(specialty, []).append(user)
        self.specialty_of = dict(staff.atencion)
        seal = sealer.aad_prefix
        self.aad_case = [seal(L_CASE, "account")]
        self.aad_party = [seal(L_PARTY, field) for field in PARTY_FIELDS]
        self.aad_incident = [seal(L_INCIDENT, "place")]
        self.aad_guideline = [seal(L_GUIDELINE, "note")]
        self.aad_session = [seal(L_SESSION, "notes")]
        self.aad_status = [seal(L_STATUS, "note")]
        self.aad_risk = [seal(L_RISK, "raise_reason")]
        self.aad_referral = [seal(L_REFERRAL, "reason"), seal(L_REFERRAL, "contact_person")]
        self.aad_referral_event = [seal(L_REFERRAL_EVENT, "note")]
        self.aad_procedure = [seal(L_PROCEDURE, "allegations")]
        self.aad_comite = [seal(L_COMITE, "agreements")]
        self.aad_member = [seal(L_MEMBER, "excuse_note")]
        self.aad_measure = [seal(L_MEASURE, "detail")]
        self.aad_resolution = [seal(L_RESOLUTION, "grounds"), seal(L_RESOLUTION, "vista_mp_note")]
        self.risk_cache: dict[int, tuple[str, int, str]] = {}
        self.dependencia_code = {pk: code for pk, code, _imm in world.dependencias}
        # Workplace cases happen in the dependencias other than the IMM (weighted by size);
        # community cases reach the IMM, some through the DIF.
        weights = dict(zip(world.dependencias, world.dependencia_weights, strict=True))
        outside = [d for d in world.dependencias if not d[2]] or list(world.dependencias)
        self.workplaces = weighted([((d[0], d[1]), weights[d]) for d in outside])
        self.dif = next(((d[0], d[1]) for d in world.dependencias if d[1] == "dif_municipal"), None)

    # --- Small helpers -----------------------------------------------------------------------

    def uid(self) -> str:
        return f"{self.rng.getrandbits(128) & UUID4_MASK | UUID4_BITS:032x}"

    def one(self, options: Sequence[Any]) -> Any:
        return options[int(self.rng.random() * len(options))]

    def below(self, n: int) -> int:
        return int(self.rng.random() * n)

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def pick(self, table: tuple[tuple[Any, ...], tuple[float, ...]]) -> Any:
        values, cum = table
        return values[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def after(self, start: int, spec: tuple[int, float]) -> int:
        """A moment after ``start``: a log-normal delay with the given median and spread."""
        median, sigma = spec
        z = NORMAL_QUANTILES[int(self.rng.random() * NORMAL_SIZE)]
        return start + 1 + int(median * math.exp(sigma * z))

    def record(
        self,
        label: str,
        created: int,
        aads: Sequence[bytes],
        values: Sequence[bytes],
        pk: str | None = None,
    ) -> tuple[str, str, list[str]]:
        """A new encrypted record: (its id, its data key's id, the stored field values)."""
        bits = self.rng.getrandbits
        if pk is None:
            pk = f"{bits(128) & UUID4_MASK | UUID4_BITS:032x}"
        key_int = bits(128) & UUID4_MASK | UUID4_BITS
        key = f"{key_int:032x}"
        wrapped, tokens = self.sealer.seal_record(
            key_int.to_bytes(16, "big"),
            f"{pk[:8]}-{pk[8:12]}-{pk[12:16]}-{pk[16:20]}-{pk[20:]}".encode(),
            aads,
            values,
        )
        self.keys_append(
            f"{key}\t{self.kek_id}\t\\\\x{wrapped.hex()}\t{label}\t{self.ts(created)}\t{N}"
        )
        return pk, key, tokens

    def tsn(self, moment: int | None) -> str:
        return N if moment is None else self.ts(moment)

    def due_text(self, due: int, end_of_day: bool) -> str:
        return self.cal.ts_end_of_day(due) if end_of_day else self.ts(due)

    def flagged(self, due: int, done: int | None, created: int) -> int | None:
        """When run_deadlines flagged an item created at ``created``, due at ``due`` and done
        at ``done`` (if ever): at the first sweep after both."""
        flag = max(due, created) + 1 + self.below(SWEEP)
        if flag > self.w.now:
            return None
        if done is not None and done <= flag:
            return None
        return flag

    def worker(self, c: Story, moment: int) -> int:
        """Someone from atención attending her at ``moment``, else coordinación."""
        for user, since in c.assigned:
            if since <= moment:
                return user
        return self.one(self.w.staff.coordinacion)

    def actor(self, c: Story, roles: Sequence[str], moment: int) -> tuple[int, str]:
        staff = self.w.staff
        if Role.ATENCION in roles and c.assigned and c.assigned[0][1] <= moment:
            return self.worker(c, moment), Role.ATENCION
        if Role.COORDINACION in roles:
            return self.one(staff.coordinacion), Role.COORDINACION
        if Role.AUTORIDAD in roles:
            return self.one(staff.autoridad), Role.AUTORIDAD
        if Role.ATENCION in roles:
            return self.one(staff.atencion)[0], Role.ATENCION
        if Role.ENLACE in roles and c.dependencia in staff.enlace:
            return staff.enlace[c.dependencia], Role.ENLACE
        return self.one(staff.coordinacion), Role.COORDINACION

    def task(
        self,
        run: int,
        code: str,
        role: str,
        label_es: str,
        label_en: str,
        due: int | None,
        end_of_day: bool,
        created: int,
        done: int | None,
    ) -> None:
        flag = None if due is None else self.flagged(due, done, created)
        self.out[t.RUN_TASK].append(
            f"{run}\t{code}\t{role}\t{label_es}\t{label_en}\t"
            f"{N if due is None else self.due_text(due, end_of_day)}\t{self.ts(created)}\t"
            f"{self.tsn(done)}\t{self.tsn(flag)}"
        )
