"""The engine: an OpenAI-compatible server (files, vector stores, assistants, runs) on SQLite."""
