"""Shared fixtures: a real Home Assistant with custom integrations enabled."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/viewtron_lpr in every test."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Allow real sockets: the fake devices listen on loopback.

    The harness's host filter stays in force, so connections can only reach 127.0.0.1.
    """
