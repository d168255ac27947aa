"""Actions: add, remove and list allow / block / visitor plates; refresh the copy.

The camera is chosen by ``config_entry_id`` or ``device_id`` (or is the only one). Actions
that change a list are for administrators only: a non-admin must not be able to put a plate
on the list that opens the gate. Every device failure becomes a translated message, and a
change that fails part-way says exactly what the camera holds.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
import functools
import logging
from typing import Any

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import DOMAIN
from .lpr.plates import normalize_plate
from .lpr.viewtron.errors import (
    ViewtronAlreadyExistsError,
    ViewtronAuthError,
    ViewtronBusyError,
    ViewtronConnectionError,
    ViewtronDeviceError,
    ViewtronError,
    ViewtronLibraryFullError,
    ViewtronNotFoundError,
    ViewtronPartialChangeError,
    ViewtronPermissionError,
    ViewtronUnsupportedError,
)
from .lpr.viewtron.models import ListStatus
from .mirror import LISTS, MirrorEntry
from .runtime import ViewtronConfigEntry

_LOGGER = logging.getLogger(__name__)

LIST_NAMES = [status.value for status in LISTS]
MAX_PLATE_LENGTH = 16

_TARGET: dict[vol.Marker, Any] = {
    vol.Exclusive("config_entry_id", "target"): cv.string,
    vol.Exclusive("device_id", "target"): cv.string,
}
ADD_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Required("plate"): cv.string,
        vol.Required("list"): vol.In(LIST_NAMES),
        vol.Optional("owner"): cv.string,
        vol.Optional("telephone"): cv.string,
        vol.Optional("valid_from"): cv.datetime,
        vol.Optional("valid_until"): cv.datetime,
        vol.Optional("replace", default=False): cv.boolean,
    }
)
REMOVE_SCHEMA = vol.Schema(
    {**_TARGET, vol.Required("plate"): cv.string, vol.Optional("list"): vol.In(LIST_NAMES)}
)
LIST_SCHEMA = vol.Schema({**_TARGET, vol.Optional("list"): vol.In(LIST_NAMES)})
SYNC_SCHEMA = vol.Schema(_TARGET)
Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


def _error(key: str, **placeholders: Any) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()},
    )


def _device_error(entry: ViewtronConfigEntry, err: ViewtronError) -> HomeAssistantError:
    """One place where device failures become messages a user can act on."""
    name = entry.title
    if isinstance(err, ViewtronPartialChangeError):
        key = "partial_change_rolled_back" if err.rolled_back else "partial_change_left"
        return _error(key, name=name, error=err.cause)
    if isinstance(err, ViewtronAuthError):
        entry.async_start_reauth(entry.runtime_data.hass)
        return _error("auth_failed", name=name)
    for cls, key in (
        (ViewtronConnectionError, "cannot_connect"),
        (ViewtronPermissionError, "permission_denied"),
        (ViewtronUnsupportedError, "unsupported"),
        (ViewtronLibraryFullError, "library_full"),
        (ViewtronAlreadyExistsError, "already_exists"),
        (ViewtronNotFoundError, "not_found"),
        (ViewtronBusyError, "busy"),
    ):
        if isinstance(err, cls):
            return _error(key, name=name)
    code = err.code if isinstance(err, ViewtronDeviceError) else None
    return _error("device_error", name=name, error=f"{err} (code {code})" if code else err)


def _entry(call: ServiceCall) -> ViewtronConfigEntry:
    """The loaded entry the call targets."""
    hass = call.hass
    loaded = [
        e for e in hass.config_entries.async_entries(DOMAIN) if e.state is ConfigEntryState.LOADED
    ]
    if entry_id := call.data.get("config_entry_id"):
        found = [e for e in loaded if e.entry_id == entry_id]
    elif device_id := call.data.get("device_id"):
        found = [e for e in loaded if e.runtime_data.device_id == device_id]
    elif len(loaded) == 1:
        found = loaded
    else:
        raise _invalid("target_required")
    if not found:
        raise _invalid("target_not_found")
    return found[0]


def _admin_only(handler: Handler) -> Handler:
    """Refuse callers that are logged-in users without administrator rights."""

    @functools.wraps(handler)
    async def wrapper(call: ServiceCall) -> ServiceResponse:
        if user_id := call.context.user_id:
            user = await call.hass.auth.async_get_user(user_id)
            if user is None or not user.is_admin:
                raise Unauthorized(context=call.context, permission=POLICY_CONTROL)
        return await handler(call)

    return wrapper


def _plate(call: ServiceCall) -> str:
    plate = normalize_plate(call.data["plate"])
    if not plate or len(plate) > MAX_PLATE_LENGTH or not plate.isalnum():
        raise _invalid("invalid_plate", plate=call.data["plate"])
    return plate


def _wall_clock(value: datetime | None) -> datetime | None:
    """A time as the device's (and HA's) local wall clock, without a zone."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = dt_util.as_local(value)
    return value.replace(tzinfo=None, microsecond=0)


def _mirror_only_note(entry: ViewtronConfigEntry) -> dict[str, Any]:
    return {
        "stored_on": "home_assistant",
        "note": f"{entry.title} has no plate database API; this list lives in Home Assistant",
    }


