from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from violeta.audit.context import audit_context
from violeta.audit.models import AuditOrigin
from violeta.audit.services import audit_record
from violeta.crypto.keys import (
    FileKeyProvider,
    key_provider,
    new_kek_id,
    new_key,
    write_keyring_file,
)
from violeta.crypto.services import data_keys_rewrap, kek_usage


class Command(BaseCommand):
    help = (
        "Rotate the key-encryption key: add a new one, make it active and re-wrap every data "
        "key under it while the system keeps serving. --rewrap-only re-wraps under the current "
        "active key; --retire KEK_ID removes a key from the keyring once nothing uses it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rewrap-only", action="store_true")
        group.add_argument("--retire", metavar="KEK_ID")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(origin=AuditOrigin.COMMAND):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        provider = key_provider()
        if isinstance(provider, FileKeyProvider):
            provider.reload()
        if options["retire"]:
            self._retire(provider, options["retire"])
            return
        if not options["rewrap_only"]:
            self._add_active_key(provider)
        report = data_keys_rewrap(batch_size=options["batch_size"])
        usage = kek_usage()
        audit_record(
            action="key_rotation",
            detail={"active": provider.active_kek_id(), "rewrapped": report.rewrapped},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Active key {provider.active_kek_id()}: {report.rewrapped} data key(s) "
                f"re-wrapped, {report.already_current} already current, {report.raced} changed "
                "meanwhile (run --rewrap-only again for those)."
            )
        )
        for kek_id in sorted(provider.kek_ids()):
            self.stdout.write(f"  {kek_id}: wraps {usage.get(kek_id, 0)} live data key(s)")

    def _writable(self, provider: Any) -> FileKeyProvider:
        if not isinstance(provider, FileKeyProvider) or not provider.writable:
            raise CommandError(
                "The keyring is not a file this command can change (VIOLETA_KEYRING is set, or "
                "another key provider is configured). Add the new key there, make it active, "
                "then run `rotate_keys --rewrap-only`."
            )
        return provider

    def _add_active_key(self, provider: Any) -> None:
        file_provider = self._writable(provider)
        data = file_provider.raw()
        kek_id = new_kek_id()
        data["keys"][kek_id] = new_key()
        data["active"] = kek_id
        assert file_provider.path is not None  # noqa: S101 - writable implies a path
        write_keyring_file(Path(file_provider.path), data)
        file_provider.reload()
        self.stdout.write(f"New active key-encryption key: {kek_id}")

    def _retire(self, provider: Any, kek_id: str) -> None:
        file_provider = self._writable(provider)
        if kek_id not in file_provider.kek_ids():
            raise CommandError(f"{kek_id} is not in the keyring.")
        if kek_id == file_provider.active_kek_id():
            raise CommandError(f"{kek_id} is the active key; rotate first.")
        in_use = kek_usage().get(kek_id, 0)
        if in_use:
            raise CommandError(
                f"{kek_id} still wraps {in_use} data key(s); run `rotate_keys --rewrap-only`."
            )
        data = file_provider.raw()
        del data["keys"][kek_id]
        assert file_provider.path is not None  # noqa: S101
        write_keyring_file(Path(file_provider.path), data)
        file_provider.reload()
        audit_record(action="key_rotation", detail={"retired": kek_id})
        self.stdout.write(self.style.SUCCESS(f"Retired {kek_id}."))
