"""Own the NLP side of the desk: embeddings, ticker linking and event tagging."""
