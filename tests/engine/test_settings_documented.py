"""Every engine setting and command is documented in the README."""

from __future__ import annotations

from pathlib import Path

from engine.settings import EngineSettings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_engine_setting_is_in_the_readme():
    missing = [f"ENGINE_{name.upper()}" for name in EngineSettings.model_fields
               if f"ENGINE_{name.upper()}" not in README]
    assert missing == []


def test_the_two_commands_and_the_engine_command_are_in_the_readme():
    for command in ("make run", "make test", "python -m engine serve"):
        assert command in README
