"""CarsXE cloud API client (no Home Assistant here).

``POST /platerecognition`` (an image URL), ``GET /v2/platedecoder`` (plate → VIN, make,
model, year), ``GET /specs`` (VIN → attributes) and the key check. The API key travels in
the ``key`` query parameter (CarsXE has no header auth), so no URL is ever put into an
exception or a log line, and the key CarsXE echoes back in ``input.key`` is stripped.

Errors: :class:`CarsXEAuthError` (401/403), :class:`CarsXEQuotaError` (429, never
retried), :class:`CarsXERequestError` (400), :class:`CarsXETransientError` (timeouts and
5xx, after retrying with backoff under the same request id). "No plates" and "no data for
this plate" are empty results, not failures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import logging
from typing import Any
import uuid

import aiohttp

from .plates import normalize_plate

DEFAULT_BASE_URL = "https://api.carsxe.com"
EU_BASE_URL = "https://eu-api.carsxe.com"  # recognition and plate decoding only, no /specs
DEFAULT_TIMEOUT = 20.0
STATE_COUNTRIES = ("US", "AU", "CA")  # the plate decoder needs a state/province there

_LOGGER = logging.getLogger(__name__)


class CarsXEError(Exception):
    """Base class of CarsXE errors."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CarsXEAuthError(CarsXEError):
    """The API key was rejected, blocked, or the plan does not include this (401/403)."""


class CarsXEQuotaError(CarsXEError):
    """The monthly quota is used up (429). Retrying does not help until it resets."""

    def __init__(self, message: str, *, usage: dict[str, Any] | None = None) -> None:
        super().__init__(message, status=429)
        self.usage = usage or {}


class CarsXERequestError(CarsXEError):
    """CarsXE refused the request itself (400)."""


class CarsXETransientError(CarsXEError):
    """Timeouts, connection failures and 5xx, still failing after the retries."""


CarsXEConnectionError = CarsXETransientError  # the key check's name for it


@dataclass(frozen=True, slots=True)
class RecognizedPlate:
    """One plate CarsXE found in an image."""

    plate: str
    score: float | None
    box: dict[str, int]
    candidates: list[dict[str, Any]] = field(default_factory=list)
    region: str | None = None
    region_score: float | None = None


@dataclass(frozen=True, slots=True)
class Recognition:
    """The result of one recognition request."""

    request_id: str
    plates: list[RecognizedPlate]
    processing_ms: float | None = None


@dataclass(frozen=True, slots=True)
class VehicleInfo:
    """What the plate decoder knows about a plate (``found`` False: nothing)."""

    found: bool
    vin: str | None = None
    make: str | None = None
    model: str | None = None
    year: str | None = None
    description: str | None = None
    color: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def region_params(region: str | None) -> dict[str, str]:
    """Decoder parameters from an ISO 3166-2 region: ``US-CA`` → state CA, country US;
    ``CA-ON`` → state ON, country CA; ``DE`` or ``GB-ENG`` → country only."""
    if not region:
        return {"country": "US"}
    country, _, subdivision = region.upper().partition("-")
    if country in STATE_COUNTRIES and subdivision:
        return {"state": subdivision, "country": country}
    return {"country": country}


def _strip_key(data: Any) -> Any:
    """Drop every ``key`` field (CarsXE echoes the API key in ``input``)."""
    if isinstance(data, dict):
        return {k: _strip_key(v) for k, v in data.items() if k != "key"}
    if isinstance(data, list):
        return [_strip_key(v) for v in data]
    return data


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


