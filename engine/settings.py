"""Engine settings: one pydantic-settings class, read from `ENGINE_*` variables or a .env file."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


class EngineSettings(BaseSettings):
    """Every knob of the engine; each field is an `ENGINE_<NAME>` environment variable."""

    model_config = SettingsConfigDict(env_prefix="ENGINE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("engine-data"), description="SQLite database and file blobs.")
    api_key: SecretStr | None = Field(
        None, description="Key of the default project; with admin_key unset too, no auth."
    )
    admin_key: SecretStr | None = Field(
        None, description="Admin key: manages projects and keys under /v1/organization."
    )
    idempotency_ttl_seconds: int = Field(
        24 * 3600, ge=1, description="How long an Idempotency-Key's answer is kept."
    )
    max_json_bytes: int = Field(32 * MB, ge=1024, description="Largest accepted JSON body.")
    max_upload_bytes: int = Field(512 * MB, description="Largest accepted upload.")
    ingest_workers: int = Field(2, ge=1, description="Parallel extraction processes.")
    ingest_cpu_seconds: float = Field(
        60.0, gt=0, description="CPU seconds every file may take to be read, plus per page below."
    )
    ingest_cpu_seconds_per_page: float = Field(
        1.0, ge=0, description="CPU seconds a file's budget grows by per page."
    )
    ingest_max_cpu_seconds: float = Field(
        3600.0, gt=0, description="Most CPU seconds any file may take (OCR not counted)."
    )
    ingest_ocr: bool = Field(
        True, description="OCR pages without text (scans) while indexing, with RapidOCR."
    )
    ingest_ocr_seconds_per_page: float = Field(
        60.0, gt=0, description="CPU seconds one page may take to be OCRed."
    )
    ingest_ocr_max_pages: int = Field(1000, ge=0, description="Most pages OCRed per file.")
    ingest_memory_mb: int = Field(2048, ge=256, description="Per-process extraction memory limit.")
    upstream_base_url: str | None = Field(
        None, description="OpenAI-compatible chat-completions server for upstream models."
    )
    upstream_api_key: SecretStr | None = Field(None, description="Key for the upstream server.")
    upstream_models: list[str] = Field(
        default_factory=list,
        description='Upstream model ids as a JSON list; "name=upstream-id" serves one under another'
        " name.",
    )
    upstream_timeout_seconds: float = Field(60.0, gt=0, description="Upstream request time-out.")
    default_model: str | None = Field(
        None, description="Model for runs that name none; default: the built-in local model."
    )
    run_workers: int | None = Field(
        None, ge=1, description="Runs executed at the same time; default: two per CPU the"
        " process may use (its CPU affinity), at least 4.",
    )
    run_queue_depth: int = Field(
        64, ge=1, description="Most new runs waiting for a worker; one more is refused with a"
        " 429 and Retry-After. Runs waiting for their files' indexing hold no worker and don't"
        " count.",
    )
    run_expiry_seconds: int = Field(
        600, ge=1, description="A run expires this long after it is created or its tool"
        " outputs are submitted; one waiting in requires_action for outputs that never come"
        " becomes `expired` (OpenAI: 10 minutes).",
    )
    run_context_tokens: int = Field(
        128_000, ge=1000, description="The most tokens a run's prompt holds (instructions,"
        " conversation, sources): older messages are left out first, then weaker sources.",
    )
    embeddings: bool = Field(
        True, description="Embed indexed files in the background for hybrid (dense + BM25)"
        " search; off means lexical search only.",
    )
    shutdown_grace_seconds: float = Field(
        8.0, ge=0, description="On SIGTERM/SIGINT, how long files being indexed and runs in"
        " flight may take to finish; what is left resumes at the next start."
    )

    def workers_for_runs(self) -> int:
        """`run_workers`, else two per CPU available to the process (at least 4)."""
        return self.run_workers or default_run_workers()

    def upstream_model_map(self) -> dict[str, str]:
        """Model id offered here → model id sent upstream."""
        pairs = (entry.split("=", 1) if "=" in entry else (entry, entry)
                 for entry in self.upstream_models)
        return {name.strip(): target.strip() for name, target in pairs}


def default_run_workers() -> int:
    """Two run workers per CPU this process may use (at least 4): a run mostly waits (on an
    upstream model, on SQLite), and the built-in model's turn is short."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return max(4, 2 * cpus)


@lru_cache
def get_settings() -> EngineSettings:
    """The process-wide settings; tests build their own EngineSettings instead."""
    return EngineSettings()
