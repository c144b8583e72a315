"""Web dashboard integration tests."""
