"""Function tools and the built-in model: it cannot call functions, so a request that offers
or forces them is refused with the same 400 on both endpoints (chat completions here, runs
and assistants through `resources.check_tools`) instead of being answered with plain text.
Upstream models receive function tools as sent."""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidRequest

BUILT_IN_NO_FUNCTIONS = (
    "The '{kind}' tool is not supported by this engine's built-in model (it answers from "
    "documents only); use an upstream model for function calling."
)


def refuse_function_tools(extra: dict[str, Any]) -> None:
    """Refuse `tools` / `tool_choice` / `functions` of a chat completion for the built-in model.

    An empty tool list and `tool_choice: "none"` ask for nothing and pass.
    """
    tools = extra.get("tools")
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            kind = tool.get("type", "function") if isinstance(tool, dict) else "function"
            raise InvalidRequest(
                BUILT_IN_NO_FUNCTIONS.format(kind=kind), param=f"tools[{i}].type",
                code="unsupported_tool",
            )
    elif tools is not None:
        raise InvalidRequest("'tools' must be a list of tools.", param="tools")
    if extra.get("functions"):
        raise InvalidRequest(
            BUILT_IN_NO_FUNCTIONS.format(kind="function"), param="functions",
            code="unsupported_tool",
        )
    choice = extra.get("tool_choice")
    if choice not in (None, "none", "auto"):
        raise InvalidRequest(
            "tool_choice asks for a tool call, which this engine's built-in model cannot make;"
            " use an upstream model for function calling.",
            param="tool_choice", code="unsupported_tool",
        )
