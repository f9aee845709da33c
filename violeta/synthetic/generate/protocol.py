"""The protocol run, step by step as ``protocols.services`` writes it, and what depends on it:
closure and the guideline checklist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from violeta.accounts.roles import Role
from violeta.cases.guidelines import CRIME_MODALITIES, CRIME_TYPES
from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.generate.base import GeneratorBase, Story
from violeta.synthetic.generate.distributions import (
    DEFAULT_DELAY,
    DELAYS,
    INDIGENOUS,
    L_GUIDELINE,
    L_STATUS,
    LGBTI_IDENTITIES,
    P_CLOSED,
    P_SLOW,
    P_SLOW_FACTOR,
    N,
    json_text,
)
from violeta.synthetic.world import DAY, HOUR, Transition


class Protocol(GeneratorBase):
    """The run, its deadlines and tasks, closure, and the guideline checklist."""

    def choose(self, c: Story, options: Sequence[Transition]) -> Transition | None:
        """The way out of the current stage this case takes (None: it stays)."""
        rng = self.rng
        accused_servant = any(a[1] for a in c.accused)
        weights = []
        for option in options:
            if c.taken_at is None and Role.ENLACE not in option.roles:
                # Until the IMM takes the case only the enlace who registered it acts on it.
                weights.append(0.0)
                continue
            if "consent_comite" in option.facts and not c.comite_ok:
                weights.append(0.0)
                continue
            if "accused_is_public_servant" in option.facts and not accused_servant:
                weights.append(0.0)
                continue
            code = option.code
            if code == "registrar_formato_unico":
                weight = 96.0
            elif code == "retirar_solicitud":
                weight = 4.0
            elif code == "turnar_al_comite":
                weight = 93.0
            elif code == "retirar_solicitud_registrada":
                # Without her consent the comité cannot read her account: the request is
                # withdrawn (the delay leaves the recent ones waiting at registro).
                weight = 7.0 if c.comite_ok else 1.0
            elif code == "activar_protocolo":
                weight = 72.0 if c.workplace and accused_servant else 15.0
            elif code == "no_activar":
                weight = 28.0 if c.workplace and accused_servant else 85.0
            elif code == "turnar_al_oic":
                weight = 90.0
            elif code == "seguir_sin_oic":
                weight = 10.0
            elif code == "sancion_administrativa":
                weight = 55.0
            elif code == "no_responsabilidad":
                weight = 45.0
            else:
                weight = 0.2 if option.reason_required else 1.0
            weights.append(weight)
        total = sum(weights)
        if not total:
            # No way out (e.g. she never consented to the comité): she may still withdraw
            # later, or the case waits.
            return None
        roll = rng.random() * total
        for option, weight in zip(options, weights, strict=True):
            roll -= weight
            if roll < 0:
                return option
        return options[-1]

    def protocol(self, c: Story) -> None:
        """The run as the engine writes it: the start, then each transition with its history
        row, events, the deadline of the stage entered, tasks and checklist items."""
        w = self.w
        rng = self.rng
        proto = w.protocol
        out = self.out
        ts = self.ts
        run = c.run_id
        events: dict[str, int] = {}
        deadlines: list[list[Any]] = []  # [stage, due, end_of_day, met, created]
        tasks: list[tuple[str, str, str, str, int | None, bool, int]] = []
        # Her consent to share the account with the comité and the OIC (asked at intake in
        # most workplace cases; needed before the case is turned to the comité).
        c.comite_ok = rng.random() < (0.82 if c.workplace else 0.75)
        c.comite_at = c.t0 if rng.random() < 0.7 else None
        # Some teams fall behind: their steps take several times as long, and their
        # deadlines run out while the case waits.
        slowness = P_SLOW_FACTOR if rng.random() < P_SLOW else 1
        stage = proto.initial
        moment = c.t0
        revision = 0
        finished = None
        out[t.STAGE_CHANGE].append(f"{run}\t\t\t{stage}\t{c.registrant}\t{ts(moment)}\t")
        entered = {stage: moment}
        self.enter(run, stage, moment, events, deadlines)
        while stage not in proto.finals:
            option = self.choose(c, proto.outgoing.get(stage, ()))
            if option is None:
                break
            median, spread = DELAYS.get(option.code, DEFAULT_DELAY)
            nxt = self.after(moment, (median * slowness, spread))
            if c.taken_at is not None and nxt < c.taken_at and Role.ENLACE not in option.roles:
                nxt = self.after(c.taken_at, (2 * HOUR, 1.0))
            if "consent_comite" in option.facts and c.comite_at is None:
                # She agreed before the case was turned to the comité.
                c.comite_at = moment + (nxt - moment) // 2
            if nxt > w.now:
                break
            actor, _role = self.actor(c, option.roles, nxt)
            if not option.reason_required and c.first_forward is None:
                c.first_forward = nxt
            for item in option.checklist:
                resolver, _r = self.actor(c, option.roles, nxt)
                at = nxt - self.below(max(1, min(nxt - entered[stage], 2 * DAY)))
                out[t.CHECKLIST].append(f"{run}\t{stage}\t{item}\t{resolver}\t{ts(at)}")
            for deadline in deadlines:
                if deadline[0] == stage and deadline[3] is None:
                    deadline[3] = nxt
            reason = ""
            if option.reason_required:
                reason = self.one(
                    texts.STAGE_REASONS.get(option.code, (texts.GENERIC_STAGE_REASON,))
                )
            out[t.STAGE_CHANGE].append(
                f"{run}\t{option.code}\t{stage}\t{option.target}\t{actor}\t{ts(nxt)}\t{reason}"
            )
            for event in option.emits:
                events[event] = nxt
                out[t.RUN_EVENT].append(f"{run}\t{event}\t{ts(nxt)}")
            stage = option.target
            moment = nxt
            revision += 1
            entered[stage] = moment
            c.stage_times[option.code] = moment
            self.enter(run, stage, moment, events, deadlines)
            if stage in proto.finals:
                finished = moment
            for code, role, label_es, label_en, spec in option.tasks:
                due, eod = (None, False)
                if spec is not None:
                    due, eod = self.due_from(spec, events)
                tasks.append((code, role, label_es, label_en, due, eod, moment))
        c.stage = stage
        c.stage_times["@" + stage] = moment
        unmet: list[str] = []
        for stage_code, due, eod, met, created in deadlines:
            due_text = self.due_text(due, eod)
            if met is None:
                unmet.append(due_text)
            out[t.DEADLINE].append(
                f"{run}\t{stage_code}\t{due_text}\t{self.tsn(met)}\t"
                f"{self.tsn(self.flagged(due, met, created))}"
            )
        # UTC texts in one format ("…:SS+00", or "…:SS.999999+00" at the end of a day): the
        # smallest text is the earliest time.
        c.next_deadline = min(unmet) if unmet else t.NULL
        for code, role, label_es, label_en, due, eod, created in tasks:
            finished_task = self.after(created, (10 * HOUR, 1.0))
            done = finished_task if finished_task <= w.now else None
            self.task(run, code, role, label_es, label_en, due, eod, created, done)
        if finished is not None and rng.random() < P_CLOSED:
            closed = self.after(finished, (5 * DAY, 1.0))
            if closed <= w.now:
                c.closed_at = closed
                c.end = closed
                self.closure(c, stage, closed)
        out[t.RUN].append(
            f"{run}\t{proto.version_id}\t{w.subject_type}\t{c.id}\t{stage}\t{revision}\t"
            f"{ts(c.t0)}\t{self.tsn(finished)}"
        )

    def enter(
        self, run: int, stage: str, moment: int, events: dict[str, int], deadlines: list[list[Any]]
    ) -> None:
        code = "entered:" + stage
        events[code] = moment
        self.out[t.RUN_EVENT].append(f"{run}\t{code}\t{self.ts(moment)}")
        spec = self.w.protocol.deadlines.get(stage)
        if spec is not None:
            due, eod = self.due_from(spec, events)
            if due is not None:
                deadlines.append([stage, due, eod, None, moment])

    def due_from(
        self, spec: tuple[int, str, str], events: dict[str, int]
    ) -> tuple[int | None, bool]:
        """``protocols.services._due``: the deadline from the latest time of its event."""
        amount, unit, event = spec
        start = events.get(event)
        if start is None:
            return None, False
        if unit == "hours":
            return start + amount * HOUR, False
        cal = self.cal
        if unit == "calendar_days":
            return cal.end_of_day(cal.local_day(start) + amount), True
        return cal.business_due(start, amount), True

    def closure(self, c: Story, final_stage: str, closed: int) -> None:
        """``cases.services.closure.case_close``: a reason of the protocol, every checklist
        item confirmed, an encrypted note."""
        reasons = self.w.protocol.closure_reasons
        preferred = {
            "solicitud_retirada": ("decidio_no_continuar", "no_localizada"),
            "no_activacion": ("atencion_concluida", "canalizada_atendida", "decidio_no_continuar"),
            "cierre": ("procedimiento_concluido", "procedimiento_concluido", "atencion_concluida"),
        }.get(final_stage, ())
        choices = [code for code in preferred if code in reasons] or list(reasons)
        reason = self.one(choices) if choices else "atencion_concluida"
        note = self.one(texts.CLOSURE_NOTES)
        actor = self.actor(c, (Role.ATENCION, Role.COORDINACION), closed)[0]
        pk, key, tokens = self.record(L_STATUS, closed, self.aad_status, [note.encode()])
        self.out[t.STATUS_CHANGE].append(
            f"{pk}\t{key}\t{c.hex}\tcerrado\t{reason}\t"
            f"{json_text(list(self.w.protocol.closure_checklist))}\t{tokens[0]}\t{actor}\t"
            f"{self.ts(closed)}"
        )

    def guidelines(self, c: Story) -> None:
        """``cases.guidelines.case_facts`` on what was recorded at intake, and the checklist
        items that fired; blocking ones are resolved before the first step forward."""
        rng = self.rng
        a = c.affected
        facts = set()
        age_range = a["age_range"]
        if c.minor:
            facts.add("menor")
        if age_range == "0-11":
            facts.add("menor_de_12")
        if age_range == "60+":
            facts.add("adulta_mayor")
        language = a["language"]
        if a["indigenous"] or language in INDIGENOUS:
            facts.add("lengua_indigena")
        if language == "mfs":
            facts.add("lengua_de_senas")
        elif language not in INDIGENOUS and language != "es":
            facts.add("otra_lengua")
        if a["disabilities"]:
            facts.add("discapacidad")
        groups = a["groups"]
        if a["identity"] in LGBTI_IDENTITIES or "personas_lgbti" in groups:
            facts.add("lgbti")
        if "personas_migrantes" in groups:
            facts.add("migrante")
        if "mujeres_embarazadas" in groups:
            facts.add("embarazada")
        if "personas_adultas_mayores" in groups:
            facts.add("adulta_mayor")
        if "personas_indigenas" in groups:
            facts.add("lengua_indigena")
        if c.types & CRIME_TYPES or c.modalities & CRIME_MODALITIES:
            facts.add("posible_delito")
        c.facts = facts
        for code, when, blocks in self.w.guideline_rules:
            if not when <= facts:
                continue
            resolved = None
            if blocks and c.first_forward is not None:
                resolved = c.t0 + self.below(max(1, c.first_forward - c.t0))
            elif rng.random() < (0.6 if blocks else 0.5):
                candidate = self.after(c.t0, (2 * DAY, 1.0))
                if candidate <= min(self.w.now, c.end):
                    resolved = candidate
            if resolved is None:
                status, note, by = "pendiente", "", N
            elif rng.random() < 0.85:
                status, note = "cumplido", self.one(texts.GUIDELINE_DONE_NOTES)
                by = str(self.worker(c, resolved))
            else:
                status, note = "no_aplica", self.one(texts.GUIDELINE_NOT_APPLICABLE_NOTES)
                by = str(self.worker(c, resolved))
            pk, key, tokens = self.record(L_GUIDELINE, c.t0, self.aad_guideline, [note.encode()])
            self.out[t.GUIDELINE].append(
                f"{pk}\t{key}\t{c.hex}\t{code}\t{status}\t{self.ts(c.t0)}\t{tokens[0]}\t{by}\t"
                f"{self.tsn(resolved)}"
            )
