"""The app's settings: `PDF_COPILOT_*` environment variables, then `.streamlit/secrets.toml`.

Nothing configured means the embedded engine with its built-in local model. A `base_url` means
that server instead (with `api_key` if it wants one). The `upstream_*` settings are handed to the
embedded engine, which then serves those models beside its local one.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

SECRETS_FILE = Path(".streamlit/secrets.toml")
LOCAL_MODEL = "pdf-copilot-local"


class AppSettings(BaseSettings):
    """Every knob of the app; each field is a `PDF_COPILOT_<NAME>` variable or a secrets key."""

    model_config = SettingsConfigDict(
        env_prefix="PDF_COPILOT_", extra="ignore", toml_file=SECRETS_FILE
    )

    base_url: str | None = Field(
        None, description="OpenAI-compatible server (…/v1); unset starts the embedded engine."
    )
    api_key: SecretStr | None = Field(None, description="Bearer key for `base_url`.")
    model: str | None = Field(
        None, description="Model for chat, summary and images; default: the server's first."
    )
    engine_data_dir: Path = Field(
        Path("app-data/engine"), description="Database and blobs of the embedded engine."
    )
    engine_startup_timeout_seconds: float = Field(
        60.0, gt=0, description="How long to wait for the embedded engine's /health."
    )
    upstream_base_url: str | None = Field(
        None, description="Upstream chat-completions server for the embedded engine."
    )
    upstream_api_key: SecretStr | None = Field(None, description="Key for the upstream server.")
    upstream_models: list[str] = Field(
        default_factory=list, description="Upstream model ids the embedded engine serves (JSON)."
    )
    admin_password: SecretStr | None = Field(
        None, description="When set, the Admin screen asks for it."
    )
    admin_key: SecretStr | None = Field(
        None, description="Admin key of the server at `base_url`: provisions a project per user."
    )
    users_file: Path = Field(
        Path("app-data/users.json"), description="Built-in accounts (`python -m app users add`)."
    )
    user_projects_file: Path = Field(
        Path("app-data/user-projects.json"), description="Each user's engine project and key."
    )
    admin_users: list[str] = Field(
        default_factory=list, description="Signed-in (OIDC) e-mails or names with the admin role."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment first: a deployment overrides the secrets file, never the other way.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def uses_embedded_engine(self) -> bool:
        return not self.base_url

    def engine_environment(self) -> dict[str, str]:
        """The `ENGINE_*` variables that pass the upstream model settings to the engine."""
        env: dict[str, str] = {}
        if self.upstream_base_url:
            env["ENGINE_UPSTREAM_BASE_URL"] = self.upstream_base_url
        if self.upstream_api_key:
            env["ENGINE_UPSTREAM_API_KEY"] = self.upstream_api_key.get_secret_value()
        if self.upstream_models:
            env["ENGINE_UPSTREAM_MODELS"] = json.dumps(self.upstream_models)
        return env

