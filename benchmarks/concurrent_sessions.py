"""32 chat sessions at once against one engine (built-in model, real socket), measured twice in
the same run: (a) with nothing else going on, (b) while 4 other vector stores index 20 filings.

Each session is a thread of its own on one of 4 already-indexed stores (one filing each) and
asks TURNS questions in a row, as a person in the app would: create the message, create the
run, poll it to `completed` with core's `OpenAIClient` (it honours the engine's
`openai-poll-after-ms`, as the copilot's `ask` does). A turn's latency is message → completed.
Printed: p50/p95 of (a) and (b) and p95(b)/p95(a) (target: within 2x); in (b) only turns that
ended while the stores were still indexing count.

Then client throughput against the same engine: N `retrieve assistant` calls with C in flight,
`AsyncOpenAIClient` against the sync `OpenAIClient` (one at a time, and from C threads) and the
SDK's `AsyncOpenAI`. Run: `.venv/bin/python benchmarks/concurrent_sessions.py`.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
from _common import SEC10Q_DOCS, engine_process, percentile, questions, summary_ms
from client_vs_sdk import in_flight, threaded

from core import AsyncOpenAIClient, OpenAIClient

LOCAL = "pdf-copilot-local"
warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK's Assistants warning
SESSIONS, TURNS = int(os.environ.get("BENCH_SESSIONS", 32)), 3
SESSION_FILINGS = ("2023 Q1 AAPL", "2023 Q1 AMZN", "2023 Q1 INTC", "2023 Q1 NVDA")
INDEXING_STORES = 4
CALLS, CONCURRENCY = int(os.environ.get("BENCH_CALLS", 2000)), 16


def upload(client: OpenAIClient, path: Path) -> str:
    return client.upload_file("assistants", path.name, path.read_bytes()).id


def session_assistants(client: OpenAIClient) -> list[str]:
    """One assistant per already-indexed store of one filing."""
    ids = []
    for name in SESSION_FILINGS:
        file_id = upload(client, SEC10Q_DOCS / f"{name}.pdf")
        store = client.create_vector_store_and_wait_to_complete(name=name, file_ids=[file_id])
        assistant = client.create_assistant(
            model=LOCAL, name=name, tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}})
        ids.append(assistant.id)
    return ids


def run_sessions(base_url: str, key: str, assistants: list[str], asked: list[str],
                 indexing: threading.Event | None) -> list[float]:
    """Turn latencies of SESSIONS sessions at once (in (b): those that ended while indexing)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def session(n: int) -> None:
        with OpenAIClient(api_key=key, base_url=base_url) as client:
            thread = client.create_thread()
            assistant = assistants[n % len(assistants)]
            for turn in range(TURNS):
                question = asked[(n * TURNS + turn) % len(asked)]
                start = time.perf_counter()
                client.create_thread_message(thread.id, role="user", content=question)
                run = client.create_run(thread.id, assistant_id=assistant)
                run = client.wait_for_run_to_complete(thread.id, run.id)
                elapsed = time.perf_counter() - start
                assert run.status == "completed", run
                if indexing is None or indexing.is_set():
                    with lock:
                        latencies.append(elapsed)

    with ThreadPoolExecutor(SESSIONS) as pool:
        list(pool.map(session, range(SESSIONS)))
    return latencies


def start_indexing(base_url: str, key: str, file_ids: list[str]) -> threading.Event:
    """Make INDEXING_STORES stores of the files; the event is set while any file indexes."""
    client = OpenAIClient(api_key=key, base_url=base_url)
    share = len(file_ids) // INDEXING_STORES
    stores = [client.create_vector_store(name=f"indexing {i}",
                                         file_ids=file_ids[i * share:(i + 1) * share]).id
              for i in range(INDEXING_STORES)]
    active = threading.Event()
    active.set()

    def watch() -> None:
        while any(client.get_vector_store(s).file_counts.in_progress for s in stores):
            time.sleep(0.2)
        active.clear()
        client.close()

    threading.Thread(target=watch, daemon=True).start()
    return active


