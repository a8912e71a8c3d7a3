"""Our `OpenAIClient` against the official `openai` SDK, in one run, against the same engine.

Figures: sequential `retrieve assistant` calls per second, and a create-run-and-poll loop (both
clients honour the engine's `openai-poll-after-ms` hint). Blocks alternate between the clients
so machine noise hits both alike. Then the async clients: `retrieve assistant` throughput with
CONCURRENCY calls in flight, `AsyncOpenAIClient` against the sync client (sequential, and from
CONCURRENCY threads) and against the SDK's `AsyncOpenAI`, and concurrent run loops, all against
the same engine in the same run. Run: `.venv/bin/python benchmarks/client_vs_sdk.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import openai
from _common import engine_process, summary_ms

from core import AsyncOpenAIClient, OpenAIClient

LOCAL = "pdf-copilot-local"
BLOCKS, CALLS_PER_BLOCK, RUNS_PER_BLOCK = 6, 200, 40
CONCURRENCY, ASYNC_CALLS_PER_BLOCK, ASYNC_RUNS_PER_BLOCK = 16, 400, 32


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
        concurrent_figures(base_url, key, ours, assistant.id, thread.id)
        ours.close()
        sdk.close()
    return 0


async def in_flight(call: Callable[[], Awaitable[object]], count: int, width: int) -> float:
    """Seconds to make `count` calls with `width` of them in flight at any time."""
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(width)))
    return time.perf_counter() - start


def threaded(call: Callable[[], object], count: int, width: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(width) as pool:
        list(pool.map(lambda _: call(), range(count)))
    return time.perf_counter() - start


def concurrent_figures(
    base_url: str, key: str, ours: OpenAIClient, assistant_id: str, thread_id: str
) -> None:
    async def measure() -> dict[str, list[float]]:
        ours_async = AsyncOpenAIClient(base_url=base_url, api_key=key)
        sdk_async = openai.AsyncOpenAI(base_url=base_url, api_key=key, max_retries=2)
        threads = [ours.create_thread().id for _ in range(CONCURRENCY)]
        for tid in threads:
            ours.create_thread_message(tid, role="user", content="What is in the documents?")
        turn = iter(range(10**9))

        async def ours_run() -> None:
            tid = threads[next(turn) % CONCURRENCY]
            run = await ours_async.create_run(tid, assistant_id=assistant_id)
            await ours_async.wait_for_run_to_complete(tid, run.id)

        async def sdk_run() -> None:
            tid = threads[next(turn) % CONCURRENCY]
            await sdk_async.beta.threads.runs.create_and_poll(
                thread_id=tid, assistant_id=assistant_id
            )

        times: dict[str, list[float]] = {
            k: [] for k in ("sync", "sync-threads", "ours-async", "sdk-async", "runs-ours", "runs-sdk")
        }
        n = ASYNC_CALLS_PER_BLOCK
        for _ in range(BLOCKS):
            times["sync"].append(sum(timed_block(lambda: ours.get_assistant(assistant_id), n)))
            times["sync-threads"].append(
                threaded(lambda: ours.get_assistant(assistant_id), n, CONCURRENCY)
            )
            times["ours-async"].append(
                await in_flight(lambda: ours_async.get_assistant(assistant_id), n, CONCURRENCY)
            )
            times["sdk-async"].append(
                await in_flight(
                    lambda: sdk_async.beta.assistants.retrieve(assistant_id), n, CONCURRENCY
                )
            )
            times["runs-ours"].append(await in_flight(ours_run, ASYNC_RUNS_PER_BLOCK, CONCURRENCY))
            times["runs-sdk"].append(await in_flight(sdk_run, ASYNC_RUNS_PER_BLOCK, CONCURRENCY))
        await ours_async.close()
        await sdk_async.close()
        return times

    times = asyncio.run(measure())
    rate = {k: ASYNC_CALLS_PER_BLOCK * BLOCKS / sum(v) for k, v in times.items()}
    labels = {
        "sync": "OpenAIClient, one call at a time",
        "sync-threads": f"OpenAIClient, {CONCURRENCY} threads",
        "ours-async": f"AsyncOpenAIClient, {CONCURRENCY} in flight",
        "sdk-async": f"SDK AsyncOpenAI, {CONCURRENCY} in flight",
    }
    for name, label in labels.items():
        print(f"retrieve assistant, {label}: {rate[name]:.0f} calls/s")
    print(f"async retrieve throughput, ours-async / sync: {rate['ours-async'] / rate['sync']:.2f}x")
    print(
        f"async retrieve throughput, ours-async / sync threads: "
        f"{rate['ours-async'] / rate['sync-threads']:.2f}x"
    )
    print(
        f"async retrieve throughput, ours-async / sdk-async: "
        f"{rate['ours-async'] / rate['sdk-async']:.2f}x"
    )
    runs_rate = {k: ASYNC_RUNS_PER_BLOCK * BLOCKS / sum(times[k]) for k in ("runs-ours", "runs-sdk")}
    print(
        f"run loops, {CONCURRENCY} in flight: ours-async {runs_rate['runs-ours']:.1f} runs/s, "
        f"sdk-async {runs_rate['runs-sdk']:.1f} runs/s "
        f"({runs_rate['runs-ours'] / runs_rate['runs-sdk']:.2f}x)"
    )


if __name__ == "__main__":
    sys.exit(main())
