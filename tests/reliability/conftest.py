"""Markers of the reliability suite: `chaos` is the long run (`make chaos`), always also `slow`."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "chaos: long reliability runs (full fault matrix, crash loop); run by `make chaos`"
    )
    config.addinivalue_line("markers", "soak: the long human-edit soak; run by `make soak` and `make chaos`")
