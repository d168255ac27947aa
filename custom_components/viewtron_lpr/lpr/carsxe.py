"""CarsXE cloud API client (no Home Assistant here).

So far: the key check used by the config flow. The API key travels in the ``key`` query
parameter (CarsXE has no header auth), so it is never put into an exception message or a
log line: errors name the path only.
"""

from __future__ import annotations

import asyncio

import aiohttp

DEFAULT_BASE_URL = "https://api.carsxe.com"
EU_BASE_URL = "https://eu-api.carsxe.com"
DEFAULT_TIMEOUT = 10.0


class CarsXEError(Exception):
    """Base class of CarsXE errors."""


class CarsXEAuthError(CarsXEError):
    """The API key was rejected (HTTP 401/403)."""


class CarsXEConnectionError(CarsXEError):
    """CarsXE could not be reached or did not answer in time."""


class CarsXEClient:
    """One CarsXE account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._session = session
        self._key = api_key
        self._base = base_url.rstrip("/")
        self._timeout = timeout

    async def validate_key(self) -> None:
        """Raise :class:`CarsXEAuthError` unless the key is valid (``/v1/auth/validate``)."""
        path = "/v1/auth/validate"
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.get(
                    self._base + path, params={"key": self._key, "source": "home_assistant"}
                ) as resp:
                    status = resp.status
        except TimeoutError as err:
            raise CarsXEConnectionError(f"{path}: no answer in time") from err
        except aiohttp.ClientError as err:
            raise CarsXEConnectionError(f"{path}: {type(err).__name__}") from err
        if status in (401, 403):
            raise CarsXEAuthError(f"{path}: API key rejected")
        if status != 200:
            raise CarsXEConnectionError(f"{path}: HTTP {status}")