def turn_figures(base_url: str, key: str) -> None:
    setup = OpenAIClient(api_key=key, base_url=base_url)
    assistants = session_assistants(setup)
    asked = [q["question"] for q in questions()]
    random.Random(13).shuffle(asked)
    # The filings to index in (b) are uploaded first, so (b) measures indexing, not uploads.
    to_index = [upload(setup, path) for path in sorted(SEC10Q_DOCS.glob("*.pdf"))]
    run_sessions(base_url, key, assistants, asked[:SESSIONS], None)  # warm-up
    started = time.perf_counter()
    idle = run_sessions(base_url, key, assistants, asked, None)
    idle_seconds = time.perf_counter() - started
    indexing = start_indexing(base_url, key, to_index)
    started = time.perf_counter()
    busy = run_sessions(base_url, key, assistants, asked, indexing)
    busy_seconds = time.perf_counter() - started
    still = indexing.is_set()
    while indexing.is_set():
        time.sleep(0.2)
    indexed_seconds = time.perf_counter() - started
    print(f"{SESSIONS} sessions x {TURNS} turns, built-in model, message -> run completed")
    print(f"(a) nothing else indexing: {summary_ms(idle)}; {len(idle) / idle_seconds:.1f}"
          " turns/s")
    print(f"(b) while {INDEXING_STORES} stores index {len(to_index)} filings: {summary_ms(busy)};"
          f" {len(busy) / busy_seconds:.1f} turns/s; indexing "
          f"{'outlasted the sessions' if still else 'ended before the last turn'},"
          f" done {indexed_seconds:.1f} s after (b) began")
    ratio = percentile(busy, 95) / percentile(idle, 95)
    verdict = "within" if ratio <= 2 else "OVER"
    print(f"p95(b) / p95(a): {ratio:.2f}x ({verdict} the 2x target);"
          f" p50(b) / p50(a): {percentile(busy, 50) / percentile(idle, 50):.2f}x")
    setup.close()


def client_figures(base_url: str, key: str) -> None:
    sync = OpenAIClient(api_key=key, base_url=base_url)
    assistant_id = sync.create_assistant(model=LOCAL, name="throughput").id

    async def measure() -> dict[str, float]:
        ours = AsyncOpenAIClient(api_key=key, base_url=base_url)
        sdk = openai.AsyncOpenAI(base_url=base_url, api_key=key, max_retries=2,
                                 http_client=openai.DefaultAsyncHttpxClient(
                                     limits=httpx.Limits(max_connections=CONCURRENCY)))
        seconds = {"sync": 0.0, "sync-threads": 0.0, "ours-async": 0.0, "sdk-async": 0.0}
        for _ in range(2):  # alternated, so machine noise hits all alike
            start = time.perf_counter()
            for _ in range(CALLS // 4):
                sync.get_assistant(assistant_id)
            seconds["sync"] += (time.perf_counter() - start) * 4  # a quarter of the calls
            seconds["sync-threads"] += threaded(lambda: sync.get_assistant(assistant_id),
                                                CALLS, CONCURRENCY)
            seconds["ours-async"] += await in_flight(lambda: ours.get_assistant(assistant_id),
                                                     CALLS, CONCURRENCY)
            seconds["sdk-async"] += await in_flight(
                lambda: sdk.beta.assistants.retrieve(assistant_id), CALLS, CONCURRENCY)
        await ours.close()
        await sdk.close()
        return {name: 2 * CALLS / s for name, s in seconds.items()}

    rate = asyncio.run(measure())
    sync.close()
    print(f"retrieve assistant, {2 * CALLS} calls each, {CONCURRENCY} in flight:")
    labels = {"sync": "OpenAIClient, one at a time", "sync-threads":
              f"OpenAIClient, {CONCURRENCY} threads", "ours-async":
              f"AsyncOpenAIClient, {CONCURRENCY} in flight", "sdk-async":
              f"SDK AsyncOpenAI, {CONCURRENCY} in flight"}
    for name, label in labels.items():
        print(f"  {label}: {rate[name]:.0f} calls/s")
    print(f"  AsyncOpenAIClient / sync one at a time: {rate['ours-async'] / rate['sync']:.2f}x;"
          f" / sync in threads: {rate['ours-async'] / rate['sync-threads']:.2f}x;"
          f" / SDK AsyncOpenAI: {rate['ours-async'] / rate['sdk-async']:.2f}x")


def main() -> int:
    with engine_process() as (base_url, key):
        turn_figures(base_url, key)
        client_figures(base_url, key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
