"""Workflow B of the seed: chat with a PDF, save the answers, save and resume the context.

OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/chat_with_pdf.py [doc.pdf]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _samples import client_from_env, model_from_env, sample_pdf

from core import AICopilotFactory, OpenAIChatCopilotOptions, SaveFormat


def main(document: Path, output_dir: Path) -> dict[str, object]:
    backup = output_dir / "ContextBackup.json"
    with client_from_env() as client:
        options = (
            OpenAIChatCopilotOptions.create()
            .with_model(model_from_env())  # OpenAIModels.gpt_35_turbo in the .NET example
            .with_temperature(0.5)
            .with_top_p(1)
            .with_document(str(document))
        )
        chat_copilot = AICopilotFactory.create_chat_copilot(client, options)

        first = chat_copilot.get_response("When was the Northcape lighthouse built?")
        several = chat_copilot.get_response(
            ["Who was the last keeper?", "What is the keeper's cottage today?"]
        )
        chat_copilot.save_response(
            "When was the lamp automated?", output_dir / "ResponseDocument1_out.pdf"
        )
        chat_copilot.save_response(
            ["What was the lighthouse built from?"],
            output_dir / "ResponseDocument2_out.docx",
            SaveFormat.DOCX,
        )
        chat_copilot.save_context(backup)

        # Later, another session resumes the same conversation from the backup.
        resumed_options = (
            OpenAIChatCopilotOptions.create()
            .with_context_backup_json_path(backup)
            .with_restore_context_from_backup(True)
        )
        resumed = AICopilotFactory.create_chat_copilot(client, resumed_options)
        again = resumed.get_response("How often did the keepers log the weather?")
        had_context = resumed.has_context
        resumed.delete_context()
        return {
            "first": first,
            "several": several,
            "again": again,
            "had_context": had_context,
            "has_context_after_delete": resumed.has_context,
        }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        source = Path(sys.argv[1]) if len(sys.argv) > 1 else sample_pdf(Path(workdir))
        for key, value in main(source, Path(workdir)).items():
            print(f"{key}: {value}")
