"""Walk the audit chain and report the first place it does not hold."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping

from django.db.models import Q, Subquery
from django.utils.translation import gettext as _

from violeta.audit.chain import GENESIS_HASH, entry_hash
from violeta.audit.models import AuditChainHead, AuditEntry

CHUNK_SIZE = 1000


class ProblemCode(enum.StrEnum):
    HASH_MISMATCH = "hash_mismatch"  # the entry's content was edited
    BROKEN_LINK = "broken_link"  # an entry before it was deleted, inserted or moved
    SEQ_GAP = "seq_gap"  # entries deleted (or the sequence renumbered)
    SEQ_DUPLICATE = "seq_duplicate"  # an entry inserted with a seq already taken
    HEAD_MISSING = "head_missing"  # the chain head row was deleted
    TRUNCATED = "truncated"  # entries deleted at the end: the head is ahead of them
    HEAD_MISMATCH = "head_mismatch"  # the last entry is not the one the head recorded
    BEYOND_HEAD = "beyond_head"  # entries added after the head without going through it
    ANCHOR_MISMATCH = "anchor_mismatch"  # differs from a hash recorded outside the system


@dataclasses.dataclass(frozen=True)
class ChainProblem:
    code: ProblemCode
    seq: int  # where the chain first goes wrong
    entry_id: int | None  # the row found there; None when that entry is missing
    expected_seq: int | None = None

    def message(self) -> str:
        """The problem in words, in the active language, naming the entry."""
        entry = _("la entrada %(seq)s (id %(id)s)") % {
            "seq": self.seq,
            "id": self.entry_id if self.entry_id is not None else "—",
        }
        texts = {
            ProblemCode.HASH_MISMATCH: _(
                "%(entry)s fue modificada: su huella no corresponde a su contenido."
            ),
            ProblemCode.BROKEN_LINK: _(
                "%(entry)s no enlaza con la anterior: se borraron, insertaron o reordenaron "
                "entradas antes de ella."
            ),
            ProblemCode.SEQ_GAP: _(
                "se esperaba la entrada %(expected)s y se encontró %(entry)s: se borraron entradas."
            ),
            ProblemCode.SEQ_DUPLICATE: _(
                "%(entry)s repite un número de secuencia: se insertaron entradas."
            ),
            ProblemCode.HEAD_MISSING: _(
                "falta la cabeza de la cadena y hay entradas: fue borrada; %(entry)s es la "
                "primera que no se puede comprobar."
            ),
            ProblemCode.TRUNCATED: _(
                "falta %(entry)s: la cabeza de la cadena registra más entradas que las que "
                "hay; se borraron entradas al final."
            ),
            ProblemCode.HEAD_MISMATCH: _(
                "%(entry)s no es la última que registró la cabeza de la cadena: fue reemplazada."
            ),
            ProblemCode.BEYOND_HEAD: _(
                "%(entry)s está después de la cabeza de la cadena: se añadió por fuera de la "
                "aplicación."
            ),
            ProblemCode.ANCHOR_MISMATCH: _(
                "%(entry)s no tiene la huella anotada fuera del sistema: la cadena fue reescrita."
            ),
        }
        text = texts[self.code] % {"entry": entry, "expected": self.expected_seq}
        return text[:1].upper() + text[1:]


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    verified: int  # entries whose link and hash held, before any problem
    head_seq: int
    head_hash: str
    problem: ChainProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_verify(
    *, anchors: Mapping[int, str] | None = None, chunk_size: int = CHUNK_SIZE
) -> VerifyResult:
    """Recompute every hash in seq order and check the links, the numbering and the head.

    Stops at the first problem. ``anchors`` maps seq to a hash recorded earlier outside the
    system (printed by ``verify_audit``): whoever controls the database can rewrite the whole
    chain with fresh hashes, and only a copy they cannot reach shows it.

    Entries appended while this runs are left for the next run: the walk stops at the head as
    read at the start, and every entry up to it is committed and, the table being append-only,
    stays as read.
    """
    anchors = dict(anchors or {})
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID).first()
    if head is None:
        # Nobody has written yet (or a test flushed the log); entries without a head mean the
        # head row was deleted.
        first = AuditEntry.objects.order_by("seq", "id").first()
        problem = None
        if first is not None:
            problem = ChainProblem(ProblemCode.HEAD_MISSING, seq=first.seq, entry_id=first.id)
        elif anchors:
            problem = ChainProblem(ProblemCode.ANCHOR_MISMATCH, seq=min(anchors), entry_id=None)
        return VerifyResult(verified=0, head_seq=0, head_hash=GENESIS_HASH, problem=problem)

    def result(problem: ChainProblem | None, verified: int) -> VerifyResult:
        return VerifyResult(verified, head.seq, head.hash, problem)

    expected_seq = 1
    prev_hash = GENESIS_HASH
    last: AuditEntry | None = None
    for entry in _entries_up_to(head.seq, chunk_size):
        verified = expected_seq - 1
        if entry.seq != expected_seq:
            code = ProblemCode.SEQ_GAP if entry.seq > expected_seq else ProblemCode.SEQ_DUPLICATE
            problem = ChainProblem(code, entry.seq, entry.id, expected_seq=expected_seq)
            return result(problem, verified)
        if entry.prev_hash != prev_hash:
            return result(ChainProblem(ProblemCode.BROKEN_LINK, entry.seq, entry.id), verified)
        if entry_hash(prev_hash=prev_hash, entry=entry) != entry.hash:
            return result(ChainProblem(ProblemCode.HASH_MISMATCH, entry.seq, entry.id), verified)
        if entry.seq in anchors and anchors[entry.seq] != entry.hash:
            return result(ChainProblem(ProblemCode.ANCHOR_MISMATCH, entry.seq, entry.id), verified)
        prev_hash = entry.hash
        expected_seq += 1
        last = entry

    verified = expected_seq - 1
    if verified < head.seq:
        return result(ChainProblem(ProblemCode.TRUNCATED, expected_seq, None), verified)
    if last is not None and last.hash != head.hash:
        return result(ChainProblem(ProblemCode.HEAD_MISMATCH, last.seq, last.id), verified)
    # The head is read again in the same statement, so an append committing meanwhile (which
    # moves head and entry together) is seen whole or not at all, never as a stray.
    current_head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID).values("seq")
    stray = (
        AuditEntry.objects.filter(seq__gt=Subquery(current_head[:1])).order_by("seq", "id").first()
    )
    if stray is not None:
        return result(ChainProblem(ProblemCode.BEYOND_HEAD, stray.seq, stray.id), verified)
    missing_anchor = min((seq for seq in anchors if seq > verified), default=None)
    if missing_anchor is not None:
        return result(ChainProblem(ProblemCode.ANCHOR_MISMATCH, missing_anchor, None), verified)
    return result(None, verified)


def _entries_up_to(last_seq: int, chunk_size: int) -> Iterator[AuditEntry]:
    """Entries with seq <= last_seq in (seq, id) order, one chunk per query.

    Keyset pagination rather than OFFSET or a server-side cursor: constant memory, each query
    uses the seq index, and it works behind connection poolers. Ordering by id as well keeps
    duplicated seqs (possible only if someone dropped the unique index) in the walk.
    """
    after: Q = Q()
    while True:
        chunk = list(
            AuditEntry.objects.filter(after, seq__lte=last_seq).order_by("seq", "id")[:chunk_size]
        )
        yield from chunk
        if len(chunk) < chunk_size:
            return
        tail = chunk[-1]
        after = Q(seq__gt=tail.seq) | Q(seq=tail.seq, id__gt=tail.id)
