"""Constants for the Viewtron LPR integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "viewtron_lpr"
