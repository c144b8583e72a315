"""Own the treasurer agent: the proposal note schema, its offline twin and the LLM wording."""
