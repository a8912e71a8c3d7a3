"""Object ids in OpenAI's shapes (`file-…`, `vs_…`, `asst_…`) and the clock."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def new_id(prefix: str) -> str:
    """A random id such as `file-3fZ…`; prefixes carry their own separator."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def now() -> int:
    return int(time.time())
