"""The people of a case and what happened to her, as intake records them; who attends her."""

from __future__ import annotations

from collections.abc import Sequence

from violeta.accounts.roles import Role
from violeta.crypto.blind_index import normalize_code
from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.generate.base import GeneratorBase, Story
from violeta.synthetic.generate.distributions import (
    AGE_BOUNDS,
    AGE_RANGE_OF,
    AGE_RANGES_COMMUNITY,
    AGE_RANGES_WORK,
    COMMUNITY_RELATIONSHIPS,
    DISABILITIES,
    HIERARCHIES,
    IDENTITIES,
    INCIDENT_COUNTS,
    INDIGENOUS,
    L_INCIDENT,
    L_PARTY,
    LANGUAGES,
    LGBTI_IDENTITIES,
    MINORS,
    MODALITY_BY_SETTING,
    NORMALIZED_SUFFIX,
    NORMALIZED_UNKNOWN,
    NORMALIZED_WORDS,
    PLACE_KINDS,
    SERVICES_FIRST,
    TYPE_ODDS,
    WORK_RELATIONSHIPS,
    N,
    json_text,
)
from violeta.synthetic.world import DAY, HOUR, MAX_INCIDENT_AGE_DAYS


class People(GeneratorBase):
    """Where and by whom the case was registered, her and the persona señalada, the incidents,
    and the team that attends her."""

    def origin(self, c: Story) -> None:
        w, rng = self.w, self.rng
        staff = w.staff
        if c.workplace:
            pk, code = self.pick(self.workplaces)
        else:
            pk = w.imm_id
            code = self.dependencia_code[pk]
            if self.dif is not None and rng.random() < 0.2:
                pk, code = self.dif
        c.dependencia, c.dependencia_code = pk, code
        roll = rng.random()
        if pk in staff.enlace and roll < 0.3:
            c.registrant, c.registrant_role = staff.enlace[pk], Role.ENLACE
        elif roll < 0.85:
            c.registrant, c.registrant_role = self.one(staff.atencion)[0], Role.ATENCION
        else:
            c.registrant, c.registrant_role = self.one(staff.coordinacion), Role.COORDINACION
        if c.registrant_role == Role.ENLACE:
            taken = self.after(c.t0, (18 * HOUR, 1.0))
            c.taken_at = taken if taken <= w.now else None
        else:
            c.taken_at = c.t0
        c.end = w.now
        c.closed_at = None
        c.assigned = []
        c.stage_times = {}
        c.first_forward = None
        c.comite_at = None
        c.risk_level = ""

    def parties(self, c: Story) -> None:
        rng = self.rng
        w = self.w
        age_range = self.pick(AGE_RANGES_WORK if c.workplace else AGE_RANGES_COMMUNITY)
        roll = rng.random()
        age: int | None = None
        if roll < 0.75:
            low, high = AGE_BOUNDS[age_range]
            exact = self.between(low, high)
            age, age_range = exact, AGE_RANGE_OF[exact]
        elif roll < 0.95:
            age = None
        else:
            age, age_range = None, ""
        c.minor = age_range in MINORS
        identity = self.pick(IDENTITIES)
        language = self.pick(LANGUAGES)
        c.needs_interpreter = language == "mfs" or (language != "es" and rng.random() < 0.85)
        disabilities: list[str] = []
        if rng.random() < 0.07:
            disabilities.append(self.pick(DISABILITIES))
            if rng.random() < 0.1:
                other = self.pick(DISABILITIES)
                if other not in disabilities:
                    disabilities.append(other)
        indigenous = language in INDIGENOUS or rng.random() < 0.02
        groups = []
        available = w.vulnerable_groups
        if c.minor and rng.random() < 0.8:
            groups.append("ninas_ninos_adolescentes")
        if indigenous and rng.random() < 0.5:
            groups.append("personas_indigenas")
        if disabilities and rng.random() < 0.5:
            groups.append("personas_discapacidad")
        if age_range == "60+" and rng.random() < 0.5:
            groups.append("personas_adultas_mayores")
        if identity in LGBTI_IDENTITIES and rng.random() < 0.6:
            groups.append("personas_lgbti")
        if rng.random() < 0.015:
            groups.append("personas_migrantes")
        if not c.minor and age_range not in ("60+", "45-59") and rng.random() < 0.03:
            groups.append("mujeres_embarazadas")
        groups = [g for g in groups if g in available]
        servant = c.workplace and rng.random() < 0.97
        c.affected = {
            "age_range": age_range,
            "identity": identity,
            "language": language,
            "disabilities": disabilities,
            "indigenous": indigenous,
            "groups": groups,
            "servant": servant,
        }
        c.affected_party = self.party(
            c,
            kind="persona_afectada",
            name_words=texts.AFFECTED_WORDS,
            servant=servant,
            dependencia=c.dependencia if servant else None,
            position=self.one(texts.AFFECTED_POSITIONS) if servant and rng.random() < 0.8 else "",
            used_name=self.one(texts.USED_NAMES)
            if identity in LGBTI_IDENTITIES and rng.random() < 0.6
            else "",
            phone=rng.random() < 0.65,
            curp=rng.random() < 0.25,
            email=rng.random() < 0.15,
            employee=servant and rng.random() < 0.35,
            age=age,
            age_range=age_range,
            identity=identity,
            language=language,
            interpreter=c.needs_interpreter,
            disabilities=disabilities,
            indigenous=indigenous,
            community=self.one(texts.INDIGENOUS_COMMUNITIES)
            if indigenous and rng.random() < 0.7
            else "",
            groups=groups,
            hierarchy="",
            relationship="",
        )
        c.accused = []
        for n in range(2 if rng.random() < 0.08 else 1):
            c.accused.append(self.accused(c, second=n > 0))
        c.setting = (
            "work"
            if c.workplace
            else {"pareja": "partner", "expareja": "partner", "familiar": "family"}.get(
                c.accused[0][2], "street"
            )
        )

    def accused(self, c: Story, *, second: bool) -> tuple[str, bool, str, str, int | None]:
        """Writes one persona señalada; returns (id, is servant, relationship, hierarchy,
        dependencia)."""
        rng = self.rng
        w = self.w
        if c.workplace:
            servant = rng.random() < 0.92
            relationship = self.pick(WORK_RELATIONSHIPS) if servant else "desconocida"
            hierarchy = self.pick(HIERARCHIES) if servant else ""
        else:
            servant = rng.random() < 0.06
            relationship = self.pick(COMMUNITY_RELATIONSHIPS)
            hierarchy = "sin_relacion" if servant else ""
        dependencia = None
        if servant:
            if c.workplace and rng.random() < 0.85:
                dependencia = c.dependencia
            else:
                dependencia = self.one([d for d in w.dependencias if not d[2]])[0]
        unknown = relationship == "desconocida" and rng.random() < 0.7
        party = self.party(
            c,
            kind="persona_senalada",
            name_words=texts.ACCUSED_WORDS,
            unknown=unknown,
            servant=servant,
            dependencia=dependencia,
            position=self.one(texts.ACCUSED_POSITIONS) if servant and rng.random() < 0.8 else "",
            used_name="",
            phone=not unknown and rng.random() < 0.1,
            curp=not unknown and rng.random() < 0.05,
            email=False,
            employee=servant and not unknown and rng.random() < 0.3,
            age=self.between(22, 66) if not unknown and rng.random() < 0.4 else None,
            age_range="",
            identity=("hombre" if rng.random() < 0.93 else "mujer") if rng.random() < 0.97 else "",
            language="es",
            interpreter=False,
            disabilities=[],
            indigenous=False,
            community="",
            groups=[],
            hierarchy=hierarchy,
            relationship=relationship,
            added_late=second,
        )
        return party, servant, relationship, hierarchy, dependencia

    def party(
        self,
        c: Story,
        *,
        kind: str,
        name_words: Sequence[str],
        servant: bool,
        dependencia: int | None,
        position: str,
        used_name: str,
        phone: bool,
        curp: bool,
        email: bool,
        employee: bool,
        age: int | None,
        age_range: str,
        identity: str,
        language: str,
        interpreter: bool,
        disabilities: list[str],
        indigenous: bool,
        community: str,
        groups: list[str],
        hierarchy: str,
        relationship: str,
        unknown: bool = False,
        added_late: bool = False,
    ) -> str:
        sealer = self.sealer
        if unknown:
            name, normalized = texts.UNKNOWN_ACCUSED, NORMALIZED_UNKNOWN
        else:
            word = self.one(name_words)
            number = self.below(10_000)
            name = f"{word} {number:04d} {texts.PSEUDONYM_SUFFIX}"
            # normalize_name works word by word, so the pieces are normalised once.
            normalized = f"{NORMALIZED_WORDS[word]} {number:04d} {NORMALIZED_SUFFIX}"
        phone_digits = f"000{self.below(10_000_000):07d}" if phone else ""
        phone_text = f"{phone_digits[:3]} {phone_digits[3:6]} {phone_digits[6:]}" if phone else ""
        curp_text = self.curp(age) if curp else ""
        email_text = f"persona.{self.below(10**8):08d}@synthetic.invalid" if email else ""
        employee_text = f"SIN-{self.below(10**6):06d}" if employee else ""
        if age is not None and kind == "persona_afectada":
            age_range = AGE_RANGE_OF[age]
        added = c.t0
        if added_late:
            added = min(self.after(c.t0, (10 * DAY, 1.0)), self.w.now)
        pk, key, tokens = self.record(
            L_PARTY,
            added,
            self.aad_party,
            [
                position.encode(),
                name.encode(),
                used_name.encode(),
                curp_text.encode(),
                phone_text.encode(),
                email_text.encode(),
                employee_text.encode(),
                community.encode(),
            ],
        )
        index = sealer.index
        self.out[t.PARTY].append(
            "\t".join(
                (
                    pk,
                    key,
                    c.hex,
                    kind,
                    N,
                    str(c.registrant),
                    self.ts(added),
                    "t" if servant else "f",
                    N if dependencia is None else str(dependencia),
                    tokens[0],
                    tokens[1],
                    index("name", normalized),
                    tokens[2],
                    tokens[3],
                    index("curp", curp_text),
                    tokens[4],
                    index("phone", phone_digits),
                    tokens[5],
                    index("email", email_text),
                    tokens[6],
                    index("employee_number", normalize_code(employee_text)),
                    N if age is None else str(age),
                    age_range,
                    identity,
                    language,
                    "t" if interpreter else "f",
                    json_text(disabilities),
                    "t" if indigenous else "f",
                    tokens[7],
                    json_text(groups),
                    hierarchy,
                    relationship,
                )
            )
        )
        return pk

    def curp(self, age: int | None) -> str:
        """A well-formed CURP that cannot be anybody's: it starts with XX, which no name gives."""
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        consonants = "BCDFGHJKLMNPQRSTVWXYZ"
        year = 99 - (age or 30) % 100
        return (
            "XX"
            + self.one(letters)
            + self.one(letters)
            + f"{year:02d}{self.between(1, 12):02d}{self.between(1, 28):02d}"
            + "MNE"
            + "".join(self.one(consonants) for _ in range(3))
            + self.one(letters)
            + str(self.below(10))
        )

    def incidents(self, c: Story) -> None:
        rng = self.rng
        w = self.w
        cal = self.cal
        types_by_code = w.violence_types
        modalities_by_code = w.violence_modalities
        register_day = cal.local_day(c.t0)
        setting = c.setting
        place_setting = "work" if setting == "work" else "home" if setting != "street" else "street"
        c.types = set()
        c.modalities = set()
        for _ in range(self.pick(INCIDENT_COUNTS)):
            days_before = min(self.after(0, (20 * DAY, 1.1)) // DAY, MAX_INCIDENT_AGE_DAYS)
            occurred = register_day - days_before
            place_kind = self.pick(PLACE_KINDS[place_setting]) if rng.random() < 0.9 else ""
            place = self.one(texts.PLACES[place_kind]) if place_kind and rng.random() < 0.6 else ""
            pk, key, tokens = self.record(L_INCIDENT, c.t0, self.aad_incident, [place.encode()])
            self.out[t.INCIDENT].append(
                f"{pk}\t{key}\t{c.hex}\t{cal.date_text(occurred)}\t"
                f"{'t' if rng.random() < 0.35 else 'f'}\t{place_kind}\t{tokens[0]}\t"
                f"{c.registrant}\t{self.ts(c.t0)}"
            )
            chosen = [code for code, p in TYPE_ODDS[setting].items() if rng.random() < p]
            if rng.random() < 0.01:
                chosen.append("analogas")
            if not chosen:
                chosen.append("psicologica")
            type_rows = self.out[t.INCIDENT_TYPE]
            for code in chosen:
                type_id = types_by_code.get(code)
                if type_id is not None:
                    type_rows.append(f"{pk}\t{type_id}")
                    c.types.add(code)
            modalities = [MODALITY_BY_SETTING[setting]]
            if setting != "work" and c.accused[0][1]:
                modalities.append("institucional")
            if setting == "partner" and "fisica" in chosen and rng.random() < 0.01:
                modalities.append("feminicida")
            if setting == "work" and rng.random() < 0.01:
                modalities.append("politica")
            modality_rows = self.out[t.INCIDENT_MODALITY]
            for code in modalities:
                modality_id = modalities_by_code.get(code)
                if modality_id is not None:
                    modality_rows.append(f"{pk}\t{modality_id}")
                    c.modalities.add(code)
        # The case's types and modalities over all its incidents (cases.receivers keeps them).
        case_types = self.out[t.CASE_TYPE]
        for code in sorted(c.types):
            case_types.append(f"{c.hex}\t{types_by_code[code]}")
        case_modalities = self.out[t.CASE_MODALITY]
        for code in sorted(c.modalities):
            case_modalities.append(f"{c.hex}\t{modalities_by_code[code]}")

    def assignments(self, c: Story) -> None:
        """Who attends her: atención registers and keeps the case, or coordinación assigns it
        once the IMM takes it; a second specialty joins in about a third of the cases."""
        rng = self.rng
        w = self.w
        rows = c.assignment_rows
        coordinator = self.one(w.staff.coordinacion)
        if c.registrant_role == Role.ATENCION:
            first_user, since, by = c.registrant, c.t0, c.registrant
        elif c.taken_at is not None:
            first_user = self.one(self.atencion_by_specialty[self.pick(SERVICES_FIRST)])
            since, by = self.after(c.taken_at, (20 * HOUR, 1.0)), coordinator
            if since > w.now:
                return
        else:
            return
        specialty = self.specialty_of[first_user]
        ended = None
        if rng.random() < 0.04:
            ended = self.after(since, (30 * DAY, 0.8))
            if ended > w.now:
                ended = None
        rows.append(
            (
                f"{c.hex}\t{first_user}\t{c.affected_party}\t{specialty}\t{by}\t"
                f"{self.ts(since)}\t{self.tsn(ended)}",
                ended is None,
            )
        )
        if ended is None:
            c.assigned.append((first_user, since))
        else:
            others = [u for u in self.atencion_by_specialty[specialty] if u != first_user]
            if others:
                successor = self.one(others)
                rows.append(
                    (
                        f"{c.hex}\t{successor}\t{c.affected_party}\t{specialty}\t"
                        f"{coordinator}\t{self.ts(ended)}\t{N}",
                        True,
                    )
                )
                c.assigned.append((successor, ended))
        if rng.random() < 0.35:
            specialty2 = "juridica" if specialty != "juridica" else "psicologia"
            second = self.one(self.atencion_by_specialty[specialty2])
            when = self.after(since, (5 * DAY, 1.0))
            if when <= w.now:
                rows.append(
                    (
                        f"{c.hex}\t{second}\t{c.affected_party}\t{specialty2}\t"
                        f"{coordinator}\t{self.ts(when)}\t{N}",
                        True,
                    )
                )
                c.assigned.append((second, when))
