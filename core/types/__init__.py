"""Pydantic models of the OpenAI wire format, shared by the client and the engine."""
