"""The data dir's own secret key, so `make run` and every `manage.py` command share one with nothing set."""

import os
import secrets
import tempfile
from pathlib import Path


def data_dir_secret_key(data_dir: Path) -> str:
    """Read DATA_DIR/secret_key, made once (owner-only) by whichever process first needs it."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")  # mode 0600
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)  # whole or not at all; a key another process linked first stands
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
