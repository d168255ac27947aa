"""Library tests run without a Home Assistant instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "viewtron"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the package-wide fixture: these tests need no Home Assistant."""


def fixture_bytes(name: str) -> bytes:
    """A body from tests/fixtures/viewtron (copied from the protocol reference)."""
    return (FIXTURES / name).read_bytes()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A real aiohttp client session."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session
