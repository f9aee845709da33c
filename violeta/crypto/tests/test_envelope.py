"""Property tests of the field cipher and the key wrapping."""

import json
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from violeta.crypto import envelope
from violeta.crypto.keys import FileKeyProvider, KeyUnavailable, new_keyring, parse_keyring

KEY = secrets.token_bytes(32)
AAD = envelope.field_aad(label="cases.Case", field="account", pk="1")


@given(st.text())
def test_any_text_round_trips(text):
    assert envelope.decrypt(KEY, envelope.encrypt(KEY, text, aad=AAD), aad=AAD) == text


@given(st.text(min_size=1), st.data())
def test_a_changed_byte_of_ciphertext_fails_loudly(text, data):
    token = envelope.encrypt(KEY, text, aad=AAD)
    prefix, _, payload = token.partition(".")
    import base64

    raw = bytearray(base64.urlsafe_b64decode(payload))
    index = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    raw[index] ^= data.draw(st.integers(min_value=1, max_value=255))
    tampered = f"{prefix}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(KEY, tampered, aad=AAD)


@given(st.text(), st.sampled_from(["field", "label", "pk"]))
def test_other_associated_data_fails_loudly(text, part):
    token = envelope.encrypt(KEY, text, aad=AAD)
    other = {
        "field": envelope.field_aad(label="cases.Case", field="notes", pk="1"),
        "label": envelope.field_aad(label="cases.CaseNote", field="account", pk="1"),
        "pk": envelope.field_aad(label="cases.Case", field="account", pk="2"),
    }[part]
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(KEY, token, aad=other)


def test_another_key_fails_loudly():
    token = envelope.encrypt(KEY, "relato", aad=AAD)
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(secrets.token_bytes(32), token, aad=AAD)


@pytest.mark.parametrize("token", ["", "v2.AAAA", "v1.", "v1.@@@", "plain text"])
def test_malformed_tokens_fail_loudly(token):
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(KEY, token, aad=AAD)


def provider_with(keyring):
    return FileKeyProvider(inline=json.dumps(keyring), path=None)


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=1, max_size=16))
def test_wrapped_data_keys_round_trip(dek, context):
    provider = provider_with(new_keyring())
    kek_id, wrapped = provider.wrap(dek, context=context)
    assert provider.unwrap(kek_id, wrapped, context=context) == dek


def test_a_wrapped_key_moved_to_another_record_fails():
    provider = provider_with(new_keyring())
    kek_id, wrapped = provider.wrap(secrets.token_bytes(32), context=b"record-1")
    with pytest.raises(KeyUnavailable):
        provider.unwrap(kek_id, wrapped, context=b"record-2")


def test_a_relabelled_key_id_fails():
    keyring = new_keyring()
    second = "kek-otro"
    fresh = new_keyring()
    keyring["keys"][second] = fresh["keys"][fresh["active"]]
    provider = provider_with(keyring)
    _kek_id, wrapped = provider.wrap(secrets.token_bytes(32), context=b"r")
    with pytest.raises(KeyUnavailable):
        provider.unwrap(second, wrapped, context=b"r")
    with pytest.raises(KeyUnavailable, match="not in the keyring"):
        provider.unwrap("kek-desconocida", wrapped, context=b"r")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda k: k.update(active="nope"), "active key 'nope' is not in 'keys'"),
        (lambda k: k.update(keys={}), "'keys' must map"),
        (lambda k: k["keys"].update({k["active"]: "@@@"}), "not valid base64"),
        (lambda k: k["keys"].update({k["active"]: "AAAA"}), "must be 32 bytes"),
        (lambda k: k.pop("blind_index_key"), "blind_index_key"),
    ],
)
def test_a_bad_keyring_is_refused_with_a_clear_message(mutate, message):
    keyring = new_keyring()
    mutate(keyring)
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring(keyring)


def test_missing_keyring_file_says_how_to_create_it(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="create_keyring"):
        FileKeyProvider(inline=None, path=tmp_path / "keyring.json")
