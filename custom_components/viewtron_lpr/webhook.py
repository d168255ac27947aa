"""The camera's webhook: reply at once, hand the body to the hub.

Every POST gets HTTP 200 with the success XML the device expects, whatever the body and
whatever goes wrong reading it: a camera that does not get it drops its persistent
connection and may lose the next read. Nothing is parsed here.
"""

from __future__ import annotations

import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .lpr.viewtron import SUCCESS_CONTENT_TYPE, SUCCESS_REPLY
from .runtime import ViewtronHub

_LOGGER = logging.getLogger(__name__)


def _reply() -> web.Response:
    return web.Response(body=SUCCESS_REPLY, content_type=SUCCESS_CONTENT_TYPE)


async def _read_body(request: web.Request) -> bytes:
    """The whole body. ``web.Request.read`` enforces HA's 16 MiB cap; a cloudhook or
    websocket-relayed request (``MockRequest``) has no ``read``."""
    if (read := getattr(request, "read", None)) is not None:
        body: bytes = await read()
        return body
    return await request.content.read()  # pragma: no cover - cloudhooks only


def async_register(
    hass: HomeAssistant, hub: ViewtronHub, webhook_id: str, local_only: bool
) -> None:
    """Register the entry's webhook; it is unregistered when the entry unloads."""

    async def handle(_hass: HomeAssistant, _webhook_id: str, request: web.Request) -> web.Response:
        received = dt_util.utcnow()
        try:
            body = await _read_body(request)
        except web.HTTPRequestEntityTooLarge:
            hub.async_unreadable("too_large")
            _LOGGER.debug("%s: post over Home Assistant's body size limit", hub.entry.title)
        except Exception as err:
            hub.async_unreadable("unreadable")
            _LOGGER.debug("%s: could not read a post: %r", hub.entry.title, err)
        else:
            await hub.async_receive(body, received)
        return _reply()

    webhook.async_register(
        hass,
        DOMAIN,
        hub.entry.title,
        webhook_id,
        handle,
        local_only=local_only,
        allowed_methods=["POST"],
    )
    hub.entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))
