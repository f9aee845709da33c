import datetime
import hashlib
import json

import pytest
import time_machine
from django.db import transaction
from django.db.models import ProtectedError

from violeta.audit.chain import GENESIS_HASH
from violeta.audit.context import audit_context
from violeta.audit.models import AuditAction, AuditChainHead, AuditEntry, AuditOrigin
from violeta.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_entries_are_numbered_from_one_and_each_links_to_the_one_before(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH == "0" * 64
    assert [entry.prev_hash for entry in entries[1:]] == [entry.hash for entry in entries[:-1]]
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (5, entries[-1].hash)


@time_machine.travel(datetime.datetime(2025, 3, 8, 9, 30, 0, tzinfo=datetime.UTC), tick=False)
def test_hash_is_sha256_of_previous_hash_and_sorted_compact_json_of_the_content(coordinacion):
    with audit_context(origin=AuditOrigin.WEB, actor=coordinacion, session_ref="abc123"):
        entry = audit_record(
            action=AuditAction.ASSIGN,
            target_type="accounts.User",
            target_id="42",
            detail={"kind": "titular", "user": 7},
        )
    # Written out by hand, independently of violeta.audit.chain, to pin the format down.
    content = (
        '{"action":"assign","actor_id":ACTOR,"created_at":"2025-03-08T09:30:00.000000Z",'
        '"detail":{"kind":"titular","user":7},"origin":"web","seq":1,'
        '"session_ref":"abc123","target_id":"42","target_type":"accounts.User"}'
    ).replace("ACTOR", str(coordinacion.pk))
    assert entry.hash == hashlib.sha256((GENESIS_HASH + content).encode()).hexdigest()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.hash == entry.hash
    assert json.loads(content)["detail"] == stored.detail


def test_entry_names_its_target_as_app_label_and_model(chain, servidora):
    assert (chain[0].target_type, chain[0].target_id) == ("accounts.User", str(servidora.pk))
    assert (chain[3].target_type, chain[3].target_id) == ("", "")


def test_entry_commits_or_rolls_back_with_the_change_it_describes(coordinacion):
    audit_record(action=AuditAction.VIEW, actor=coordinacion)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.UPDATE, actor=coordinacion)
        raise RuntimeError("the change failed")
    entry = audit_record(action=AuditAction.VIEW, actor=coordinacion)
    # The rolled-back entry left no gap: seq and the head went back with it.
    assert entry.seq == 2
    assert AuditEntry.objects.count() == 2
    assert AuditChainHead.objects.get().seq == 2


def test_outside_a_request_nobody_in_person_acts_and_the_origin_is_system():
    entry = audit_record(action=AuditAction.KEY_ROTATION, detail={"active": "kek_2025"})
    assert (entry.actor, entry.origin, entry.session_ref) == (None, "system", "")


def test_a_command_declares_its_origin_and_may_name_who_ran_it(admin_sistema):
    with audit_context(origin=AuditOrigin.COMMAND, actor=admin_sistema):
        entry = audit_record(action=AuditAction.EXPORT)
    assert (entry.actor, entry.origin) == (admin_sistema, "command")


def test_an_explicit_actor_wins_over_the_context_even_when_it_is_nobody(coordinacion):
    with audit_context(origin=AuditOrigin.WEB, actor=coordinacion, session_ref="s1"):
        entry = audit_record(action=AuditAction.LOGIN_FAILED, actor=None)
    assert (entry.actor, entry.origin, entry.session_ref) == (None, "web", "s1")


def test_every_action_has_a_spanish_label_and_an_english_code():
    assert AuditAction.EMERGENCY_ACCESS.value == "emergency_access"
    assert str(AuditAction.EMERGENCY_ACCESS.label) == "acceso de emergencia"
    for action in AuditAction:
        assert action.value.isidentifier()
        assert action.value == action.value.lower()
        assert str(action.label)


@pytest.mark.parametrize(
    "arguments",
    [
        {"action": "peek"},
        {"action": AuditAction.VIEW, "target_id": "7"},
        {"action": AuditAction.VIEW, "target_type": "no such thing"},
        {"action": AuditAction.VIEW, "target_type": "cases.NoSuchModel", "target_id": "7"},
        {"action": AuditAction.VIEW, "target_type": "accounts.User", "target_id": "7" * 65},
    ],
)
def test_unknown_actions_and_malformed_targets_are_refused(arguments):
    with pytest.raises(ValueError):
        audit_record(**arguments)
    assert not AuditEntry.objects.exists()


def test_a_target_cannot_be_given_twice_or_unsaved(servidora):
    from violeta.accounts.models import User

    with pytest.raises(ValueError):
        audit_record(action=AuditAction.VIEW, target=servidora, target_type="accounts.User")
    with pytest.raises(ValueError):
        audit_record(action=AuditAction.VIEW, target=User(email="x@y.mx"))


def test_a_person_who_appears_in_the_log_cannot_be_deleted(chain, coordinacion):
    with pytest.raises(ProtectedError):
        coordinacion.delete()
