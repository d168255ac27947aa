"""Viewtron LPR camera / NVR protocol: webhook bodies and the device HTTP API."""

from .protocol import NAMESPACE, SUCCESS_CONTENT_TYPE, SUCCESS_REPLY

__all__ = ["NAMESPACE", "SUCCESS_CONTENT_TYPE", "SUCCESS_REPLY"]
