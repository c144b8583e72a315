"""Own the intake agent: the mandate questions, their offline parser and the LLM helper."""
