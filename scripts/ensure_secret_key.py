"""Create var/secret_key for local use if it does not exist. Production uses SECRET_KEY."""

import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else "var/secret_key")
path.parent.mkdir(parents=True, exist_ok=True)
if not path.exists():
    path.write_text(secrets.token_urlsafe(64) + "\n", encoding="utf-8")
    path.chmod(0o600)
