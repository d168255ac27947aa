"""Errors raised by the Viewtron protocol code.

Everything here derives from :class:`ViewtronError`, so a caller can catch the whole
family in one place. Device-reported failures keep the device's numeric code.
"""

from __future__ import annotations


class ViewtronError(Exception):
    """Base class of every error raised by this package."""


class ParseError(ViewtronError):
    """A webhook body or device response could not be understood.

    ``reason`` is a short stable code (``too_large``, ``not_xml``, ``malformed``,
    ``forbidden_dtd``, ``too_deep``, ``too_many_elements``, ``internal``) suitable for
    counters and logs; the message never contains body content.
    """

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or reason)
        self.reason = reason


class ViewtronConnectionError(ViewtronError):
    """The device could not be reached, or did not answer in time."""


class ViewtronDeviceError(ViewtronError):
    """The device answered with an error.

    ``code`` is the device's ``errorCode`` (None when the failure was only an HTTP status),
    ``description`` its ``errorDesc``, ``http_status`` the HTTP status of the response.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        description: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.description = description
        self.http_status = http_status


class ViewtronAuthError(ViewtronDeviceError):
    """Credentials were rejected (HTTP 401, or device codes 8, 9, 10)."""


class ViewtronPermissionError(ViewtronDeviceError):
    """The account is valid but not allowed to do this (device code 4)."""


class ViewtronUnsupportedError(ViewtronDeviceError):
    """The device or its firmware does not offer this function (code 11, HTTP 400/404)."""


class ViewtronBusyError(ViewtronDeviceError):
    """The device is busy (code 7); trying again later may work."""


class ViewtronNotFoundError(ViewtronDeviceError):
    """The plate or group does not exist (codes 20, 204, 207)."""


class ViewtronAlreadyExistsError(ViewtronDeviceError):
    """The plate is already in the database (code 203)."""


class ViewtronLibraryFullError(ViewtronDeviceError):
    """The camera's plate library is full (code 202)."""


class ViewtronPartialChangeError(ViewtronDeviceError):
    """A multi-step change failed part-way.

    ``applied`` says what the camera holds now, in words a user can act on, and
    ``rolled_back`` whether the first step was undone.
    """

    def __init__(self, message: str, *, cause: ViewtronError, rolled_back: bool) -> None:
        code = cause.code if isinstance(cause, ViewtronDeviceError) else None
        super().__init__(message, code=code)
        self.cause = cause
        self.rolled_back = rolled_back


#: Device error codes (reference §3.8) mapped to the exception raised for them.
ERROR_CODE_CLASSES: dict[int, type[ViewtronDeviceError]] = {
    4: ViewtronPermissionError,
    7: ViewtronBusyError,
    8: ViewtronAuthError,
    9: ViewtronAuthError,
    10: ViewtronAuthError,
    11: ViewtronUnsupportedError,
    20: ViewtronNotFoundError,
    202: ViewtronLibraryFullError,
    203: ViewtronAlreadyExistsError,
    204: ViewtronNotFoundError,
    207: ViewtronNotFoundError,
}

ERROR_CODE_NAMES: dict[int, str] = {
    1: "Invalid Request",
    2: "Invalid XML Format",
    3: "Invalid XML Content",
    4: "Permission Denied",
    5: "Network Limit",
    7: "System Busy",
    8: "Password Expired",
    9: "Unauthorized",
    10: "User Locked",
    11: "Unsupported Function",
    15: "Missing Required Parameters",
    16: "Range Error",
    17: "Service Not Enabled",
    18: "Modification Not Allowed",
    19: "Over Specifications",
    20: "Resources Not Exist",
    201: "LPR General Error",
    202: "LPR Library Full",
    203: "Same License Plate Exists",
    204: "License Plate Not Exist",
    207: "License Plate Not Exist",
}


def device_error(
    code: int, description: str | None = None, http_status: int | None = None
) -> ViewtronDeviceError:
    """Build the typed exception for a device error code."""
    cls = ERROR_CODE_CLASSES.get(code, ViewtronDeviceError)
    desc = description or ERROR_CODE_NAMES.get(code, "Unknown error")
    return cls(f"device error {code}: {desc}", code=code, description=desc, http_status=http_status)
