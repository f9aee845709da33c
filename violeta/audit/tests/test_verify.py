"""Tampering, as a database administrator who switches the append-only guard off would do it,
and what verification says about it."""

import pytest
from django.db.models import F

from violeta.audit.chain import entry_hash
from violeta.audit.dba import append_only_suspended
from violeta.audit.models import AuditAction, AuditChainHead, AuditEntry
from violeta.audit.services import audit_record
from violeta.audit.verify import ChainProblem, ProblemCode, audit_verify

pytestmark = pytest.mark.django_db


def _shift_from(seq, by):
    """Renumber entries from ``seq`` on, in two steps so the unique index on seq holds."""
    AuditEntry.objects.filter(seq__gte=seq).update(seq=F("seq") + 1000)
    AuditEntry.objects.filter(seq__gte=seq + 1000).update(seq=F("seq") - 1000 + by)


def _forged(*, seq, prev_hash, like):
    forged = AuditEntry(
        seq=seq,
        created_at=like.created_at,
        actor=None,
        origin="system",
        action=AuditAction.EXPORT,
        detail={"rows": 1},
        prev_hash=prev_hash,
    )
    forged.hash = entry_hash(prev_hash=prev_hash, entry=forged)
    return forged


def test_an_honest_log_verifies(chain):
    result = audit_verify()
    assert result.ok
    assert (result.verified, result.head_seq, result.head_hash) == (5, 5, chain[-1].hash)


def test_an_empty_log_verifies():
    result = audit_verify()
    assert result.ok
    assert result.verified == 0


def test_editing_a_field_of_an_entry_is_found_at_that_entry(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=3).update(target_id="999")
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.HASH_MISMATCH, seq=3, entry_id=chain[2].id)
    assert result.verified == 2


def test_editing_detail_is_found_even_though_only_json_changed(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=2).update(detail={"fields": ["role"]})
    assert audit_verify().problem == ChainProblem(
        ProblemCode.HASH_MISMATCH, seq=2, entry_id=chain[1].id
    )


def test_deleting_an_entry_in_the_middle_is_found_at_the_gap(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=3).delete()
    result = audit_verify()
    assert result.problem == ChainProblem(
        ProblemCode.SEQ_GAP, seq=4, entry_id=chain[3].id, expected_seq=3
    )


def test_deleting_an_entry_and_renumbering_the_rest_breaks_the_link(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=3).delete()
        _shift_from(4, by=-1)
        AuditChainHead.objects.update(seq=4)
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.BROKEN_LINK, seq=3, entry_id=chain[3].id)


def test_swapping_two_entries_is_found_at_the_first_position_swapped(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=2).update(seq=1000)
        AuditEntry.objects.filter(seq=4).update(seq=2)
        AuditEntry.objects.filter(seq=1000).update(seq=4)
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.BROKEN_LINK, seq=2, entry_id=chain[3].id)
    assert result.verified == 1


def test_a_crudely_forged_entry_in_the_middle_is_found_at_the_forgery(chain):
    with append_only_suspended():
        _shift_from(3, by=1)
    forged = _forged(seq=3, prev_hash=chain[2].prev_hash, like=chain[2])
    forged.hash = chain[2].hash  # copied from a real entry
    forged.save(force_insert=True)
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.HASH_MISMATCH, seq=3, entry_id=forged.id)


def test_a_carefully_forged_entry_in_the_middle_is_found_at_the_entry_after_it(chain):
    # The forgery links to entry 2 and hashes correctly, so by itself it checks out; the entry
    # it displaced no longer links to what now precedes it.
    with append_only_suspended():
        _shift_from(3, by=1)
    forged = _forged(seq=3, prev_hash=chain[1].hash, like=chain[2])
    forged.save(force_insert=True)
    AuditChainHead.objects.update(seq=6)
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.BROKEN_LINK, seq=4, entry_id=chain[2].id)
    assert result.verified == 3


def test_deleting_the_last_entry_is_found_because_the_head_disagrees(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=5).delete()
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.TRUNCATED, seq=5, entry_id=None)
    assert result.verified == 4


def test_replacing_the_last_entry_is_found_because_the_head_disagrees(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=5).delete()
    forged = _forged(seq=5, prev_hash=chain[3].hash, like=chain[4])
    forged.save(force_insert=True)
    result = audit_verify()
    assert result.problem == ChainProblem(ProblemCode.HEAD_MISMATCH, seq=5, entry_id=forged.id)


def test_an_entry_appended_behind_the_heads_back_is_found(chain):
    forged = _forged(seq=6, prev_hash=chain[4].hash, like=chain[4])
    forged.save(force_insert=True)
    assert audit_verify().problem == ChainProblem(
        ProblemCode.BEYOND_HEAD, seq=6, entry_id=forged.id
    )


def test_deleting_the_head_row_is_found_and_stops_further_appends(chain):
    AuditChainHead.objects.all().delete()
    assert audit_verify().problem == ChainProblem(
        ProblemCode.HEAD_MISSING, seq=1, entry_id=chain[0].id
    )
    with pytest.raises(RuntimeError, match="verify_audit"):
        audit_record(action=AuditAction.VIEW)


def test_a_rewritten_chain_passes_alone_but_not_against_a_hash_kept_elsewhere(chain):
    kept = {chain[4].seq: chain[4].hash}  # printed by an earlier verify_audit, kept by the OIC
    with append_only_suspended():
        AuditEntry.objects.filter(seq=5).delete()
        AuditChainHead.objects.update(seq=4, hash=chain[3].hash)
    assert audit_verify().ok
    assert audit_verify(anchors=kept).problem == ChainProblem(
        ProblemCode.ANCHOR_MISMATCH, seq=5, entry_id=None
    )


def test_an_anchor_that_still_matches_passes(chain):
    assert audit_verify(anchors={3: chain[2].hash, 5: chain[4].hash}).ok


def test_verification_reads_the_log_in_bounded_chunks(chain, django_assert_num_queries):
    # The head, three chunks of at most two entries (2, 2, 1), the check for strays.
    with django_assert_num_queries(5):
        result = audit_verify(chunk_size=2)
    assert result.verified == 5


def test_tampering_is_found_across_a_chunk_boundary(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=4).update(action="view")
    assert audit_verify(chunk_size=2).problem == ChainProblem(
        ProblemCode.HASH_MISMATCH, seq=4, entry_id=chain[3].id
    )


def test_problem_message_names_the_entry_in_spanish(chain):
    problem = ChainProblem(ProblemCode.HASH_MISMATCH, seq=3, entry_id=41)
    assert problem.message() == (
        "La entrada 3 (id 41) fue modificada: su huella no corresponde a su contenido."
    )
