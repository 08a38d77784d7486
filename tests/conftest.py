"""Shared fixtures. Tests that need Prefect use the session-wide harness in tests/prefect_harness."""
