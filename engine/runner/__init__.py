"""Run execution: file_search, the model's answer, steps and streamed events."""

from engine.runner.events import EventBus
from engine.runner.executor import RunExecutor

__all__ = ["EventBus", "RunExecutor"]
