"""Attention after intake: sessions, the risk assessment with its tasks, and referrals."""

from __future__ import annotations

from typing import Any

from violeta.accounts.roles import Role
from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.generate.base import GeneratorBase, Story
from violeta.synthetic.generate.distributions import (
    DEFAULT_RISK_ODDS,
    L_REFERRAL,
    L_REFERRAL_EVENT,
    L_RISK,
    L_SESSION,
    MODES,
    REFERRAL_OUTCOMES,
    RISK_ODDS,
    SESSION_LIMITS,
    SHARED_ITEMS,
    N,
    json_text,
)
from violeta.synthetic.world import DAY, HOUR


class Care(GeneratorBase):
    """Attention sessions, the risk assessment and referrals."""

    def sessions(self, c: Story) -> None:
        rng = self.rng
        end = c.end
        ts = self.ts
        rows = self.out[t.SESSION]
        for user, since in c.assigned:
            if rng.random() > 0.8:
                continue
            service = self.specialty_of[user]
            limit = SESSION_LIMITS.get(service, 3)
            held = self.after(since, (30 * HOUR, 1.0))
            times: list[int] = []
            while held <= end and len(times) < limit:
                times.append(held)
                held = self.after(held, (14 * DAY, 0.4))
            notes = texts.SESSION_NOTES.get(service, texts.SESSION_NOTES["psicologia"])
            for n, moment in enumerate(times):
                if n + 1 < len(times):
                    next_at: int | None = times[n + 1]
                elif c.closed_at is None and held - self.w.now < 21 * DAY:
                    next_at = held if held > self.w.now else None
                else:
                    next_at = None
                note = self.one(notes)
                created = min(moment + 600 + self.below(3 * HOUR), self.w.now)
                pk, key, tokens = self.record(L_SESSION, created, self.aad_session, [note.encode()])
                rows.append(
                    f"{pk}\t{key}\t{c.hex}\t{service}\t{ts(moment)}\t{self.pick(MODES)}\t"
                    f"{'t' if c.needs_interpreter and rng.random() < 0.9 else 'f'}\t{tokens[0]}\t"
                    f"{self.tsn(next_at)}\t{user}\t{ts(created)}"
                )

    def risk(self, c: Story) -> None:
        """``detection.services.risk_assess``: the instrument's answers and level, and the
        tasks its level makes mandatory on the protocol run."""
        rng = self.rng
        w = self.w
        if not c.assigned or rng.random() > 0.9:
            c.risk_level = ""
            return
        user, since = c.assigned[0]
        assessed = self.after(since, (20 * HOUR, 1.0))
        if assessed > c.end:
            return
        instrument = w.instrument
        partner = 1 if c.setting in ("partner", "family") else 0
        mask = 0
        for bit, (code, _weight, _critical) in enumerate(instrument.items):
            if rng.random() < RISK_ODDS.get(code, DEFAULT_RISK_ODDS)[partner]:
                mask |= 1 << bit
        cached = self.risk_cache.get(mask)
        if cached is None:
            answers = {
                code: bool(mask >> bit & 1) for bit, (code, _w, _c) in enumerate(instrument.items)
            }
            score = sum(
                weight
                for bit, (_code, weight, _c) in enumerate(instrument.items)
                if mask >> bit & 1
            )
            level = next(
                lv.code
                for lv in instrument.levels
                if score >= lv.min_score and (lv.max_score is None or score <= lv.max_score)
            )
            critical = any(
                crit and mask >> bit & 1 for bit, (_c, _w, crit) in enumerate(instrument.items)
            )
            codes = [lv.code for lv in instrument.levels]
            if critical and codes.index(level) < codes.index(instrument.critical_floor):
                level = instrument.critical_floor
            cached = (json_text(answers), score, level)
            self.risk_cache[mask] = cached
        answers_json, score, computed = cached
        level = computed
        codes = [lv.code for lv in instrument.levels]
        raised = rng.random() < 0.03 and codes.index(computed) + 1 < len(codes)
        if raised:
            level = codes[codes.index(computed) + 1]
        reason = self.one(texts.RAISE_REASONS) if raised else ""
        pk, key, tokens = self.record(L_RISK, assessed, self.aad_risk, [reason.encode()])
        self.out[t.RISK].append(
            f"{pk}\t{key}\t{c.hex}\t{instrument.code}\t{instrument.version}\t{answers_json}\t"
            f"{score}\t{computed}\t{level}\t{'t' if raised else 'f'}\t{tokens[0]}\t\t{user}\t"
            f"{self.ts(assessed)}"
        )
        c.risk_level = level
        spec = next(lv for lv in instrument.levels if lv.code == level)
        for code, label_es, label_en, hours in spec.tasks:
            due = assessed + hours * HOUR
            roll = rng.random()
            if roll < 0.8:
                done: int | None = assessed + int(hours * HOUR * (0.15 + 0.8 * rng.random()))
            elif roll < 0.92:
                done = due + self.after(0, (2 * DAY, 1.0))
            else:
                done = None
            if done is not None and done > w.now:
                done = None
            self.task(c.run_id, code, Role.ATENCION, label_es, label_en, due, False, assessed, done)

    def referral_plan(self, c: Story) -> list[tuple[str, str, str, bool, str]]:
        """Which referrals this case gets: (rule code, institution, service, mandatory,
        reason). Rules are the recommendation rules' own; a few are proposed by hand."""
        rng = self.rng
        rules = self.w.referral_rules
        wanted = []
        if c.minor:
            wanted += ["nna_procuraduria", "nna_fiscalia"]
        else:
            if c.risk_level in ("alto", "extremo") and rng.random() < 0.7:
                wanted.append("riesgo_alto_cejum")
            if "posible_delito" in c.facts:
                roll = rng.random()
                if roll < 0.22:
                    wanted.append("denuncia_fiscalia")
                elif roll < 0.42:
                    wanted.append("asesoria_sin_denuncia")
                elif roll < 0.47:
                    wanted.append("victima_ceave")
            if c.workplace and rng.random() < 0.12:
                wanted.append("laboral_cavim")
            if "institucional" in c.modalities and rng.random() < 0.4:
                wanted.append("institucional_cedh")
        plan = []
        for code in wanted[:3]:
            rule = rules.get(code)
            if rule is None:
                continue
            institution, service, mandatory, _guideline, reason = rule
            found = self.w.institutions.get(institution)
            if found is not None and service in found.handles:
                plan.append((code, institution, service, mandatory, reason))
        if not plan and rng.random() < 0.08:
            for institution, service in (
                ("cejum", "atencion_psicologica"),
                ("ichmujeres_cavim", "asesoria_juridica"),
            ):
                found = self.w.institutions.get(institution)
                if found is not None and service in found.handles:
                    plan.append(("", institution, service, False, self.one(texts.REFERRAL_REASONS)))
                    break
        return plan

    def referrals(self, c: Story) -> None:
        if not c.assigned:
            return
        plan = self.referral_plan(c)
        if not plan:
            return
        rng = self.rng
        out = self.out
        start = c.assigned[0][1]
        worker = c.assigned[0][0]
        wish = (
            "si"
            if any(p[0] == "denuncia_fiscalia" for p in plan)
            else self.one(("no", "no_sabe", "si"))
        )
        residence = (
            "municipio"
            if rng.random() < 0.85
            else self.one(("otro_municipio", "otro_estado", "no_dice"))
        )
        wished = self.after(start, (HOUR, 1.0))
        if wished > c.end:
            return
        out[t.WISHES].append(f"{c.hex}\t{wish}\t{residence}\t{worker}\t{self.ts(wished)}")
        for rule_code, institution_code, service, mandatory, reason in plan:
            proposed = self.after(wished, (DAY if not mandatory else 2 * HOUR, 1.0))
            if proposed > c.end:
                continue
            self.referral(
                c, worker, rule_code, institution_code, service, mandatory, reason, proposed
            )

    def referral(
        self,
        c: Story,
        worker: int,
        rule_code: str,
        institution_code: str,
        service: str,
        mandatory: bool,
        reason: str,
        proposed: int,
    ) -> None:
        rng = self.rng
        w = self.w
        institution = w.institutions[institution_code]
        outcome = self.pick(REFERRAL_OUTCOMES)
        if mandatory and outcome in ("stay_proposed", "declined_early", "declined"):
            outcome = "attended"
        # A closed case has a result for every referral (the closure checklist asks for it).
        settled = c.closed_at is not None
        if settled and outcome in ("stay_proposed", "stay_sent", "stay_received", "no_answer"):
            outcome = "attended"
        # (status, moment, note) after the proposal, in order.
        steps: list[tuple[str, str]] = []
        if outcome == "declined_early":
            steps = [("declinada", "")]
        elif outcome != "stay_proposed":
            steps = [("enviada", "")]
            if outcome == "stay_received":
                steps.append(("recibida", ""))
            elif outcome == "attended":
                if rng.random() < 0.7:
                    steps.append(("recibida", ""))
                steps.append(("atendida", ""))
            elif outcome == "rejected":
                steps.append(("rechazada", self.one(texts.REFERRAL_REJECTED_NOTES)))
            elif outcome == "no_answer":
                steps.append(("sin_respuesta", ""))
            elif outcome == "late_answer":
                steps += [("sin_respuesta", ""), ("recibida", ""), ("atendida", "")]
            elif outcome == "declined":
                steps.append(("declinada", ""))
        status = "propuesta"
        moment = proposed
        timeline: list[tuple[str, str, int, str]] = [("", "propuesta", proposed, "")]
        sent = received = attended = closed = None
        for to, note in steps:
            delay = (2 * HOUR, 1.0) if to == "enviada" else (4 * DAY, 0.9)
            nxt = self.after(moment, delay)
            if nxt > c.end:
                if not settled:
                    break
                nxt = min(c.end, moment + max(1, (c.end - moment) // 2))
            timeline.append((status, to, nxt, note))
            status, moment = to, nxt
            if to == "enviada":
                sent = nxt
            elif to == "recibida":
                received = nxt
            elif to == "atendida":
                attended = nxt
                received = received or nxt
            if to in ("atendida", "rechazada", "declinada"):
                closed = nxt
        shared = "[]"
        if sent is not None:
            scope = [item for item in SHARED_ITEMS if item != "relato" or rng.random() < 0.4]
            shared = json_text(scope)
            decided = proposed + (sent - proposed) // 2
            self.out[t.CONSENT].append(
                f"{c.hex}\tcanalizacion\t{institution.id}\tt\t{shared}\t{self.ts(decided)}\t{worker}"
            )
        contact = self.one(texts.REFERRAL_CONTACTS) if received and rng.random() < 0.3 else ""
        pk_hex, key, tokens = self.record(
            L_REFERRAL, proposed, self.aad_referral, [reason.encode(), contact.encode()]
        )
        self.out[t.REFERRAL].append(
            f"{pk_hex}\t{key}\t{c.hex}\t{institution.id}\t{service}\t{rule_code}\t"
            f"{'t' if mandatory else 'f'}\t{tokens[0]}\t{status}\t{tokens[1]}\t{N}\t{shared}\t"
            f"{worker}\t{self.ts(proposed)}\t{self.tsn(sent)}\t{self.tsn(received)}\t"
            f"{self.tsn(attended)}\t{self.tsn(closed)}"
        )
        for position, (frm, to, at, note) in enumerate(timeline):
            ek, ekey, etokens = self.record(
                L_REFERRAL_EVENT, at, self.aad_referral_event, [note.encode()]
            )
            self.out[t.REFERRAL_EVENT].append(
                f"{ek}\t{ekey}\t{pk_hex}\t{position}\t{frm}\t{to}\t{worker}\t{self.ts(at)}\t{etokens[0]}"
            )
        self.referral_tasks(c, institution, pk_hex, timeline)

    def referral_tasks(
        self, c: Story, institution: Any, pk_hex: str, timeline: list[tuple[str, str, int, str]]
    ) -> None:
        """``referrals.services._follow_up``: sending opens "confirm receipt" (3 días hábiles),
        receipt opens "confirm attention" (10); later statuses settle them."""
        name = institution.short_name or institution.name_es
        name_en = institution.short_name or institution.name_en or name
        receipt: list[Any] | None = None
        attention: list[Any] | None = None
        opened: list[list[Any]] = []
        for _frm, to, at, _note in timeline[1:]:
            if to == "enviada":
                receipt = [f"canalizacion:recepcion:{pk_hex}",
                           f"Confirmar que {name} recibió la canalización",
                           f"Confirm that {name_en} received the referral",
                           self.cal.business_due(at, 3), at, None]  # fmt: skip
                opened.append(receipt)
            elif to == "recibida":
                if receipt is not None and receipt[5] is None:
                    receipt[5] = at
                attention = [f"canalizacion:atencion:{pk_hex}",
                             f"Confirmar que {name} la atendió",
                             f"Confirm that {name_en} attended her",
                             self.cal.business_due(at, 10), at, None]  # fmt: skip
                opened.append(attention)
            else:
                for task in (receipt, attention):
                    if task is not None and task[5] is None:
                        task[5] = at
        for code, label_es, label_en, due, created, done in opened:
            self.task(c.run_id, code, Role.ATENCION, label_es, label_en, due, True, created, done)
