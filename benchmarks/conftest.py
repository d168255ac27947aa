"""The benchmarks reuse the test fixtures (a real Home Assistant and the fake camera)."""

from tests.conftest import (  # noqa: F401 - fixtures
    auto_enable_custom_integrations,
    camera,
    config_entry,
    loaded_entry,
    loopback_sockets,
    webhook_client,
)
