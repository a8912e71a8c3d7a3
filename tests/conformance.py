"""Check JSON bodies against the schemas of the official OpenAI OpenAPI spec.

    assert_conforms(resp.json(), "OpenAIFile")

The spec is OpenAPI 3.1, so its schemas are JSON Schema 2020-12, plus a few OpenAPI 3.0 habits it
still carries. Two of them change what is valid and are rewritten: `nullable: true` becomes
`anyOf: [..., {"type": "null"}]`, and draft 2019-09's `$recursiveRef: "#"` (nested filters)
becomes a `$ref` to its own component. `x-*`, `discriminator`, `example` are annotations the validator
ignores, and `format` (e.g. `unixtime`) is not asserted.

One gap of the spec is bridged on purpose: list responses require `first_id`/`last_id` as
strings, which an empty list cannot have; OpenAI itself sends null there, so null is accepted.

Parsing the 3 MB YAML takes about half a second; the rewritten `components` are cached as JSON
under `.pytest_cache/`, keyed by the spec's sha256, and in memory for the rest of the process.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = ["SPEC_PATH", "assert_conforms", "schema_for"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = Path(
    os.environ.get(
        "OPENAI_OPENAPI_SPEC", PROJECT_ROOT.parent / "shared" / "openai-openapi" / "openapi.yaml"
    )
)
_CACHE_DIR = PROJECT_ROOT / ".pytest_cache" / "openai-openapi"
_SPEC_URI = "urn:openai-openapi"
# Bump when the rewriting below changes, so stale caches are not reused.
_REWRITE_VERSION = 3
# Values of these keys are data or annotations, not schemas: leave them untouched.
_OPAQUE_KEYS = frozenset({"example", "examples", "default", "enum", "const", "x-oaiMeta"})


def assert_conforms(body: dict | list, schema_name: str) -> None:
    """Fail with every violation of `components/schemas/<schema_name>`, each with its JSON path."""
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"body does not conform to {schema_name} ({len(errors)} violation(s)):"]
        lines += [f"  {_describe(error)}" for error in errors]
        lines.append(f"  body: {_shorten(json.dumps(body, default=str), 600)}")
        raise AssertionError("\n".join(lines))


def schema_for(schema_name: str) -> dict:
    """The (nullable-rewritten) schema `components/schemas/<schema_name>`."""
    schemas = _components()["schemas"]
    if schema_name not in schemas:
        close = difflib.get_close_matches(schema_name, schemas, n=5)
        raise KeyError(f"no schema {schema_name!r} in {SPEC_PATH.name}; close: {close}")
    return copy.deepcopy(schemas[schema_name])  # callers may not edit the shared cache


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    if schema_name not in _components()["schemas"]:
        schema_for(schema_name)  # raises a KeyError that suggests close names
    root = {"$ref": f"{_SPEC_URI}#/components/schemas/{schema_name}"}
    return Draft202012Validator(root, registry=_registry())


@cache
def _registry() -> Registry:
    # The spec as a resource, less `paths`: every `$ref` in it points into `#/components/...`.
    resource = DRAFT202012.create_resource({"components": _components()})
    return Registry().with_resource(_SPEC_URI, resource)


@cache
def _components() -> dict:
    raw = SPEC_PATH.read_bytes()
    key = hashlib.sha256(raw).hexdigest()[:16]
    cached = _CACHE_DIR / f"components-{key}-v{_REWRITE_VERSION}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    components = _rewrite_nullable(yaml.load(raw, Loader=_SpecLoader)["components"])
    for name, schema in components["schemas"].items():
        if isinstance(schema, dict) and schema.pop("$recursiveAnchor", False):
            _rewrite_recursive_ref(schema, f"#/components/schemas/{name}")
        if name.startswith("List") and isinstance(schema, dict):
            _allow_null_cursors(schema)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(components), encoding="utf-8")
        tmp.replace(cached)
        for stale in cached.parent.glob("components-*.json"):
            if stale != cached:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout still validates, only slower
    return components


def _allow_null_cursors(schema: dict) -> None:
    """An empty list has no first or last id: accept null where the spec demands a string."""
    for cursor in ("first_id", "last_id"):
        prop = schema.get("properties", {}).get(cursor)
        if isinstance(prop, dict) and prop.get("type") == "string":
            schema["properties"][cursor] = {"anyOf": [prop, {"type": "null"}]}


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as JSON sees it: `2024-10-01` stays a string (an enum value must match a string)."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _rewrite_nullable(node: Any) -> Any:
    """Turn OpenAPI 3.0's `nullable: true` into JSON Schema that also accepts null."""
    if isinstance(node, list):
        return [_rewrite_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    nullable = node.get("nullable") is True  # not a `properties` entry named "nullable"
    if nullable:
        del node["nullable"]
    if "allOf" in node:
        # `allOf: [{$ref: X}, {nullable: true}]` means "X or null": the flag sits in a member.
        flags = [m for m in node["allOf"] if _is_nullable_flag(m)]
        if flags:
            nullable = True
            node["allOf"] = [m for m in node["allOf"] if not _is_nullable_flag(m)]
    out = {k: (v if k in _OPAQUE_KEYS else _rewrite_nullable(v)) for k, v in node.items()}
    return {"anyOf": [out, {"type": "null"}]} if nullable else out


def _rewrite_recursive_ref(node: Any, target: str) -> None:
    """Draft 2019-09's `$recursiveRef: "#"` (CompoundFilter nesting) as a 2020-12 `$ref`."""
    if isinstance(node, list):
        for item in node:
            _rewrite_recursive_ref(item, target)
    elif isinstance(node, dict):
        if node.get("$recursiveRef") == "#":
            del node["$recursiveRef"]
            node["$ref"] = target
        for key, value in node.items():
            if key not in _OPAQUE_KEYS:
                _rewrite_recursive_ref(value, target)


def _is_nullable_flag(member: Any) -> bool:
    """An allOf member that only says `nullable: true` (plus annotations)."""
    annotations = {"nullable", "description", "title", "default", "deprecated"}
    return (
        isinstance(member, dict) and member.get("nullable") is True and set(member) <= annotations
    )


def _describe(error: ValidationError) -> str:
    text = f"{error.json_path}: {_shorten(error.message, 300)}"
    if error.context:  # anyOf/oneOf: say why each branch failed (first reason per branch)
        reasons: dict[Any, str] = {}
        for sub in error.context:
            branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
            reasons.setdefault(branch, f"{sub.json_path}: {_shorten(sub.message, 160)}")
        text += " [branches: " + "; ".join(list(reasons.values())[:6]) + "]"
    return text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
