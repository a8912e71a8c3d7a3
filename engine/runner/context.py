"""What a run works from: its conversation, question, vector stores and limits."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from engine import objects
from engine.llm.local import count_prompt_tokens
from engine.runner.answering import UPSTREAM_RULES, UPSTREAM_TOOL_RULES, numbered_sources
from engine.search import Hit
from engine.tokens import truncate_tokens


@dataclass
class RunContext:
    question: str
    conversation: list[dict[str, str]]  # role/content pairs, oldest first, after truncation
    instructions: str
    store_ids: list[str]
    file_search: dict[str, Any] | None  # the file_search tool's settings, None when disabled
    max_prompt_tokens: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def search_question(self) -> str:
        """What to search and answer for: the question, with the previous question in front
        when this one follows up on it ("How did that compare with a year earlier?")."""
        previous = [m["content"] for m in self.conversation if m["role"] == "user"][:-1]
        if previous and is_follow_up(self.question):
            return f"{previous[-1].strip()} {self.question.strip()}"
        return self.question

    def fit_prompt(self, hits: list[Hit], context_tokens: int | None = None) -> list[Hit]:
        """Bound the prompt by `max_prompt_tokens` (the run's) and `context_tokens` (the
        engine's): the oldest messages go first, keeping the question; then the weakest
        sources."""
        limits = [n for n in (self.max_prompt_tokens, context_tokens) if n]
        if not limits:
            return hits
        budget = min(limits)
        self._fit_conversation(budget)
        fixed = count_prompt_tokens(self.instructions) + sum(
            count_prompt_tokens(m["content"]) for m in self.conversation)
        kept, used = [], fixed
        for hit in hits:
            cost = count_prompt_tokens(hit.text)
            if used + cost > budget:
                break
            kept.append(hit)
            used += cost
        return kept

    def _fit_conversation(self, budget: int) -> None:
        """Leave out the oldest messages while they and the instructions exceed half the
        budget (the other half is for sources); the last message stays, cut if need be."""
        allowance = budget // 2 - count_prompt_tokens(self.instructions)
        kept: list[dict[str, str]] = []
        used = 0
        for message in reversed(self.conversation):
            cost = count_prompt_tokens(message["content"])
            if kept and used + cost > allowance:
                self.notes.append(f"{len(self.conversation) - len(kept)} older messages were"
                                  " left out to fit the model's context.")
                break
            if not kept and cost > allowance:
                message = {**message, "content": truncate_tokens(message["content"],
                                                                 max(allowance, 1))[0]}
                cost = allowance
            kept.append(message)
            used += cost
        self.conversation = list(reversed(kept))


# Words that point back at the conversation: pronouns, "the same", "what about". A comparison
# ("How did operating expenses compare with revenue?") names its own subjects: only a word
# that stands for something said before makes a follow-up ("How did that compare…?").
_POINTS_BACK = re.compile(
    r"\b(?:it|those|these|they|them|same|other|also|too|either"
    r"|above|aforementioned|former|latter)\b"
    r"|\b(?:that|this)\s*[?.!]*\s*$|^\s*(?:and|but|what about|how about|and what|so)\b"
    r"|\b(?:how\s+(?:did|does|do|has|have)|what)\s+(?:that|this)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_WORDS = 16


# "its" and "their" point back only in a question too short to name what they stand for:
# "What were its revenues?", not "How do I stop camlidl from including the header in its code?".
_POSSESSIVE = re.compile(r"\b(?:its|their)\b", re.IGNORECASE)
_POSSESSIVE_WORDS = 6


def is_follow_up(question: str) -> bool:
    """A short question that points back at what was said before."""
    words = len(question.split())
    return words <= _FOLLOW_UP_WORDS and (
        _POINTS_BACK.search(question) is not None
        or (words <= _POSSESSIVE_WORDS and _POSSESSIVE.search(question) is not None))


def _text(message: dict[str, Any]) -> str:
    return "\n\n".join(p["text"]["value"] for p in message.get("content", [])
                       if p.get("type") == "text")


def gather_context(conn: sqlite3.Connection, run: dict[str, Any]) -> RunContext:
    assistant = objects.fetch(conn, "assistants", run["assistant_id"])
    thread = objects.fetch(conn, "threads", run["thread_id"])
    rows = conn.execute(
        "SELECT data FROM messages WHERE thread_id = ? AND (run_id IS NULL OR run_id != ?)"
        " ORDER BY seq", (run["thread_id"], run["id"]),
    ).fetchall()
    messages = [objects.render(r) for r in rows]
    conversation = [{"role": m["role"], "content": _text(m)} for m in messages if _text(m)]
    strategy = run.get("truncation_strategy") or {}
    if strategy.get("type") == "last_messages" and strategy.get("last_messages"):
        conversation = conversation[-int(strategy["last_messages"]):]
    question = next((m["content"] for m in reversed(conversation) if m["role"] == "user"), "")
    store_ids: list[str] = []
    for owner in (assistant, thread):
        resources = owner.get("tool_resources") or {}
        store_ids += (resources.get("file_search") or {}).get("vector_store_ids") or []
    file_search = next((t.get("file_search") or {} for t in run.get("tools") or []
                        if t.get("type") == "file_search"), None)
    return RunContext(
        question=question, conversation=conversation,
        instructions=run.get("instructions") or "",
        store_ids=list(dict.fromkeys(store_ids)), file_search=file_search,
        max_prompt_tokens=run.get("max_prompt_tokens"),
    )


def upstream_payload(ctx: RunContext, run: dict[str, Any], hits: list[Hit]) -> dict[str, Any]:
    """The chat-completions request an upstream model gets: rules, sources, then the thread."""
    if any(t.get("type") == "function" for t in run.get("tools") or []):
        # With functions the sources are one place to look, not the only one.
        parts = [ctx.instructions, UPSTREAM_TOOL_RULES,
                 "Sources:\n" + numbered_sources(hits) if hits else ""]
    else:
        parts = [ctx.instructions, UPSTREAM_RULES,
                 "Sources:\n" + (numbered_sources(hits) or "(none found)")]
    system = "\n\n".join(p for p in parts if p)
    payload: dict[str, Any] = {
        "model": run["model"],
        "messages": [{"role": "system", "content": system}, *ctx.conversation],
    }
    for key in ("temperature", "top_p"):
        if run.get(key) is not None:
            payload[key] = run[key]
    if run.get("max_completion_tokens"):
        payload["max_completion_tokens"] = run["max_completion_tokens"]
    return payload
