"""Load the Exa key from the environment or a secrets file, and refuse to start without one."""

import os
import sys
from pathlib import Path


def exa_api_key() -> str:
    """EXA_API_KEY, or the file named by EXA_API_KEY_FILE (a mounted Kubernetes or Vault secret)."""
    key = os.environ.get("EXA_API_KEY", "").strip()
    key_file = os.environ.get("EXA_API_KEY_FILE")
    if not key and key_file:
        key = Path(key_file).read_text(encoding="utf-8").strip()
    if not key:
        sys.exit("EXA_API_KEY is not set: export it from your secret store, see docs/exa/security/")
    return key


key = exa_api_key()
# Show only that a key is present and which one: the last four characters, never the whole key.
print(f"Exa key loaded (…{key[-4:]}, {len(key)} characters)")
