"""Own the judge agent: the structured verdict schema, the LLM judge, its offline twin, fallback."""