class CarsXEClient:
    """One CarsXE account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        specs_base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._session = session
        self._key = api_key
        self._base = base_url.rstrip("/")
        # /specs is served by the US host only
        self._specs_base = (
            specs_base_url or (DEFAULT_BASE_URL if self._base == EU_BASE_URL else self._base)
        ).rstrip("/")
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep

    async def _call(
        self,
        method: str,
        path: str,
        request_id: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        base: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One request with retries for transient failures; returns (status, JSON body)."""
        query = {"key": self._key, "source": "home_assistant", **(params or {})}
        headers = {"Idempotency-Key": request_id}
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout(self._timeout):
                    async with self._session.request(
                        method,
                        (base or self._base) + path,
                        params=query,
                        json=body,
                        headers=headers,
                    ) as resp:
                        status = resp.status
                        try:
                            data = await resp.json(content_type=None)
                        except ValueError:
                            data = None
            except (TimeoutError, aiohttp.ClientError) as err:
                status, data, failure = 0, None, f"{type(err).__name__}"
            else:
                failure = f"HTTP {status}"
            if not isinstance(data, dict):
                data = {}
            if status and status < 500:
                return status, _strip_key(data)
            if attempt > self._retries:
                raise CarsXETransientError(
                    f"{path}: {failure} after {attempt} attempts (request {request_id})",
                    status=status or None,
                )
            _LOGGER.debug("CarsXE %s request %s: %s, retrying", path, request_id, failure)
            await self._sleep(self._backoff * 2 ** (attempt - 1))

    @staticmethod
    def _raise_for(path: str, status: int, data: dict[str, Any]) -> None:
        message = str(data.get("message") or data.get("error") or f"HTTP {status}")
        if status in (401, 403):
            raise CarsXEAuthError(f"{path}: {message}", status=status)
        if status == 429:
            usage = data.get("usage") if isinstance(data.get("usage"), dict) else None
            raise CarsXEQuotaError(f"{path}: {message}", usage=usage)
        if status == 400:
            raise CarsXERequestError(f"{path}: {message}", status=status)
        raise CarsXEError(f"{path}: unexpected {message}", status=status)

    async def validate_key(self) -> None:
        """Raise :class:`CarsXEAuthError` unless the key is valid (``/v1/auth/validate``)."""
        status, data = await self._call("GET", "/v1/auth/validate", uuid.uuid4().hex)
        if status != 200:
            self._raise_for("/v1/auth/validate", status, data)

    async def recognize(self, image_url: str, request_id: str | None = None) -> Recognition:
        """Plates in the image at ``image_url`` (which CarsXE downloads)."""
        request_id = request_id or uuid.uuid4().hex
        path = "/platerecognition"
        status, data = await self._call("POST", path, request_id, body={"image_url": image_url})
        if status == 404:  # "No plates detected in image": a normal outcome
            return Recognition(request_id, [])
        if status != 200 or data.get("success") is False:
            self._raise_for(path, status if status != 200 else 500, data)
        plates = []
        for item in data.get("results") or []:
            if not isinstance(item, dict) or not item.get("plate"):
                continue
            region: dict[str, Any] = item["region"] if isinstance(item.get("region"), dict) else {}
            plates.append(
                RecognizedPlate(
                    plate=normalize_plate(str(item["plate"])),
                    score=item.get("score"),
                    box={k: int(v) for k, v in (item.get("box") or {}).items()},
                    candidates=[
                        {"plate": normalize_plate(str(c.get("plate", ""))), "score": c.get("score")}
                        for c in item.get("candidates") or []
                        if isinstance(c, dict)
                    ],
                    region=region.get("code"),
                    region_score=region.get("score"),
                )
            )
        return Recognition(request_id, plates, data.get("processing_time"))

    async def decode_plate(
        self, plate: str, region: str | None, request_id: str | None = None
    ) -> VehicleInfo:
        """Plate → VIN, make, model, year. No data for the plate is ``found=False``."""
        path = "/v2/platedecoder"
        status, data = await self._call(
            "GET",
            path,
            request_id or uuid.uuid4().hex,
            params={"plate": normalize_plate(plate), **region_params(region)},
        )
        if status == 404:
            return VehicleInfo(found=False)
        if status != 200 or data.get("success") is False:
            self._raise_for(path, status if status != 200 else 500, data)
        return VehicleInfo(
            found=True,
            vin=_text(data.get("vin")),
            make=_text(data.get("make")),
            model=_text(data.get("model")),
            year=_text(data.get("year")),
            description=_text(data.get("description")),
            color=_text(data.get("color")),
            details={k: v for k, v in data.items() if k not in ("success", "input")},
        )

    async def specs(self, vin: str, request_id: str | None = None) -> dict[str, Any] | None:
        """VIN → specification attributes (None when CarsXE has no data for it)."""
        path = "/specs"
        status, data = await self._call(
            "GET",
            path,
            request_id or uuid.uuid4().hex,
            params={"vin": vin},
            base=self._specs_base,
        )
        if status == 404:
            return None
        if status != 200 or data.get("success") is False:
            self._raise_for(path, status if status != 200 else 500, data)
        return {k: v for k, v in data.items() if k != "success"}
