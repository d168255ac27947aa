"""End-to-end tests start their own Home Assistant process; no in-process instance."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the package-wide fixture: the integration runs in a separate process."""
