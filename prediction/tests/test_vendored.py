import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static" / "vendor"


def test_vendored_files_match_the_recorded_sha256():
    table = (STATIC / "VENDORED.md").read_text()
    rows = re.findall(r"\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|", table)
    assert rows
    for name, digest in rows:
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
