"""Trade cards: creation with guardrails and a content hash, reads, and the one approval service."""
