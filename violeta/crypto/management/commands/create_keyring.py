from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from violeta.crypto.keys import new_keyring, write_keyring_file


class Command(BaseCommand):
    help = (
        "Create the keyring file (VIOLETA_KEYRING_FILE) with a new key-encryption key and "
        "blind-index key, unless it exists. Keep it off the database server and out of "
        "database backups."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.VIOLETA_KEYRING:
            self.stdout.write("The keyring comes from VIOLETA_KEYRING; nothing to create.")
            return
        path = Path(settings.VIOLETA_KEYRING_FILE)
        if path.exists():
            self.stdout.write(f"Keyring already exists: {path}")
            return
        write_keyring_file(path, new_keyring())
        self.stdout.write(self.style.SUCCESS(f"Keyring created: {path} (mode 0600)"))
