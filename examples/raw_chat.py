"""Workflow E of the seed (its raw Llama chat, here against any chat-completions server):
one `create_completion` with `ChatMessage.from_user`.

    OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/raw_chat.py
"""

from __future__ import annotations

from _samples import PARAGRAPHS, client_from_env, model_from_env

from core import ChatMessage, CompletionCreateRequest


def main() -> str:
    with client_from_env() as client:
        model = model_from_env() or client.get_models()[0].id
        result = client.create_completion(
            CompletionCreateRequest(
                model=model,
                messages=[
                    ChatMessage.from_system("Answer from the text."),
                    ChatMessage.from_user(f"{PARAGRAPHS[0]}\n\nWhen was the lighthouse built?"),
                ],
            )
        )
        return result.choices[0].message.content or ""


if __name__ == "__main__":
    print(main())
