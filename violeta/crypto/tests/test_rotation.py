"""Key rotation with a file keyring, as `make run` and production use it."""

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from violeta.cases.models import Case
from violeta.crypto.keys import key_provider, new_keyring, write_keyring_file
from violeta.crypto.models import DataKey
from violeta.crypto.services import kek_usage
from violeta.testing.factories import make_case


@pytest.fixture
def file_keyring(settings, tmp_path):
    path = tmp_path / "keyring.json"
    write_keyring_file(path, new_keyring())
    settings.VIOLETA_KEYRING = None
    settings.VIOLETA_KEYRING_FILE = str(path)
    return path


def rotate(*args):
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_after_rotation_every_record_decrypts_and_the_old_key_can_be_removed(
    file_keyring, atencion
):
    old = key_provider().active_kek_id()
    cases = [make_case(registered_by=atencion, account=f"relato {i}") for i in range(5)]
    output = rotate()
    new = key_provider().active_kek_id()
    assert new != old
    assert "re-wrapped" in output
    assert kek_usage() == {new: DataKey.objects.count()}
    rotate("--retire", old)
    assert old not in json.loads(file_keyring.read_text())["keys"]
    for i, case in enumerate(cases):
        assert Case.objects.get(pk=case.pk).account == f"relato {i}"


@pytest.mark.django_db
def test_a_key_in_use_cannot_be_retired(file_keyring, atencion):
    make_case(registered_by=atencion)
    old = key_provider().active_kek_id()
    keyring = json.loads(file_keyring.read_text())
    fresh = new_keyring()
    keyring["keys"]["kek-nueva"] = fresh["keys"][fresh["active"]]
    keyring["active"] = "kek-nueva"
    write_keyring_file(file_keyring, keyring)
    with pytest.raises(CommandError, match="still wraps"):
        rotate("--retire", old)
    with pytest.raises(CommandError, match="is the active key"):
        rotate("--retire", "kek-nueva")
    rotate("--rewrap-only")
    rotate("--retire", old)


@pytest.mark.django_db
def test_rotation_is_refused_for_a_keyring_in_an_environment_variable(atencion):
    with pytest.raises(CommandError, match="VIOLETA_KEYRING is set"):
        rotate()


@pytest.mark.django_db
def test_another_process_picks_up_the_new_key_from_the_file(file_keyring, atencion):
    from violeta.crypto.keys import FileKeyProvider

    case = make_case(registered_by=atencion, account="relato compartido")
    other_server = FileKeyProvider(inline=None, path=file_keyring)  # loaded before rotation
    rotate()
    data_key = DataKey.objects.get(pk=case.data_key_id)
    # The unknown key id makes it re-read the keyring instead of failing.
    assert (
        len(
            other_server.unwrap(
                data_key.kek_id, bytes(data_key.wrapped), context=data_key.context()
            )
        )
        == 32
    )


@pytest.mark.django_db(transaction=True)
def test_records_keep_decrypting_while_keys_rotate(file_keyring, atencion):
    cases = [make_case(registered_by=atencion, account=f"relato {i}") for i in range(20)]
    expected = {case.pk: f"relato {i}" for i, case in enumerate(cases)}
    failures: list[BaseException] = []
    reads = 0
    stop = threading.Event()

    def reader():
        nonlocal reads
        try:
            while not stop.is_set():
                for case in Case.objects.select_related("data_key"):
                    assert case.account == expected[case.pk]
                    reads += 1
        except BaseException as exc:  # reported to the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        rotate()
        rotate()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []
    assert reads > 0
    active = key_provider().active_kek_id()
    assert kek_usage() == {active: DataKey.objects.count()}
