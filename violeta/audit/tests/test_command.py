from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from violeta.audit.dba import append_only_suspended
from violeta.audit.management.commands import flush
from violeta.audit.models import AuditChainHead, AuditEntry
from violeta.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _verify(*args):
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_intact_log_reports_how_many_entries_and_the_head_to_keep(chain):
    out = _verify()
    assert "Bitácora íntegra: 5 entradas verificadas." in out
    assert f"Cabeza de la cadena: 5:{chain[-1].hash}" in out


def test_tampered_log_exits_non_zero_naming_the_first_bad_entry(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq=2).update(target_id="999")
        AuditEntry.objects.filter(seq=4).update(target_id="999")
    with pytest.raises(CommandError) as excinfo:
        _verify()
    assert excinfo.value.returncode == 1
    assert str(excinfo.value) == (
        f"Bitácora alterada. La entrada 2 (id {chain[1].id}) fue modificada: su huella no "
        "corresponde a su contenido. Entradas verificadas antes: 1."
    )


def test_deleted_entries_are_named_as_a_gap(chain):
    with append_only_suspended():
        AuditEntry.objects.filter(seq__in=[2, 3]).delete()
    with pytest.raises(CommandError) as excinfo:
        _verify()
    assert f"Se esperaba la entrada 2 y se encontró la entrada 4 (id {chain[3].id})" in str(
        excinfo.value
    )


def test_a_head_kept_from_an_earlier_run_catches_a_rewritten_end(chain):
    kept = _verify().split("Cabeza de la cadena: ")[1].strip()
    audit_record(action="view")
    assert "6 entradas" in _verify("--anchor", kept)
    with append_only_suspended():
        AuditEntry.objects.filter(seq__gte=5).delete()
    AuditChainHead.objects.update(seq=4, hash=chain[3].hash)
    with pytest.raises(CommandError, match="no tiene la huella anotada fuera del sistema"):
        _verify("--anchor", kept)


def test_a_malformed_anchor_is_refused_before_anything_is_read():
    with pytest.raises(CommandError, match="SECUENCIA:HUELLA"):
        _verify("--anchor", "5:nothex")


def test_flush_outside_a_test_run_cannot_erase_the_audit_log(chain, monkeypatch):
    monkeypatch.setattr(flush, "_under_test_runner", lambda: False)
    # This test's own inserts have foreign-key checks pending, and PostgreSQL's TRUNCATE
    # refuses to run past them; a real flush starts a transaction of its own.
    connection.check_constraints()
    with pytest.raises(CommandError) as excinfo:
        call_command("flush", interactive=False, verbosity=0)
    assert "append-only" in str(excinfo.value.__cause__)
    assert AuditEntry.objects.count() == 5
