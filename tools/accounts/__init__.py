"""Accounts, mandates (versioned), funding plans, users and per-account access."""
