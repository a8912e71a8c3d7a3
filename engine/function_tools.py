"""Function tools: the built-in model cannot call functions, so a request that offers or forces
them is refused with the same 400 on every endpoint (chat completions, assistants, runs)
instead of being answered with plain text. Upstream models receive function tools: chat
completions pass them through as sent, runs send the run's function tools (the engine performs
file_search itself) and hand the model's calls to the client (`requires_action`)."""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidRequest

BUILT_IN_NO_FUNCTIONS = (
    "The '{kind}' tool is not supported by this engine's built-in model (it answers from "
    "documents only); use an upstream model for function calling."
)
BUILT_IN_NO_TOOL_CHOICE = (
    "tool_choice asks for a tool call, which this engine's built-in model cannot make;"
    " use an upstream model for function calling."
)
NO_CODE_INTERPRETER = (
    "The 'code_interpreter' tool is not supported by this engine; use file_search or function"
    " tools."
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
    if extra.get("tool_choice") not in (None, "none", "auto"):
        raise InvalidRequest(BUILT_IN_NO_TOOL_CHOICE, param="tool_choice",
                             code="unsupported_tool")


def check_assistant_tools(tools: list[dict[str, Any]], *, built_in: bool,
                          param: str = "tools") -> None:
    """The tools of an assistant or run: file_search always, functions with upstream models."""
    for i, tool in enumerate(tools):
        kind = tool.get("type")
        if kind == "code_interpreter":
            raise InvalidRequest(NO_CODE_INTERPRETER, param=f"{param}[{i}].type",
                                 code="unsupported_tool")
        if kind == "function" and built_in:
            raise InvalidRequest(BUILT_IN_NO_FUNCTIONS.format(kind=kind),
                                 param=f"{param}[{i}].type", code="unsupported_tool")


def check_tool_choice(choice: Any, tools: list[dict[str, Any]], *, built_in: bool) -> None:
    """A run's tool_choice: forcing a call needs an upstream model; a named function must be
    one of the run's tools."""
    if choice in (None, "none", "auto"):
        return
    if isinstance(choice, dict) and choice.get("type") == "file_search":
        return  # the engine performs file_search on every run that has the tool
    if built_in:
        raise InvalidRequest(BUILT_IN_NO_TOOL_CHOICE, param="tool_choice",
                             code="unsupported_tool")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        if choice.get("type") != "function" or not name:
            raise InvalidRequest("tool_choice must name a function: {\"type\": \"function\","
                                 " \"function\": {\"name\": …}}.", param="tool_choice")
        if name not in {t["function"]["name"] for t in function_tools(tools)}:
            raise InvalidRequest(f"tool_choice names the function '{name}', which is not one"
                                 " of the run's tools.", param="tool_choice.function.name")


def function_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in tools if t.get("type") == "function"]


def upstream_tool_fields(run: dict[str, Any], *, first_call: bool) -> dict[str, Any]:
    """`tools`, `tool_choice` and `parallel_tool_calls` of a run's chat-completions request.

    A forcing tool_choice (`required`, a named function) applies to the run's first model call
    only: once outputs come back the model may answer, or it would call tools for ever.
    """
    tools = function_tools(run.get("tools") or [])
    if not tools:
        return {}
    fields: dict[str, Any] = {"tools": tools,
                              "parallel_tool_calls": bool(run.get("parallel_tool_calls", True))}
    choice = run.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") != "function":
        choice = None  # file_search is the engine's own, not the upstream's
    if choice is not None and not first_call and choice != "none":
        choice = "auto"
    if choice is not None:
        fields["tool_choice"] = choice
    return fields
