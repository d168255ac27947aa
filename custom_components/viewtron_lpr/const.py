"""Constants for the Viewtron LPR integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

DOMAIN: Final = "viewtron_lpr"
MANUFACTURER: Final = "Viewtron"

EVENT_PLATE_DETECTED: Final = "viewtron_lpr_plate_detected"

# Entry data (besides host, port, username, password, webhook_id)
CONF_MAC: Final = "mac"
CONF_SERIAL: Final = "serial"
CONF_MODEL: Final = "model"
CONF_FIRMWARE: Final = "firmware"
CONF_IS_NVR: Final = "is_nvr"
CONF_PLATE_API: Final = "plate_api"
CONF_CARSXE_API_KEY: Final = "carsxe_api_key"

# Options
CONF_DEDUP_WINDOW: Final = "dedup_window"
CONF_ACCEPT_THRESHOLD: Final = "accept_threshold"
CONF_REVIEW_THRESHOLD: Final = "review_threshold"
CONF_LOCAL_ONLY: Final = "local_only"
CONF_RETENTION_DAYS: Final = "retention_days"
CONF_REGION: Final = "region"
CONF_SILENCE_MINUTES: Final = "silence_minutes"
CONF_MIRROR_MAX_AGE: Final = "mirror_max_age"
CONF_CARSXE_URL: Final = "carsxe_url"
CONF_SECOND_OPINION: Final = "second_opinion"
CONF_AUTO_LOOKUP: Final = "auto_lookup"

DEFAULT_PORT: Final = 80
DEFAULT_DEDUP_WINDOW: Final = 30
DEFAULT_ACCEPT_THRESHOLD: Final = 0.90
DEFAULT_REVIEW_THRESHOLD: Final = 0.60
DEFAULT_LOCAL_ONLY: Final = True
DEFAULT_RETENTION_DAYS: Final = 30
DEFAULT_SILENCE_MINUTES: Final = 10
DEFAULT_MIRROR_MAX_AGE: Final = 24  # hours

DEFAULT_OPTIONS: Final = {
    CONF_DEDUP_WINDOW: DEFAULT_DEDUP_WINDOW,
    CONF_ACCEPT_THRESHOLD: DEFAULT_ACCEPT_THRESHOLD,
    CONF_REVIEW_THRESHOLD: DEFAULT_REVIEW_THRESHOLD,
    CONF_LOCAL_ONLY: DEFAULT_LOCAL_ONLY,
    CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
    CONF_SILENCE_MINUTES: DEFAULT_SILENCE_MINUTES,
    CONF_MIRROR_MAX_AGE: DEFAULT_MIRROR_MAX_AGE,
    CONF_SECOND_OPINION: False,
    CONF_AUTO_LOOKUP: False,
    # quality gate (see lpr.quality.QualityThresholds for what each means)
    "min_sharpness": 0.15,
    "min_mean": 40,
    "max_mean": 220,
    "max_glare": 0.15,
    "min_plate_width": 60,
}

EVENT_SECOND_OPINION: Final = "viewtron_lpr_second_opinion"
EVENT_VEHICLE: Final = "viewtron_lpr_vehicle"
DEAD_LETTER_RETRY_INTERVAL: Final = timedelta(minutes=15)

#: How often the copy of a device's plate lists is refreshed in the background.
MIRROR_SYNC_INTERVAL: Final = timedelta(hours=1)

#: The heartbeat the vendor recommends setting on the camera; connectivity goes off after
#: three missed heartbeats.
HEARTBEAT_INTERVAL: Final = timedelta(seconds=30)
MISSED_HEARTBEATS: Final = 3
SILENCE_CHECK_INTERVAL: Final = timedelta(minutes=1)

#: Markup (a body without its base64 images) larger than this is parsed in the executor,
#: smaller inline (a plate post has about 3 KB: well under a millisecond).
INLINE_PARSE_MAX_BYTES: Final = 16 * 1024
#: Bodies waiting to be processed, in bytes; beyond this the webhook waits for room
#: before replying (backpressure), and drops a post only after BACKPRESSURE_TIMEOUT s.
MAX_QUEUED_BYTES: Final = 64 * 1024 * 1024
BACKPRESSURE_TIMEOUT: Final = 10.0

ISSUE_CAMERA_SILENT: Final = "camera_silent_{entry_id}"
