"""Per-entry hub: receives webhook bodies, parses, decides, de-duplicates and publishes.

Data flows one way: ``async_receive`` (called by the webhook after it has replied) →
queue → worker: parse (in the executor for large bodies) → identity check → decision and
de-duplication → publish (bus event, dispatcher signal for the entities).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import TYPE_CHECKING, Any
import uuid

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import (
    BACKPRESSURE_TIMEOUT,
    CONF_ACCEPT_THRESHOLD,
    CONF_DEDUP_WINDOW,
    CONF_MAC,
    CONF_REGION,
    CONF_REVIEW_THRESHOLD,
    CONF_SERIAL,
    CONF_SILENCE_MINUTES,
    DEFAULT_OPTIONS,
    DOMAIN,
    EVENT_PLATE_DETECTED,
    HEARTBEAT_INTERVAL,
    INLINE_PARSE_MAX_BYTES,
    ISSUE_CAMERA_SILENT,
    MAX_QUEUED_BYTES,
    MISSED_HEARTBEATS,
    SILENCE_CHECK_INTERVAL,
)
from .lpr.dedup import Decision, Deduplicator, decide
from .lpr.viewtron.client import DeviceInfo, ViewtronClient
from .lpr.viewtron.errors import ParseError
from .lpr.viewtron.models import ImageData, ListStatus, ParsedPost, PlatePost, PlateRead
from .lpr.viewtron.parser import parse_split, split_post
from .mirror import MirrorMatch, PlateMirror

if TYPE_CHECKING:
    from .cloud import CloudService


_LOGGER = logging.getLogger(__name__)

EVENT_TYPES = {
    ListStatus.ALLOW: "allowed",
    ListStatus.BLOCK: "blocked",
    ListStatus.VISITOR: "visitor",
    ListStatus.UNKNOWN: "unknown",
}


@dataclass
class Counters:
    """What the webhook has seen since setup (for diagnostics)."""

    posts: int = 0
    plates: int = 0
    published: int = 0
    duplicates: int = 0
    keepalives: int = 0
    alarm_status: int = 0
    other: int = 0
    parse_errors: int = 0
    unmatched: int = 0
    backpressure: int = 0
    dropped: int = 0
    parse_error_reasons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublishedRead:
    """A read as published: the read, its decision, and the event it became."""

    read: PlateRead
    decision: Decision
    event_type: str
    data: dict[str, Any]


class ViewtronHub:
    """Everything one config entry (one camera or NVR) needs at run time."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: ViewtronClient,
        device_id: str,
        mirror: PlateMirror,
        *,
        device_info: DeviceInfo | None = None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.device_id = device_id
        self.device_info = device_info
        self.mirror = mirror
        self.cloud: CloudService | None = None
        #: Called with every published read (the cloud follow-ups, when configured).
        self.followers: list[Callable[[PublishedRead], None]] = []
        self.counters = Counters()
        self.started = dt_util.utcnow()
        self.last_seen: datetime | None = None
        self.last_read: PublishedRead | None = None
        self.plate_image: ImageData | None = None
        self.overview_image: ImageData | None = None
        self.signal = f"{DOMAIN}_{entry.entry_id}"
        self._dedup = Deduplicator(float(self.option(CONF_DEDUP_WINDOW)))
        self._queue: deque[tuple[bytes, datetime]] = deque()
        self._queued_bytes = 0
        self._drain_task: asyncio.Task[None] | None = None
        self._room = asyncio.Event()
        self._offline_timer: CALLBACK_TYPE | None = None
        self._silent_issue = False
        self._decoded: dict[int, tuple[ImageData, bytes]] = {}

    # -- configuration ---------------------------------------------------------------
    def option(self, key: str) -> Any:
        """An option, or its default."""
        return self.entry.options.get(key, DEFAULT_OPTIONS.get(key))

    @property
    def connected(self) -> bool:
        """True while the device has been heard from within three heartbeat intervals."""
        return self.last_seen is not None and dt_util.utcnow() - self.last_seen < (
            HEARTBEAT_INTERVAL * MISSED_HEARTBEATS
        )

    # -- lifecycle -------------------------------------------------------------------
    @callback
    def async_start(self) -> None:
        """Start the silence watch; it and any processing stop when the entry unloads."""
        self.entry.async_on_unload(self._cancel_drain)
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._check_silence, SILENCE_CHECK_INTERVAL, cancel_on_shutdown=True
            )
        )
        self.entry.async_on_unload(self._cancel_offline_timer)

    @callback
    def _cancel_drain(self) -> None:
        if self._drain_task is not None:
            self._drain_task.cancel()
            self._drain_task = None

    @callback
    def _cancel_offline_timer(self) -> None:
        if self._offline_timer is not None:
            self._offline_timer()
            self._offline_timer = None

    # -- receiving -------------------------------------------------------------------
    async def async_receive(self, body: bytes, received: datetime) -> None:
        """Queue a body for processing; the webhook replies when this returns.

        Normally immediate. When the bodies waiting exceed their byte budget (a flood no
        camera produces), wait for room rather than lose a read, which slows the sender
        down through its reply; only after ``BACKPRESSURE_TIMEOUT`` is a post dropped.
        """
        self.counters.posts += 1
        if self._queue and self._queued_bytes + len(body) > MAX_QUEUED_BYTES:
            self.counters.backpressure += 1
            try:
                async with asyncio.timeout(BACKPRESSURE_TIMEOUT):
                    while self._queue and self._queued_bytes + len(body) > MAX_QUEUED_BYTES:
                        self._room.clear()
                        await self._room.wait()
            except TimeoutError:
                self.counters.dropped += 1
                _LOGGER.warning(
                    "%s: dropping a %d-byte post, %d bytes are still waiting to be processed",
                    self.entry.title,
                    len(body),
                    self._queued_bytes,
                )
                return
        self._queue.append((body, received))
        self._queued_bytes += len(body)
        if self._drain_task is None:
            # Not eager: the webhook's reply goes out before any processing starts.
            self._drain_task = self.hass.async_create_task(
                self._drain(), f"{DOMAIN} {self.entry.title} posts", eager_start=False
            )

    @callback
    def async_unreadable(self, reason: str) -> None:
        """A post whose body could not be read (too large, connection lost)."""
        self.counters.posts += 1
        self._count_parse_error(reason)

    def _count_parse_error(self, reason: str) -> None:
        self.counters.parse_errors += 1
        reasons = self.counters.parse_error_reasons
        reasons[reason] = reasons.get(reason, 0) + 1

    async def _drain(self) -> None:
        """Process queued posts in arrival order; one drain task at a time."""
        try:
            while self._queue:
                body, received = self._queue.popleft()
                self._queued_bytes -= len(body)
                self._room.set()
                try:
                    await self._process(body, received)
                except Exception:  # a bug must not lose the posts queued behind it
                    _LOGGER.exception("%s: unexpected error handling a post", self.entry.title)
        finally:
            self._drain_task = None

    async def _process(self, body: bytes, received: datetime) -> None:
        try:
            split = split_post(body)  # images cut out: memchr-speed byte searches only
            if split.markup_size > INLINE_PARSE_MAX_BYTES:
                post = await self.hass.async_add_executor_job(
                    partial(parse_split, split, received=received)
                )
            else:  # bounded: a few kilobytes of XML for any plate post
                post = parse_split(split, received=received)
        except ParseError as err:
            self._count_parse_error(err.reason)
            _LOGGER.debug("%s: unparseable post (%s): %s", self.entry.title, err.reason, err)
            return
        self._handle(post, received)

    # -- handling --------------------------------------------------------------------
    @callback
    def _handle(self, post: ParsedPost, received: datetime) -> None:
        data = self.entry.data
        if not post.device.matches(data.get(CONF_MAC), data.get(CONF_SERIAL)):
            self.counters.unmatched += 1
            _LOGGER.debug(
                "%s: ignoring a %s post from another device (%s)",
                self.entry.title,
                post.kind,
                post.device,
            )
            return
        self._mark_seen(received)
        if isinstance(post, PlatePost):
            for read in post.plates:
                self._handle_read(read, received)
        elif post.kind == "keepalive":
            self.counters.keepalives += 1
        elif post.kind == "alarm_status":
            self.counters.alarm_status += 1
        else:
            self.counters.other += 1

    @callback
    def _handle_read(self, read: PlateRead, received: datetime) -> None:
        self.counters.plates += 1
        read, match = self.mirror.apply(read)
        decision = decide(
            read.confidence,
            read.list_status,
            float(self.option(CONF_ACCEPT_THRESHOLD)),
            float(self.option(CONF_REVIEW_THRESHOLD)),
        )
        if (
            decision is Decision.ACCEPT
            and match is not None
            and (match.kind == "fuzzy" or (match.stale and read.list_status is ListStatus.ALLOW))
        ):
            # A look-alike match, or an allow match from an out-of-date copy, is never
            # enough on its own to open a gate.
            decision = Decision.REVIEW
        result = self._dedup.offer(read, decision, received.timestamp())
        if result.improved:
            if read.plate_image is not None:
                self.plate_image = read.plate_image
            if read.overview_image is not None:
                self.overview_image = read.overview_image
        if not result.publish:
            self.counters.duplicates += 1
            _LOGGER.debug("%s: repeat read of %s suppressed", self.entry.title, read.plate_raw)
            if result.improved:
                async_dispatcher_send(self.hass, f"{self.signal}_images")
            return
        self._publish(read, decision, match)

    @callback
    def _publish(
        self, read: PlateRead, decision: Decision, match: MirrorMatch | None = None
    ) -> None:
        event_type = EVENT_TYPES[read.list_status]
        data = read.as_event_data()
        if data["region_code"] is None:
            data["region_code"] = self.option(CONF_REGION) or None
        data.update(
            match=(match.kind if match.valid else "expired") if match else None,
            matched_plate=match.entry.plate if match else None,
            list_source="mirror"
            if match
            else ("camera" if read.list_status is not ListStatus.UNKNOWN else None),
            event_id=uuid.uuid4().hex,
            decision=decision.value,
            event_type=event_type,
            device_id=self.device_id,
            config_entry_id=self.entry.entry_id,
            # the camera's plate event entity: the logbook files the read under it
            entity_id=er.async_get(self.hass).async_get_entity_id(
                "event", DOMAIN, f"{self.entry.unique_id or self.entry.entry_id}_plate"
            ),
        )
        published = PublishedRead(read, decision, event_type, data)
        self.last_read = published
        self.counters.published += 1
        _LOGGER.debug(
            "%s: plate %s list=%s decision=%s confidence=%s",
            self.entry.title,
            read.plate_raw,
            read.list_status,
            decision,
            read.confidence,
        )
        self.hass.bus.async_fire(EVENT_PLATE_DETECTED, data)
        async_dispatcher_send(self.hass, f"{self.signal}_plate", published)
        async_dispatcher_send(self.hass, f"{self.signal}_images")
        for follower in self.followers:
            follower(published)

    # -- liveness --------------------------------------------------------------------
    @callback
    def _mark_seen(self, when: datetime) -> None:
        was_connected = self.connected
        self.last_seen = when
        self._cancel_offline_timer()
        self._offline_timer = async_call_later(
            self.hass, HEARTBEAT_INTERVAL * MISSED_HEARTBEATS, self._went_offline
        )
        if self._silent_issue:
            self._silent_issue = False
            ir.async_delete_issue(
                self.hass, DOMAIN, ISSUE_CAMERA_SILENT.format(entry_id=self.entry.entry_id)
            )
        if not was_connected:
            async_dispatcher_send(self.hass, f"{self.signal}_status")

    @callback
    def _went_offline(self, _now: datetime) -> None:
        self._offline_timer = None
        async_dispatcher_send(self.hass, f"{self.signal}_status")

    @callback
    def _check_silence(self, now: datetime) -> None:
        limit = timedelta(minutes=float(self.option(CONF_SILENCE_MINUTES)))
        if self._silent_issue or now - (self.last_seen or self.started) < limit:
            return
        self._silent_issue = True
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            ISSUE_CAMERA_SILENT.format(entry_id=self.entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="camera_silent",
            translation_placeholders={
                "name": self.entry.title,
                "minutes": f"{limit.total_seconds() / 60:g}",
                "path": f"/api/webhook/{self.entry.data.get('webhook_id', '')[:6]}…",
            },
        )

    # -- images ----------------------------------------------------------------------
    async def async_image_bytes(self, image: ImageData | None) -> bytes | None:
        """The decoded JPEG, decoded once in the executor and then cached."""
        if image is None:
            return None
        cached = self._decoded.get(id(image))
        if cached is not None and cached[0] is image:
            return cached[1]
        try:
            jpeg = await self.hass.async_add_executor_job(image.decode)
        except ParseError:
            _LOGGER.debug("%s: an image in a post was not valid base64", self.entry.title)
            return None
        self._decoded = {id(image): (image, jpeg)} | {
            k: v
            for k, v in self._decoded.items()
            if v[0] in (self.plate_image, self.overview_image)
        }
        return jpeg

    def diagnostics(self) -> dict[str, Any]:
        """Counters and state without personal data."""
        return {
            "counters": asdict(self.counters),
            "connected": self.connected,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "queued_bytes": self._queued_bytes,
        }


type ViewtronConfigEntry = ConfigEntry[ViewtronHub]
