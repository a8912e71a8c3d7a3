"""Our `OpenAIClient` against the official `openai` SDK, in one run, against the same engine.

Figures: sequential `retrieve assistant` calls per second, and a create-run-and-poll loop (both
clients honour the engine's `openai-poll-after-ms` hint). Blocks alternate between the clients
so machine noise hits both alike. Run: `.venv/bin/python benchmarks/client_vs_sdk.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import openai
from _common import engine_process, summary_ms

from core import OpenAIClient

LOCAL = "pdf-copilot-local"
BLOCKS, CALLS_PER_BLOCK, RUNS_PER_BLOCK = 6, 200, 40


def timed_block(call: Callable[[], object], count: int) -> list[float]:
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        durations.append(time.perf_counter() - start)
    return durations


def main() -> int:
    with engine_process() as (base_url, key):
        sdk = openai.OpenAI(base_url=base_url, api_key=key, max_retries=2)
        ours = OpenAIClient(base_url=base_url, api_key=key)
        assistant = ours.create_assistant(model=LOCAL, name="bench")
        thread = ours.create_thread()
        ours.create_thread_message(thread.id, role="user", content="What is in the documents?")

        def ours_run() -> None:
            run = ours.create_run(thread.id, assistant_id=assistant.id)
            ours.wait_for_run_to_complete(thread.id, run.id)

        def sdk_run() -> None:
            sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

        retrieve = {"ours": [], "sdk": []}
        runs = {"ours": [], "sdk": []}
        for _ in range(BLOCKS):
            retrieve["ours"] += timed_block(lambda: ours.get_assistant(assistant.id), CALLS_PER_BLOCK)
            retrieve["sdk"] += timed_block(
                lambda: sdk.beta.assistants.retrieve(assistant.id), CALLS_PER_BLOCK)
            runs["ours"] += timed_block(ours_run, RUNS_PER_BLOCK)
            runs["sdk"] += timed_block(sdk_run, RUNS_PER_BLOCK)
        for name in ("ours", "sdk"):
            per_second = len(retrieve[name]) / sum(retrieve[name])
            print(f"retrieve assistant, {name}: {per_second:.0f} calls/s; {summary_ms(retrieve[name])}")
        ratio = statistics.fmean(retrieve["sdk"]) / statistics.fmean(retrieve["ours"])
        print(f"retrieve throughput, ours / sdk: {ratio:.2f}x")
        for name in ("ours", "sdk"):
            print(f"create run + poll to completed, {name}: {summary_ms(runs[name])}")
        ratio = statistics.fmean(runs["sdk"]) / statistics.fmean(runs["ours"])
        print(f"run loop speed, ours / sdk: {ratio:.2f}x")
        ours.close()
        sdk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
