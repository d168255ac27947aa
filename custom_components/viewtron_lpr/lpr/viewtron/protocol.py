"""Fixed strings of the Viewtron (TVT `ver10`) XML protocol."""

from __future__ import annotations

from typing import Final

NAMESPACE: Final = "http://www.ipc.com/ver10"

#: The exact acknowledgement every webhook POST (keepalives included) must get, with
#: HTTP 200 and Content-Type application/xml (reference §2.2). Cameras that do not get it
#: drop the persistent connection and may lose the next event.
SUCCESS_REPLY: Final = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<config version="1.0" xmlns="http://www.ipc.com/ver10"><status>success</status></config>'
)
SUCCESS_CONTENT_TYPE: Final = "application/xml"
