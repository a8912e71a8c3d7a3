"""The async client: the chat workflow (B) and a few questions asked concurrently, for asyncio
programs (FastAPI handlers, workers).

    OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/async_chat.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from _samples import model_from_env, sample_pdf

from core import AsyncOpenAIClient, OpenAIChatCopilotOptions


async def main(document: Path) -> dict[str, object]:
    builder = AsyncOpenAIClient.create_with_api_key(os.environ["OPENAI_API_KEY"])
    if base_url := os.environ.get("OPENAI_BASE_URL"):
        builder = builder.with_base_url(base_url)
    async with builder.build() as client:
        models = await client.get_models()
        copilot = client.get_chat_copilot(
            OpenAIChatCopilotOptions.create().with_model(model_from_env()).with_document(document)
        )
        answer = await copilot.get_response("When was the Northcape lighthouse built?")
        streamed = "".join(
            [piece async for piece in copilot.stream_response("Who was the last keeper?")]
        )
        # Plain client calls run concurrently on one connection pool.
        thread_id = copilot.context.thread_id or ""
        messages, files = await asyncio.gather(
            client.get_thread_messages(thread_id, order="asc"), client.get_files("assistants")
        )
        texts = [m.text async for m in messages]
        await copilot.delete_context()
        return {
            "models": [m.id for m in models],
            "answer": answer,
            "streamed": streamed,
            "messages": len(texts),
            "files": len(files.data),
        }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        for key, value in asyncio.run(main(sample_pdf(Path(workdir)))).items():
            print(f"{key}: {value}")
