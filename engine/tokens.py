"""Token limits on generated text, counted the way ingestion counts them."""

from __future__ import annotations

from engine.ingest.tokens import token_spans


def truncate_tokens(text: str, limit: int) -> tuple[str, bool]:
    """The first `limit` tokens of `text`, and whether anything was cut."""
    for i, (_, end) in enumerate(token_spans(text)):
        if i + 1 == limit:
            return (text[:end], True) if text[end:].strip() else (text, False)
    return text, False
