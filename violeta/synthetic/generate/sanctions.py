"""The internal procedure against a public servant accused: comité, measures, resolution."""

from __future__ import annotations

from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.generate.base import GeneratorBase, Story
from violeta.synthetic.generate.distributions import (
    EMPTY,
    L_COMITE,
    L_MEASURE,
    L_MEMBER,
    L_PROCEDURE,
    L_RESOLUTION,
    MEASURE_KINDS_ACCUSED,
    MEASURE_KINDS_HER,
    MOVING_KINDS,
    SANCTIONS,
    N,
    json_text,
)
from violeta.synthetic.world import DAY, HOUR


class Sanctions(GeneratorBase):
    """The comité's procedure, its session, the measures voted and the resolution."""

    def sanction(self, c: Story) -> None:
        """``sanctions.services``: the procedure against a public servant accused, once the
        case reached the comité with her consent; its first session, the measures voted and,
        when the OIC resolved, the resolution."""
        rng = self.rng
        w = self.w
        turned = c.stage_times.get("turnar_al_comite")
        accused = next((a for a in c.accused if a[1]), None)
        if turned is None or accused is None or not c.comite_ok or rng.random() > 0.8:
            return
        activated = c.stage_times.get("activar_protocolo")
        declined = c.stage_times.get("no_activar")
        decided = activated or declined
        window_end = decided if decided is not None else min(w.now, self.after(turned, (DAY, 0.5)))
        if window_end <= turned + 60:
            return
        # Opened, convened, held and voted while the case is at the comité, before it decides.
        span = window_end - turned
        opened = turned + span // 6
        held = turned + span // 3
        if opened > w.now:
            return
        autoridad = self.one(w.staff.autoridad)
        investigation = c.stage_times.get("turnar_al_oic")
        sanctioned = c.stage_times.get("sancion_administrativa")
        cleared = c.stage_times.get("no_responsabilidad")
        resolved_at = sanctioned or cleared
        if resolved_at is not None and c.stage == "cierre":
            status = "concluido"
        elif resolved_at is not None:
            status = "resuelto"
        else:
            status = "abierto"
        notified = None
        response_due = None
        if investigation is not None:
            notified = self.after(investigation, (2 * DAY, 0.6))
            if notified > w.now:
                notified = None
            else:
                response_due = self.cal.business_due(notified, 10)
        allegations = self.one(texts.ALLEGATIONS)
        procedure, key, tokens = self.record(
            L_PROCEDURE, opened, self.aad_procedure, [allegations.encode()]
        )
        self.out[t.PROCEDURE].append(
            f"{procedure}\t{key}\t{c.hex}\t{accused[0]}\t{tokens[0]}\t{status}\t{autoridad}\t"
            f"{self.ts(opened)}\t{N}\t{self.tsn(notified)}\t"
            f"{N if response_due is None else self.cal.ts_end_of_day(response_due)}"
        )
        session_held = held <= w.now and decided is not None
        agreements = self.one(texts.COMITE_AGREEMENTS) if session_held else ""
        members = w.staff.comite
        quorum = len(members) // 2 + 1
        session, skey, stokens = self.record(
            L_COMITE, opened, self.aad_comite, [agreements.encode()]
        )
        self.out[t.COMITE_SESSION].append(
            f"{session}\t{skey}\t{procedure}\t1\t{self.ts(held)}\t{self.one(texts.COMITE_PLACES)}\t"
            f"{autoridad}\t{self.ts(opened)}\t{'celebrada' if session_held else 'convocada'}\t"
            f"{self.tsn(held if session_held else None)}\t{quorum}\t{stokens[0]}"
        )
        party_codes = {self.dependencia_code.get(c.dependencia, "")}
        if accused[4] is not None:
            party_codes.add(self.dependencia_code.get(accused[4], ""))
        voters = []
        present_count = 0
        for member_id, _user, code in members:
            excuse = "misma_cadena" if code in party_codes else ""
            present = N
            if session_held:
                is_present = present_count < quorum + 1 or rng.random() < 0.85
                present = "t" if is_present else "f"
                if is_present and not excuse:
                    present_count += 1
            mk, mkey, mtokens = self.record(L_MEMBER, opened, self.aad_member, [EMPTY])
            self.out[t.SESSION_MEMBER].append(
                f"{mk}\t{mkey}\t{session}\t{member_id}\t{present}\t{excuse}\t{mtokens[0]}"
            )
            if present == "t" and not excuse:
                voters.append(mk)
        if session_held and voters:
            assert decided is not None  # noqa: S101 - a held session has a decision after it
            self.measures(
                c, procedure, session, held, voters, approved=activated is not None, before=decided
            )
        if resolved_at is not None:
            concluded = c.stage_times.get("concluir_investigacion", turned)
            self.resolution(c, procedure, resolved_at, concluded, sanctioned is not None)

    def measures(
        self,
        c: Story,
        procedure: str,
        session: str,
        held: int,
        voters: list[str],
        *,
        approved: bool,
        before: int,
    ) -> None:
        """Measures proposed and voted in the session, all before the comité's decision at
        ``before`` (an approved measure is what lets the protocol be activated)."""
        rng = self.rng
        w = self.w
        cal = self.cal
        count = self.one((1, 1, 2, 2, 3)) if approved else (1 if rng.random() < 0.3 else 0)
        proposer = self.one(w.staff.autoridad)
        today = cal.local_day(w.now)
        for _ in range(count):
            if rng.random() < 0.75:
                kind, subject = self.pick(MEASURE_KINDS_ACCUSED), "presunto_agresor"
            else:
                kind, subject = self.pick(MEASURE_KINDS_HER), "persona_afectada"
            room = max(3, (before - held) // 3)
            proposed = held + 1 + self.below(room)
            consent_at = None
            if subject == "persona_afectada" and kind in MOVING_KINDS:
                consent_at = proposed + 1 + self.below(room // 2)
            voted = proposed + room
            start_day = cal.local_day(held)
            # Measures last while the procedure runs: from two months to a year.
            end_day = start_day + self.between(60, 365)
            if approved:
                unanimous = rng.random() < 0.7 or len(voters) < 3
                result = "unanimidad" if unanimous else "mayoria"
                # Past its end a measure is usually marked concluded; some are left as they were.
                status = "aprobada" if end_day >= today or rng.random() < 0.2 else "concluida"
                choices = ["a_favor"] * len(voters)
                if not unanimous:
                    choices[-1] = self.one(("en_contra", "abstencion"))
            else:
                result, status = "rechazada", "rechazada"
                choices = ["en_contra"] * len(voters)
                if len(voters) >= 3:
                    choices[0] = "a_favor"
            detail = self.one(texts.MEASURE_DETAILS)
            measure, key, tokens = self.record(
                L_MEASURE, proposed, self.aad_measure, [detail.encode()]
            )
            her_by = self.worker(c, consent_at) if consent_at is not None else None
            self.out[t.MEASURE].append(
                f"{measure}\t{key}\t{procedure}\t{session}\t{kind}\t{subject}\t{tokens[0]}\t"
                f"{self.one(texts.MEASURE_RESPONSIBLES)}\t{cal.date_text(start_day)}\t"
                f"{cal.date_text(end_day)}\t{status}\t{result}\t{self.tsn(consent_at)}\t"
                f"{N if her_by is None else her_by}\t{N}\t{N}\t{proposer}\t{self.ts(proposed)}"
            )
            rows = self.out[t.VOTE]
            for member, choice in zip(voters, choices, strict=True):
                rows.append(f"{measure}\t{member}\t{choice}\t{proposer}\t{self.ts(voted)}")

    def resolution(
        self, c: Story, procedure: str, moment: int, concluded: int, sanctioned: bool
    ) -> None:
        rng = self.rng
        w = self.w
        outcome = "sancion" if sanctioned else "no_responsabilidad"
        chosen: list[str] = [self.one(SANCTIONS)] if sanctioned else []
        days = str(self.one((3, 5, 10, 15))) if "suspension" in chosen else N
        vista = "posible_delito" in c.facts and rng.random() < 0.6
        grounds = self.one(texts.RESOLUTION_GROUNDS[outcome])
        note = texts.VISTA_MP_NOTES[0 if vista else 1]
        resolved = max(concluded + 1, moment - self.below(6 * HOUR))
        her = self.after(resolved, (2 * DAY, 0.6))
        him = self.after(resolved, (2 * DAY, 0.6))
        notified_her = her if her <= w.now else None
        notified_him = him if him <= w.now else None
        appeal_due = None
        appeal_filed = None
        if notified_him is not None:
            appeal_due = self.cal.business_due(notified_him, 15)
            if rng.random() < 0.1:
                filed = self.after(notified_him, (7 * DAY, 0.4))
                appeal_filed = filed if filed <= min(w.now, appeal_due) else None
        pk, key, tokens = self.record(
            L_RESOLUTION, resolved, self.aad_resolution, [grounds.encode(), note.encode()]
        )
        self.out[t.RESOLUTION].append(
            f"{pk}\t{key}\t{procedure}\t{outcome}\t{json_text(chosen)}\t{days}\t{tokens[0]}\t"
            f"{'t' if vista else 'f'}\t{tokens[1]}\t{self.one(w.staff.autoridad)}\t"
            f"{self.ts(resolved)}\t{self.tsn(notified_her)}\t{self.tsn(notified_him)}\t"
            f"{N if appeal_due is None else self.cal.ts_end_of_day(appeal_due)}\t"
            f"{self.tsn(appeal_filed)}"
        )
