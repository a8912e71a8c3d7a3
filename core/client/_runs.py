"""Runs and run steps: create (plain or streamed), list, modify, cancel, wait, answer.

`create_run` / `create_thread_and_run` themselves are defined on each client (their return
type depends on `stream=`); their steps are `_create_run_op` / `_create_thread_and_run_op`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client._base import coerce_params, request_body, require_id
from core.client._messages import MessagesMixin
from core.client._pagination import PageSpec, RunListQueryParameters, RunStepListQueryParameters
from core.client._polling import RUN_TERMINAL
from core.client._steps import Steps, api, api_paged, api_run_stream
from core.client._streaming import StreamSpec
from core.errors import InvalidArgumentError, RunFailedError
from core.types.messages import Message
from core.types.run_steps import RunStep
from core.types.runs import (
    Run,
    RunCreateParams,
    RunUpdateParams,
    SubmitToolOutputsParams,
    ThreadAndRunCreateParams,
)
from core.types.shared import ListResponse

RunParams = RunCreateParams | Mapping[str, Any] | None
ThreadAndRunParams = ThreadAndRunCreateParams | Mapping[str, Any] | None
ToolOutputsParams = SubmitToolOutputsParams | Mapping[str, Any] | None


def _runs_path(thread_id: str, run_id: str | None = None) -> str:
    path = f"/threads/{require_id('thread_id', thread_id)}/runs"
    return path if run_id is None else f"{path}/{require_id('run_id', run_id)}"


def _include(include: list[str] | None) -> dict[str, list[str]] | None:
    return {"include[]": include} if include else None


class RunsMixin(MessagesMixin):
    def _create_run_op(
        self,
        thread_id: str,
        params: RunParams,
        *,
        stream: bool,
        include: list[str] | None,
        fields: dict[str, Any],
    ) -> Steps[Run | StreamSpec]:
        if stream:
            fields["stream"] = True
        body = coerce_params(RunCreateParams, params, fields)
        path = _runs_path(thread_id)
        response = yield from self._request_op(
            "POST", path, json_body=request_body(body), params=_include(include),
            stream=bool(body.stream),
        )  # fmt: skip
        return StreamSpec(response) if body.stream else self._parse(response, Run)

    def _create_thread_and_run_op(
        self, params: ThreadAndRunParams, *, stream: bool, fields: dict[str, Any]
    ) -> Steps[Run | StreamSpec]:
        if stream:
            fields["stream"] = True
        body = coerce_params(ThreadAndRunCreateParams, params, fields)
        response = yield from self._request_op(
            "POST", "/threads/runs", json_body=request_body(body), stream=bool(body.stream)
        )
        return StreamSpec(response) if body.stream else self._parse(response, Run)

    def _run_op(self, thread_id: str, params: RunParams, fields: dict[str, Any]) -> Steps[Run]:
        run = yield from self._create_run_op(
            thread_id, params, stream=False, include=None, fields=fields
        )
        assert isinstance(run, Run)
        return run

    @api_run_stream
    def stream_run(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> Steps[StreamSpec]:
        """`create_run(..., stream=True)`: iterate the run's typed events as they happen."""
        spec = yield from self._create_run_op(
            thread_id, params, stream=True, include=None, fields=fields
        )
        assert isinstance(spec, StreamSpec)
        return spec

    @api
    def get_run(self, thread_id: str, run_id: str) -> Steps[Run]:
        return (yield from self._get_op(_runs_path(thread_id, run_id), Run))

    @api_paged
    def get_runs(
        self, thread_id: str, query: RunListQueryParameters | None = None, /, **params: Any
    ) -> Steps[PageSpec[Run]]:
        query = coerce_params(RunListQueryParameters, query, params)
        return (yield from self._list_op(_runs_path(thread_id), Run, query))

    @api
    def modify_run(
        self,
        thread_id: str,
        run_id: str,
        params: RunUpdateParams | Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Steps[Run]:
        body = coerce_params(RunUpdateParams, params, fields)
        return (yield from self._post_op(_runs_path(thread_id, run_id), Run, body))

    @api
    def cancel_run(self, thread_id: str, run_id: str) -> Steps[Run]:
        return (yield from self._post_op(f"{_runs_path(thread_id, run_id)}/cancel", Run, None))

    def _submit_tool_outputs_op(
        self, thread_id: str, run_id: str, params: ToolOutputsParams, *, stream: bool,
        fields: dict[str, Any],
    ) -> Steps[Run | StreamSpec]:
        if stream:
            fields["stream"] = True
        body = coerce_params(SubmitToolOutputsParams, params, fields)
        if body.stream and not stream:
            raise InvalidArgumentError("stream=True: use stream_submit_tool_outputs")
        response = yield from self._request_op(
            "POST", f"{_runs_path(thread_id, run_id)}/submit_tool_outputs",
            json_body=request_body(body), stream=bool(body.stream),
        )  # fmt: skip
        return StreamSpec(response) if body.stream else self._parse(response, Run)

    @api
    def submit_tool_outputs(
        self, thread_id: str, run_id: str, params: ToolOutputsParams = None, /, **fields: Any
    ) -> Steps[Run]:
        """Answer a run in `requires_action` with the outputs of its function calls
        (`tool_outputs=[{"tool_call_id": …, "output": …}]`, one per pending call)."""
        run = yield from self._submit_tool_outputs_op(
            thread_id, run_id, params, stream=False, fields=fields)
        assert isinstance(run, Run)
        return run

    @api
    def submit_tool_outputs_and_poll(
        self, thread_id: str, run_id: str, params: ToolOutputsParams = None, /, **fields: Any
    ) -> Steps[Run]:
        """Submit the outputs, then poll the run until it stops again: `completed` (or another
        end), or `requires_action` when the model calls functions once more."""
        run = yield from self._submit_tool_outputs_op(
            thread_id, run_id, params, stream=False, fields=fields)
        assert isinstance(run, Run)
        return (yield from self._wait_for_run_op(thread_id, run.id))

    @api_run_stream
    def stream_submit_tool_outputs(
        self, thread_id: str, run_id: str, params: ToolOutputsParams = None, /, **fields: Any
    ) -> Steps[StreamSpec]:
        """`submit_tool_outputs(..., stream=True)`: iterate the continuing run's typed events."""
        spec = yield from self._submit_tool_outputs_op(
            thread_id, run_id, params, stream=True, fields=fields)
        assert isinstance(spec, StreamSpec)
        return spec

    @api
    def wait_for_run_to_complete(self, thread_id: str, run_id: str) -> Steps[Run]:
        """Poll a run until it stops: completed, failed, cancelled, expired, incomplete, or
        requires_action (which waits on the caller)."""
        return (yield from self._wait_for_run_op(thread_id, run_id))

    def _wait_for_run_op(self, thread_id: str, run_id: str) -> Steps[Run]:
        return (
            yield from self._poll_op(
                _runs_path(thread_id, run_id),
                Run,
                object_type="run",
                object_id=run_id,
                terminal=RUN_TERMINAL,
            )
        )

    @api
    def run_and_get_assistant_message(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> Steps[Message]:
        """Run, wait, and return the assistant's message of that run, annotations included.

        Raises RunFailedError when the run ends in any status but `completed`.
        """
        return (yield from self._run_and_get_message_op(thread_id, params, fields))

    def _run_and_get_message_op(
        self, thread_id: str, params: RunParams, fields: dict[str, Any]
    ) -> Steps[Message]:
        created = yield from self._run_op(thread_id, params, fields)
        run = yield from self._wait_for_run_op(thread_id, created.id)
        if run.status != "completed":
            error = run.last_error.message if run.last_error else None
            raise RunFailedError(run.id, run.status, error)
        query: dict[str, Any] = {"run_id": run.id, "order": "desc", "limit": 100}
        while True:
            listing = yield from self._get_op(
                f"/threads/{thread_id}/messages", ListResponse[Message], query
            )
            for message in listing.data:
                if message.role == "assistant":
                    return message
            if not (listing.has_more and listing.data):
                break
            query["after"] = listing.last_id or listing.data[-1].id
        raise RunFailedError(run.id, run.status, "the run completed without an assistant message")

    @api
    def run_and_get_assistant_response(
        self, thread_id: str, params: RunParams = None, /, **fields: Any
    ) -> Steps[str]:
        """Run, wait, and return the text of the assistant's answer (the seed's contract)."""
        return (yield from self._run_and_get_message_op(thread_id, params, fields)).text

    @api
    def get_run_step(
        self, thread_id: str, run_id: str, step_id: str, *, include: list[str] | None = None
    ) -> Steps[RunStep]:
        path = f"{_runs_path(thread_id, run_id)}/steps/{require_id('step_id', step_id)}"
        return (yield from self._get_op(path, RunStep, _include(include)))

    @api_paged
    def get_run_steps(
        self,
        thread_id: str,
        run_id: str,
        query: RunStepListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Steps[PageSpec[RunStep]]:
        query = coerce_params(RunStepListQueryParameters, query, params)
        return (yield from self._list_op(f"{_runs_path(thread_id, run_id)}/steps", RunStep, query))
