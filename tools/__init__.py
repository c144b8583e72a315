"""Deterministic tools: market data, ingestion, NLP, features, signals, allocation, treasury,
brokers, execution, risk and reports. No LLM calls here."""
