"""Own the researcher agent: the evidence-pack schema, its offline twin and the LLM summary."""
