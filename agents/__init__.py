"""Agents: the LLM-facing roles (intake, researcher, judge, treasurer), each a prompt, a pydantic
output schema and a deterministic offline twin. Agents never touch the store or the network
directly: the caller hands them a chat model (or None for offline) and plain inputs."""
