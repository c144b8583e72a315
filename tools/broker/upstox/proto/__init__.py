"""Upstox MarketDataFeedV3 protobuf classes (see MarketDataFeedV3.proto)."""
