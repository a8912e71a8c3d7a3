"""Small helpers for reading pypdf objects defensively (untrusted files hold any type anywhere)."""

from __future__ import annotations

from typing import Any

from pypdf.generic import BooleanObject, DictionaryObject, IndirectObject


def resolve(value: Any) -> Any:
    """The object an indirect reference points to; anything else as it is."""
    return value.get_object() if isinstance(value, IndirectObject) else value


def get(mapping: Any, key: str) -> Any:
    """`mapping[key]` resolved, or None when `mapping` is not a dictionary or lacks the key."""
    return resolve(mapping.get(key)) if isinstance(mapping, DictionaryObject) else None


def is_true(value: Any) -> bool:
    """A PDF boolean that is true (pypdf's BooleanObject is truthy even when false)."""
    value = resolve(value)
    return isinstance(value, BooleanObject) and bool(value.value)


def as_int(value: Any) -> int | None:
    value = resolve(value)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def text_of(value: Any) -> str:
    """A PDF string as text, stripped; "" for anything else."""
    value = resolve(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bytes):
        return value.decode("latin-1").strip()
    return ""
