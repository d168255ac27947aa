"""CarsXE in Home Assistant: gated recognition, cached vehicle lookup, a dead-letter queue.

Recognition only runs for frames that pass the local quality gate (unless forced). CarsXE
takes an image URL, not bytes, so the image is served by Home Assistant at a signed URL on
its external URL that works for one minute and only until the call returns. Vehicle
lookups are cached per (plate, region) for as long as the retention option allows (at most
90 days). What still fails after the client's retries goes to a dead-letter queue in HA
Store, which survives restarts and is retried every 15 minutes. Invalid keys and an
exhausted quota raise a repair issue that clears on the next successful call.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timedelta
import logging
import secrets
from typing import Any
import uuid

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.http import HomeAssistantView
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ACCEPT_THRESHOLD,
    CONF_RETENTION_DAYS,
    CONF_REVIEW_THRESHOLD,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from .lpr.carsxe import (
    CarsXEAuthError,
    CarsXEClient,
    CarsXEError,
    CarsXEQuotaError,
    CarsXETransientError,
)
from .lpr.dedup import Decision, decide
from .lpr.plates import normalize_plate
from .lpr.quality import QualityThresholds, assess_jpeg
from .lpr.viewtron.models import ListStatus

_LOGGER = logging.getLogger(__name__)

IMAGE_URL_LIFETIME = timedelta(minutes=1)
MAX_CACHE_DAYS = 90
MAX_DEAD_LETTERS = 200
IMAGE_PATH = "/api/viewtron_lpr/cloud_image/{token}"
DATA_IMAGES = f"{DOMAIN}_cloud_images"


class CloudImageView(HomeAssistantView):
    """Serves an image to CarsXE. Signed paths only (``requires_auth``); each token lives
    one minute at most and is withdrawn when the recognition call returns."""

    url = "/api/viewtron_lpr/cloud_image/{token}"
    name = "api:viewtron_lpr:cloud_image"
    requires_auth = True

    async def get(self, request: web.Request, token: str) -> web.Response:
        """The JPEG, while its token is valid."""
        hass: HomeAssistant = request.app["hass"]
        held = hass.data.get(DATA_IMAGES, {}).get(token)
        if held is None or held[1] < dt_util.utcnow():
            return web.Response(status=404)
        return web.Response(body=held[0], content_type="image/jpeg")


class CloudService:
    """CarsXE for one config entry."""

    def __init__(self, hass: HomeAssistant, entry: Any, client: CarsXEClient) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.counters = {"calls": 0, "avoided_by_gate": 0, "cache_hits": 0, "failures": 0}
        self.quota_remaining: int | None = None
        self.signal = f"{DOMAIN}_{entry.entry_id}_cloud"
        self._cache_store: Store[dict[str, Any]] = Store(
            hass, 1, f"{DOMAIN}.{entry.entry_id}.vehicles"
        )
        self._dlq_store: Store[dict[str, Any]] = Store(
            hass, 1, f"{DOMAIN}.{entry.entry_id}.dead_letters"
        )
        self.cache: dict[str, dict[str, Any]] = {}
        self.dead_letters: list[dict[str, Any]] = []
        self._retrying = asyncio.Lock()

    def option(self, key: str) -> Any:
        """An entry option, or its default."""
        return self.entry.options.get(key, DEFAULT_OPTIONS.get(key))

    @property
    def cache_days(self) -> int:
        """Vehicle data is personal data: kept as long as the retention option, ≤ 90 days."""
        return min(MAX_CACHE_DAYS, int(self.option(CONF_RETENTION_DAYS)))

    async def async_load(self) -> None:
        """Read the cache and the dead letters; drop what is past retention."""
        cache = await self._cache_store.async_load() or {}
        dlq = await self._dlq_store.async_load() or {}
        self.cache = cache.get("vehicles", {})
        self.dead_letters = dlq.get("items", [])
        if self._purge():
            await self._save()

    def _purge(self) -> bool:
        limit = dt_util.utcnow() - timedelta(days=self.cache_days)
        before = (len(self.cache), len(self.dead_letters))
        self.cache = {
            k: v for k, v in self.cache.items() if datetime.fromisoformat(v["at"]) >= limit
        }
        retention = dt_util.utcnow() - timedelta(days=int(self.option(CONF_RETENTION_DAYS)))
        self.dead_letters = [
            d for d in self.dead_letters if datetime.fromisoformat(d["first"]) >= retention
        ]
        return before != (len(self.cache), len(self.dead_letters))

    async def _save(self) -> None:
        await self._cache_store.async_save({"vehicles": self.cache})
        await self._dlq_store.async_save({"items": self.dead_letters})

    async def async_remove(self) -> None:
        """Delete the stored cache and queue (the entry was removed)."""
        await self._cache_store.async_remove()
        await self._dlq_store.async_remove()

    # -- outcomes ----------------------------------------------------------------------
    @callback
    def _changed(self) -> None:
        async_dispatcher_send(self.hass, self.signal)

    def _issue(self, kind: str, active: bool) -> None:
        issue_id = f"carsxe_{kind}_{self.entry.entry_id}"
        if active:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key=f"carsxe_{kind}",
                translation_placeholders={"name": self.entry.title},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    def _succeeded(self) -> None:
        self.counters["calls"] += 1
        self._issue("invalid_key", False)
        self._issue("quota", False)
        self._changed()

    def _failed(self, err: CarsXEError) -> HomeAssistantError:
        """Count, raise repairs, and translate."""
        self.counters["failures"] += 1
        if isinstance(err, CarsXEAuthError):
            self._issue("invalid_key", True)
            key = "carsxe_auth"
        elif isinstance(err, CarsXEQuotaError):
            self.quota_remaining = int(err.usage.get("remaining", 0) or 0)
            self._issue("quota", True)
            key = "carsxe_quota"
        else:
            key = "carsxe_unavailable"
        self._changed()
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"name": self.entry.title},
        )

    async def _dead_letter(self, kind: str, payload: dict[str, Any], err: Exception) -> None:
        now = dt_util.utcnow().isoformat()
        self.dead_letters.append(
            {
                "id": uuid.uuid4().hex,
                "kind": kind,
                "payload": payload,
                "error": str(err),
                "attempts": 1,
                "first": now,
                "last": now,
            }
        )
        self.dead_letters = self.dead_letters[-MAX_DEAD_LETTERS:]
        await self._save()

    # -- recognition -------------------------------------------------------------------
    def _image_url(self, jpeg: bytes) -> tuple[str, str]:
        """Publish ``jpeg`` at a short-lived signed URL; returns (token, URL)."""
        try:
            base = get_url(self.hass, allow_internal=False, allow_ip=True, prefer_external=True)
        except NoURLAvailableError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="no_external_url"
            ) from err
        token = secrets.token_urlsafe(24)
        images = self.hass.data.setdefault(DATA_IMAGES, {})
        images[token] = (jpeg, dt_util.utcnow() + IMAGE_URL_LIFETIME)
        path = async_sign_path(
            self.hass,
            IMAGE_PATH.format(token=token),
            IMAGE_URL_LIFETIME,
            use_content_user=True,
        )
        return token, base.rstrip("/") + path

    async def async_recognize(
        self,
        jpeg: bytes,
        box: tuple[int, int, int, int] | None = None,
        *,
        force: bool = False,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """Gate, then (if it passes or ``force``) ask CarsXE; plates with decisions."""
        request_id = request_id or uuid.uuid4().hex
        gate = await self.hass.async_add_executor_job(
            assess_jpeg, jpeg, box, QualityThresholds.from_options(dict(self.entry.options))
        )
        result: dict[str, Any] = {"request_id": request_id, "gate": gate.as_dict()}
        if not gate.passed and not force:
            self.counters["avoided_by_gate"] += 1
            self._changed()
            _LOGGER.debug("CarsXE request %s avoided by the gate: %s", request_id, gate.reasons)
            return {**result, "called": False, "plates": []}
        token, url = self._image_url(jpeg)
        try:
            recognition = await self.client.recognize(url, request_id)
        except CarsXEError as err:
            if isinstance(err, CarsXETransientError):
                await self._dead_letter("recognize", {"request_id": request_id}, err)
            _LOGGER.debug("CarsXE request %s failed: %s", request_id, err)
            raise self._failed(err) from err
        finally:
            self.hass.data.get(DATA_IMAGES, {}).pop(token, None)
        self._succeeded()
        accept = float(self.option(CONF_ACCEPT_THRESHOLD))
        review = float(self.option(CONF_REVIEW_THRESHOLD))
        plates = []
        for plate in recognition.plates:
            decision = decide(plate.score, ListStatus.UNKNOWN, accept, review)
            if plate.score is None:
                decision = Decision.REVIEW
            _LOGGER.debug(
                "CarsXE request %s: plate %s score %s → %s",
                request_id,
                plate.plate,
                plate.score,
                decision,
            )
            plates.append({**asdict(plate), "decision": decision.value})
        return {**result, "called": True, "plates": plates}

    # -- vehicle lookup ----------------------------------------------------------------
    async def async_lookup(
        self,
        plate: str,
        region: str | None,
        *,
        request_id: str | None = None,
        dead_letter: bool = True,
    ) -> dict[str, Any]:
        """Plate → vehicle (VIN, make, model, year, specs), from the cache when possible."""
        plate = normalize_plate(plate)
        key = f"{plate}|{(region or '').upper()}"
        cached = self.cache.get(key)
        if cached is not None and dt_util.utcnow() - datetime.fromisoformat(
            cached["at"]
        ) < timedelta(days=self.cache_days):
            self.counters["cache_hits"] += 1
            self._changed()
            return {**cached["result"], "cached": True}
        request_id = request_id or uuid.uuid4().hex
        try:
            info = await self.client.decode_plate(plate, region, request_id)
            specs = await self.client.specs(info.vin) if info.vin else None
        except CarsXEError as err:
            if dead_letter and isinstance(err, CarsXETransientError):
                await self._dead_letter("lookup", {"plate": plate, "region": region}, err)
            _LOGGER.debug("CarsXE lookup %s for %s failed: %s", request_id, plate, err)
            raise self._failed(err) from err
        self._succeeded()
        result: dict[str, Any] = {
            "plate": plate,
            "region": region,
            "found": info.found,
            "vin": info.vin,
            "make": info.make,
            "model": info.model,
            "year": info.year,
            "description": info.description,
            "color": info.color,
            "specs": (specs or {}).get("attributes"),
        }
        if not info.vin:
            result["note"] = (
                "CarsXE returned no VIN for this plate: enter the vehicle details by hand"
                if info.found
                else "CarsXE has no data for this plate: enter the vehicle details by hand"
            )
        self.cache[key] = {"at": dt_util.utcnow().isoformat(), "result": result}
        await self._save()
        return {**result, "cached": False}

    async def async_retry_dead_letters(self, _now: Any = None) -> None:
        """Retry queued lookups (recognitions cannot be retried: their image is gone)."""
        if self._retrying.locked():
            return
        async with self._retrying:
            await self._retry_dead_letters()

    async def _retry_dead_letters(self) -> None:
        self._purge()
        for item in list(self.dead_letters):
            if item["kind"] != "lookup":
                continue
            try:
                await self.async_lookup(
                    item["payload"]["plate"], item["payload"]["region"], dead_letter=False
                )
            except HomeAssistantError:
                item["attempts"] += 1
                item["last"] = dt_util.utcnow().isoformat()
            else:
                if item in self.dead_letters:
                    self.dead_letters.remove(item)
        await self._save()
        self._changed()

    def diagnostics(self) -> dict[str, Any]:
        """Counters and the queue (plates redacted)."""
        return {
            "counters": dict(self.counters),
            "quota_remaining": self.quota_remaining,
            "cached_vehicles": len(self.cache),
            "dead_letters": [
                {k: v for k, v in d.items() if k != "payload"} for d in self.dead_letters
            ],
        }
