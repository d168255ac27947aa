"""Home Assistant's copy of a device's plate lists (HA Store), and lookups in it.

It gives a list status to reads that carry none (NVR posts, devices without the plate API)
and backs ``list_plates`` when the device cannot be asked. For a device with the plate API
it is a cache, refreshed at setup, after every change and on a slow interval, and "stale"
when older than the configured age. For other devices it is the list itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .lpr.plates import match_plate
from .lpr.viewtron.client import PlateEntry, PlateGroup, ViewtronClient
from .lpr.viewtron.models import ListStatus, PlateRead

STORAGE_VERSION = 1
LISTS = (ListStatus.ALLOW, ListStatus.BLOCK, ListStatus.VISITOR)


@dataclass(frozen=True, slots=True)
class MirrorEntry:
    """One listed plate. Validity times are wall-clock times (the device's local time)."""

    plate: str
    list: ListStatus
    owner: str | None = None
    telephone: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        """Inside its validity window at local wall-clock time ``now`` (naive)."""
        return (self.valid_from is None or self.valid_from <= now) and (
            self.valid_until is None or now <= self.valid_until
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (storage and action responses)."""
        data = asdict(self)
        data["list"] = self.list.value
        for key in ("valid_from", "valid_until"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MirrorEntry:
        """Inverse of :meth:`as_dict`."""
        return cls(
            plate=data["plate"],
            list=ListStatus(data["list"]),
            owner=data.get("owner"),
            telephone=data.get("telephone"),
            valid_from=_time(data.get("valid_from")),
            valid_until=_time(data.get("valid_until")),
        )


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class MirrorMatch:
    """A read looked up in the mirror."""

    entry: MirrorEntry
    kind: Literal["exact", "fuzzy"]
    valid: bool
    stale: bool


def local_now() -> datetime:
    """Home Assistant's local wall-clock time, naive (the devices' time basis)."""
    return dt_util.now().replace(tzinfo=None)


class PlateMirror:
    """The plate lists of one config entry."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, *, device_backed: bool, max_age: timedelta
    ) -> None:
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.plates"
        )
        self.device_backed = device_backed
        self.max_age = max_age
        self.entries: dict[str, MirrorEntry] = {}
        self.groups: dict[ListStatus, str] = {}
        self.synced_at: datetime | None = None

    @property
    def stale(self) -> bool:
        """A device-backed copy not refreshed within ``max_age`` (a local list never is)."""
        if not self.device_backed:
            return False
        return self.synced_at is None or dt_util.utcnow() - self.synced_at > self.max_age

    async def async_load(self) -> None:
        """Read the stored copy (it survives restarts)."""
        data = await self._store.async_load()
        if not data:
            return
        self.entries = {e["plate"]: MirrorEntry.from_dict(e) for e in data.get("plates", [])}
        self.groups = {ListStatus(k): v for k, v in data.get("groups", {}).items()}
        synced = data.get("synced_at")
        self.synced_at = datetime.fromisoformat(synced) if synced else None

    async def async_save(self) -> None:
        """Write the copy now."""
        await self._store.async_save(
            {
                "plates": [e.as_dict() for e in self.entries.values()],
                "groups": {k.value: v for k, v in self.groups.items()},
                "synced_at": self.synced_at.isoformat() if self.synced_at else None,
            }
        )

    async def async_remove(self) -> None:
        """Delete the stored copy (the entry was removed)."""
        await self._store.async_remove()

    def lookup(self, plate: str, now: datetime | None = None) -> MirrorMatch | None:
        """Exact or fuzzy match of a normalised read, with its validity at ``now``."""
        found = match_plate(plate, self.entries)
        if found is None:
            return None
        entry = self.entries[found.plate]
        return MirrorMatch(entry, found.kind, entry.valid_at(now or local_now()), self.stale)

    def apply(self, read: PlateRead) -> tuple[PlateRead, MirrorMatch | None]:
        """Give a list status from this copy to a read the device did not match itself.

        NVR posts and devices without the plate API get their list from here, honouring
        validity windows. A camera with the plate API is authoritative for exact plates (it
        leaves the list out for unknown and expired ones), so its reads only gain look-alike
        (fuzzy) matches, which are never ``accept``.
        """
        if read.list_status is not ListStatus.UNKNOWN:
            return read, None
        match = self.lookup(read.plate_normalized)
        if match is None or (
            match.kind == "exact" and self.device_backed and read.source == "camera"
        ):
            return read, None
        status = match.entry.list if match.valid else ListStatus.UNKNOWN
        return replace(read, list_status=status), match

    def group_id(self, status: ListStatus) -> str | None:
        """The device group that holds ``status`` plates."""
        return self.groups.get(status)

    def put(self, entry: MirrorEntry) -> None:
        """Add or replace one plate."""
        self.entries[entry.plate] = entry

    def discard(self, plate: str) -> MirrorEntry | None:
        """Remove one plate; returns what was there."""
        return self.entries.pop(plate, None)

    async def async_sync(self, client: ViewtronClient) -> int:
        """Replace the copy with the device's lists (every group, paged); returns the count."""
        groups: list[PlateGroup] = await client.get_plate_groups()
        mapping = {g.status: g.group_id for g in groups if g.status in LISTS}
        entries: dict[str, MirrorEntry] = {}
        for status, group_id in mapping.items():
            plates: list[PlateEntry] = await client.get_all_plates(group_id)
            for plate in plates:
                entries[plate.plate] = MirrorEntry(
                    plate=plate.plate,
                    list=status,
                    owner=plate.owner,
                    telephone=plate.telephone,
                    valid_from=plate.begin,
                    valid_until=plate.end,
                )
        self.groups = mapping
        self.entries = entries
        self.synced_at = dt_util.utcnow()
        await self.async_save()
        return len(entries)
