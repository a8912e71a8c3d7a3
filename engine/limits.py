"""OpenAI's documented size limits, checked on every JSON body before a route sees it.

- `metadata` (anywhere in a body): at most 16 keys, keys up to 64 characters, string values up
  to 512 characters;
- `attributes` of vector-store files: the same 16 / 64 / 512;
- `instructions`, `additional_instructions`: up to 256,000 characters;
- message `content` (threads, messages, runs): up to 256,000 characters of text;
- assistant `name` up to 256, `description` up to 512 characters.

A breach is a 400 that names the parameter (`messages[0].content`, `metadata`).
"""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidRequest

MAX_MAP_KEYS, MAX_MAP_KEY, MAX_MAP_VALUE = 16, 64, 512
MAX_INSTRUCTIONS = 256_000
MAX_CONTENT = 256_000
MAX_NAME, MAX_DESCRIPTION = 256, 512
_MAX_DEPTH = 32


def check_body(path: str, body: Any) -> None:
    """Raise InvalidRequest for the first value of `body` over a limit."""
    chat = path.endswith("/chat/completions")
    assistant = path.startswith("/v1/assistants")
    _walk(body, "", chat=chat, assistant=assistant, depth=0)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _walk(value: Any, at: str, *, chat: bool, assistant: bool, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise InvalidRequest("The request body is nested too deeply.", param=at or None)
    if isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{at}[{i}]", chat=chat, assistant=assistant, depth=depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        param = _join(at, str(key))
        if key in ("metadata", "attributes") and isinstance(item, dict):
            _check_map(item, param, strings_only=key == "metadata")
            continue
        if key in ("instructions", "additional_instructions") and isinstance(item, str):
            _check_length(item, MAX_INSTRUCTIONS, param)
        elif key == "content" and not chat:
            _check_length(_content_text(item), MAX_CONTENT, param)
        elif assistant and at == "" and key == "name" and isinstance(item, str):
            _check_length(item, MAX_NAME, param)
        elif assistant and at == "" and key == "description" and isinstance(item, str):
            _check_length(item, MAX_DESCRIPTION, param)
        _walk(item, param, chat=chat, assistant=assistant, depth=depth + 1)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _check_length(text: str, limit: int, param: str) -> None:
    if len(text) > limit:
        raise InvalidRequest(
            f"'{param}' is {len(text):,} characters long; at most {limit:,} are allowed.",
            param=param, code="string_above_max_length")


def _check_map(values: dict, param: str, *, strings_only: bool) -> None:
    if len(values) > MAX_MAP_KEYS:
        raise InvalidRequest(
            f"'{param}' has {len(values)} keys; at most {MAX_MAP_KEYS} are allowed.",
            param=param, code="object_above_max_properties")
    for key, value in values.items():
        if len(key) > MAX_MAP_KEY:
            raise InvalidRequest(
                f"A key of '{param}' is {len(key)} characters long; at most {MAX_MAP_KEY} are"
                " allowed.", param=param, code="string_above_max_length")
        if strings_only and not isinstance(value, str):
            raise InvalidRequest(f"Values of '{param}' must be strings ('{key[:64]}' is not).",
                                 param=f"{param}.{key}", code="invalid_type")
        if isinstance(value, str) and len(value) > MAX_MAP_VALUE:
            raise InvalidRequest(
                f"'{param}.{key}' is {len(value):,} characters long; at most {MAX_MAP_VALUE} are"
                " allowed.", param=f"{param}.{key}", code="string_above_max_length")
