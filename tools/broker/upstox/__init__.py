"""Upstox adapter: OAuth login, REST v2/v3 orders and GTT brackets, portfolio and market-data streams."""
