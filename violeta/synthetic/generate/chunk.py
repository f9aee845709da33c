"""One chunk of cases, each told from intake to where it stands now."""

from __future__ import annotations

from violeta.accounts.roles import Role
from violeta.synthetic import tables as t
from violeta.synthetic import texts
from violeta.synthetic.generate.base import Story
from violeta.synthetic.generate.care import Care
from violeta.synthetic.generate.distributions import CHANNELS, L_CASE, P_WORKPLACE, REFERRED_BY, N
from violeta.synthetic.generate.people import People
from violeta.synthetic.generate.protocol import Protocol
from violeta.synthetic.generate.sanctions import Sanctions
from violeta.synthetic.world import HOUR


class ChunkGenerator(People, Protocol, Care, Sanctions):
    """Writes the rows of the cases ``first .. first + count - 1`` (one chunk)."""

    def generate(self, first: int, count: int) -> dict[str, list[str]]:
        for index in range(first, first + count):
            self.case(index)
        return self.out

    def case(self, index: int) -> None:
        w = self.w
        rng = self.rng
        c = Story()
        c.t0 = w.registered[index]
        c.run_id = self.run_id_base + index
        c.hex = self.uid()
        c.id = f"{c.hex[:8]}-{c.hex[8:12]}-{c.hex[12:16]}-{c.hex[16:20]}-{c.hex[20:]}"
        c.workplace = rng.random() < P_WORKPLACE
        self.origin(c)
        self.parties(c)
        self.incidents(c)
        c.assignment_rows = []
        self.assignments(c)
        self.protocol(c)
        self.guidelines(c)
        self.sessions(c)
        self.risk(c)
        self.referrals(c)
        self.sanction(c)
        self.consents(c)
        self.case_row(c, index)

    def consents(self, c: Story) -> None:
        """Atención is granted at intake; estadística asked at intake most of the time (yes in
        about 85% of cases), or at the latest when the case is closed."""
        rng = self.rng
        rows = self.out[t.CONSENT]
        ts0 = self.ts(c.t0)
        rows.append(f"{c.hex}\tatencion\t{N}\tt\t[]\t{ts0}\t{c.registrant}")
        roll = rng.random()
        if roll < 0.85:
            granted: str | None = "t"
        elif roll < 0.93:
            granted = "f"
        else:
            granted = None
        if granted is not None:
            rows.append(f"{c.hex}\testadistica\t{N}\t{granted}\t[]\t{ts0}\t{c.registrant}")
        elif c.closed_at is not None:
            asked = c.closed_at - self.below(HOUR)
            answer = "t" if rng.random() < 0.6 else "f"
            rows.append(
                f"{c.hex}\testadistica\t{N}\t{answer}\t[]\t{self.ts(asked)}\t"
                f"{self.worker(c, asked)}"
            )
        if c.comite_at is not None and c.comite_at <= self.w.now:
            by = c.registrant if c.comite_at == c.t0 else self.worker(c, c.comite_at)
            rows.append(
                f"{c.hex}\tcomite_oic\t{N}\t{'t' if c.comite_ok else 'f'}\t[]\t"
                f"{self.ts(c.comite_at)}\t{by}"
            )

    def case_row(self, c: Story, index: int) -> None:
        w = self.w
        channel = self.pick(CHANNELS)
        if c.registrant_role == Role.ENLACE and channel in ("telefono_072", "portal"):
            channel = "presencial"
        referred_by = N
        if channel == "canalizada":
            options = [w.institutions[code].id for code in REFERRED_BY if code in w.institutions]
            if options:
                referred_by = str(self.one(options))
            else:
                channel = "presencial"
        account = self.account(c)
        _pk, pk_key, tokens = self.record(L_CASE, c.t0, self.aad_case, [account.encode()], pk=c.hex)
        year = w.folio_year[index]
        folio = f"{w.folio_prefix}-{year}-{self.folio_base[year] + w.folio_rank[index] + 1:05d}"
        accused = c.accused
        workplace = c.affected["servant"] and any(a[1] for a in accused)
        hierarchical = any(a[3] == "superior" for a in accused)
        intimate = any(a[2] in ("pareja", "expareja") for a in accused)
        self.out[t.CASE].append(
            f"{c.hex}\t{pk_key}\t{folio}\t{'cerrado' if c.closed_at else 'abierto'}\t{channel}\t"
            f"{referred_by}\t{c.dependencia}\t{c.registrant}\t{self.ts(c.t0)}\t"
            f"{self.tsn(c.taken_at)}\t{tokens[0]}\t{self.tsn(c.closed_at)}\t"
            f"{'t' if workplace else 'f'}\t{'t' if hierarchical else 'f'}\t"
            f"{'t' if intimate else 'f'}\t{'t' if c.minor else 'f'}\t{c.next_deadline}\t"
            f"{w.protocol.version_id}\t{c.stage}"
        )
        self.out[t.TAKING].append(f"{c.hex}\t{c.registrant}\t{self.ts(c.t0)}\tregistro")
        # An active assignment keeps the case's next deadline; an ended one, none.
        self.out[t.ASSIGNMENT].extend(
            f"{row}\t{c.next_deadline if active else N}" for row, active in c.assignment_rows
        )

    def account(self, c: Story) -> str:
        rng = self.rng
        setting = c.setting
        if setting == "work":
            pool = texts.ACCOUNT_FACTS["workplace_sexual" if "sexual" in c.types else "workplace"]
        elif setting == "partner":
            pool = texts.ACCOUNT_FACTS["partner"]
        elif setting == "family":
            pool = texts.ACCOUNT_FACTS["family"]
        else:
            pool = texts.ACCOUNT_FACTS["community"]
        parts = [self.one(texts.ACCOUNT_OPENINGS) + " " + self.one(pool)]
        if "fisica" in c.types and rng.random() < 0.6:
            parts.append("Una vez " + self.one(texts.ACCOUNT_FACTS["physical"]))
        parts.append(self.one(texts.ACCOUNT_IMPACTS))
        parts.append(self.one(texts.ACCOUNT_WISHES))
        return " ".join(parts)
