"""Home-Assistant-free core of the Viewtron LPR integration.

Everything in this package is plain typed, async Python: Viewtron XML parsing and the
device client (`viewtron`), plate normalisation and matching. It never imports
`homeassistant`, takes injected `aiohttp` sessions, and raises its own small error
hierarchy, so it could be published on PyPI unchanged.
"""
