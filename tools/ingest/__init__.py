"""Own ingestion: feed clients, artifact extraction, normalisation, dedup, priority, pipeline."""
