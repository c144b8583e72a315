"""Upstox adapter: OAuth login, REST orders and GTT brackets, portfolio and market-data streams."""