async def _add_plate(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call)
    hub = entry.runtime_data
    mirror = hub.mirror
    plate = _plate(call)
    status = ListStatus(call.data["list"])
    valid_from = _wall_clock(call.data.get("valid_from"))
    valid_until = _wall_clock(call.data.get("valid_until"))
    if valid_from and valid_until and valid_until <= valid_from:
        raise _invalid("invalid_window")
    new = MirrorEntry(
        plate=plate,
        list=status,
        owner=call.data.get("owner"),
        telephone=call.data.get("telephone"),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if mirror.device_backed:
        await _sync_quietly(entry)
    current = mirror.entries.get(plate)
    if current is not None and current.list is not status and not call.data["replace"]:
        raise _invalid("on_other_list", plate=plate, list=current.list.value)

    if not mirror.device_backed:
        mirror.put(new)
        await mirror.async_save()
        return {"plate": plate, "list": status.value, **_mirror_only_note(entry)}

    client = hub.client
    group = mirror.group_id(status)
    if group is None:
        raise _error("no_group", name=entry.title, list=status.value)
    details: dict[str, Any] = {
        "owner": new.owner,
        "telephone": new.telephone,
        "begin": valid_from,
        "end": valid_until,
    }
    try:
        if current is not None and current.list is status:
            await client.modify_plate(plate, group, **details)
            action = "updated"
        else:
            if current is not None:  # replace: move it from its current list
                await client.delete_plate(plate, mirror.group_id(current.list) or "")
            try:
                await client.add_plate(plate, group, **details)
            except ViewtronError as err:
                if current is None:
                    raise
                await _restore(entry, current, err)
            action = "moved" if current is not None else "added"
    except ViewtronError as err:
        raise _device_error(entry, err) from err
    finally:
        await _sync_quietly(entry)
    return {"plate": plate, "list": status.value, "action": action, "stored_on": "camera"}


async def _restore(entry: ViewtronConfigEntry, old: MirrorEntry, err: ViewtronError) -> None:
    """A move failed after the plate left its old list: put it back, or say where it is."""
    hub = entry.runtime_data
    try:
        await hub.client.add_plate(
            old.plate,
            hub.mirror.group_id(old.list) or "",
            owner=old.owner,
            telephone=old.telephone,
            begin=old.valid_from,
            end=old.valid_until,
        )
    except ViewtronError:
        raise _error(
            "move_failed_removed", name=entry.title, plate=old.plate, list=old.list.value, error=err
        ) from err
    raise _error(
        "move_failed_restored", name=entry.title, plate=old.plate, list=old.list.value, error=err
    ) from err


async def _remove_plate(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call)
    hub = entry.runtime_data
    mirror = hub.mirror
    plate = _plate(call)
    wanted = ListStatus(call.data["list"]) if "list" in call.data else None
    if mirror.device_backed:
        await _sync_quietly(entry)
    current = mirror.entries.get(plate)
    if current is None or (wanted is not None and current.list is not wanted):
        raise _invalid("plate_not_listed", plate=plate, list=wanted.value if wanted else "any")
    if not mirror.device_backed:
        mirror.discard(plate)
        await mirror.async_save()
        return {"plate": plate, "list": current.list.value, **_mirror_only_note(entry)}
    try:
        await hub.client.delete_plate(plate, mirror.group_id(current.list) or "")
    except ViewtronError as err:
        raise _device_error(entry, err) from err
    finally:
        await _sync_quietly(entry)
    return {"plate": plate, "list": current.list.value, "stored_on": "camera"}


async def _list_plates(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call)
    mirror = entry.runtime_data.mirror
    source = "home_assistant"
    if mirror.device_backed:
        try:
            await mirror.async_sync(entry.runtime_data.client)
            source = "camera"
        except ViewtronError as err:
            _LOGGER.debug("%s: listing from the copy: %s", entry.title, err)
            source = "home_assistant_copy"
    wanted = call.data.get("list")
    plates: list[Any] = [
        e.as_dict()
        for e in sorted(mirror.entries.values(), key=lambda e: (e.list.value, e.plate))
        if wanted is None or e.list.value == wanted
    ]
    return {
        "plates": plates,
        "count": len(plates),
        "source": source,
        "stale": mirror.stale,
        "synced_at": mirror.synced_at.isoformat() if mirror.synced_at else None,
    }


async def _sync_plates(call: ServiceCall) -> ServiceResponse:
    entry = _entry(call)
    mirror = entry.runtime_data.mirror
    if not mirror.device_backed:
        return {"count": len(mirror.entries), **_mirror_only_note(entry)}
    try:
        count = await mirror.async_sync(entry.runtime_data.client)
    except ViewtronError as err:
        raise _device_error(entry, err) from err
    return {"count": count, "synced_at": mirror.synced_at.isoformat() if mirror.synced_at else None}


async def _sync_quietly(entry: ViewtronConfigEntry) -> None:
    """Refresh the copy before/after a change; a failure here is reported by the change."""
    hub = entry.runtime_data
    try:
        await hub.mirror.async_sync(hub.client)
    except ViewtronError as err:
        _LOGGER.debug("%s: plate lists not refreshed: %s", entry.title, err)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the plate-list actions."""
    for name, handler, schema, supports in (
        ("add_plate", _admin_only(_add_plate), ADD_SCHEMA, SupportsResponse.OPTIONAL),
        ("remove_plate", _admin_only(_remove_plate), REMOVE_SCHEMA, SupportsResponse.OPTIONAL),
        ("list_plates", _list_plates, LIST_SCHEMA, SupportsResponse.ONLY),
        ("sync_plates", _sync_plates, SYNC_SCHEMA, SupportsResponse.OPTIONAL),
    ):
        hass.services.async_register(DOMAIN, name, handler, schema, supports_response=supports)
