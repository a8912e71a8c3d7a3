"""The chat conversation of one session (placeholder until the copilot lands)."""

from __future__ import annotations


def known_thread_ids() -> list[str]:
    return []
