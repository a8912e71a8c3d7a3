"""Chat turn latency with the built-in model over the 20 10-Q filings, through a real socket.

For each of the 195 questions: create a run on a fresh thread and poll it to `completed`
(the answer cited), then the same question streamed: time to the first text delta.
Run: `.venv/bin/python benchmarks/chat_latency.py [N questions]`.
"""

from __future__ import annotations

import sys
import time

import openai
from _common import SEC10Q_DOCS, engine_process, questions, summary_ms

LOCAL = "pdf-copilot-local"


def main() -> int:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 195
    with engine_process() as (base_url, key):
        client = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0)
        store = client.vector_stores.create(name="filings")
        paths = sorted(SEC10Q_DOCS.glob("*.pdf"))
        handles = [p.open("rb") for p in paths]
        client.vector_stores.file_batches.upload_and_poll(store.id, files=handles,
                                                         poll_interval_ms=200)
        for handle in handles:
            handle.close()
        assistant = client.beta.assistants.create(
            model=LOCAL, tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}})
        turns, first_tokens, cited = [], [], 0
        for q in questions()[:limit]:
            thread = client.beta.threads.create(messages=[{"role": "user", "content": q["question"]}])
            start = time.perf_counter()
            run = client.beta.threads.runs.create_and_poll(
                thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=20)
            turns.append(time.perf_counter() - start)
            message = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
            cited += bool(run.status == "completed" and message.content[0].text.annotations)
            thread = client.beta.threads.create(messages=[{"role": "user", "content": q["question"]}])
            start = time.perf_counter()
            with client.beta.threads.runs.stream(thread_id=thread.id,
                                                 assistant_id=assistant.id) as stream:
                for event in stream:
                    if event.event == "thread.message.delta":
                        first_tokens.append(time.perf_counter() - start)
                        break
                stream.until_done()
        print(f"questions: {len(turns)}, answers with citations: {cited}")
        print(f"chat turn, create run -> completed (polled every 20 ms): {summary_ms(turns)}")
        print(f"streamed run, time to first text delta: {summary_ms(first_tokens)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
