"""The CarsXE client against the fake CarsXE over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
import logging

import aiohttp
from aiohttp import web
import pytest

from custom_components.viewtron_lpr.lpr.carsxe import (
    EU_BASE_URL,
    CarsXEAuthError,
    CarsXEClient,
    CarsXEQuotaError,
    CarsXERequestError,
    CarsXETransientError,
    region_params,
)
from tools.fake_carsxe import FakeCarsXE
from tools.images import plate_crop_jpeg

KEY = "secret-carsxe-key"


@pytest.fixture
async def carsxe() -> AsyncIterator[FakeCarsXE]:
    server = FakeCarsXE(valid_keys=(KEY,))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def image_server() -> AsyncIterator[tuple[str, dict[str, bytes]]]:
    """Serves images the way Home Assistant's signed URLs will."""
    images: dict[str, bytes] = {}

    async def handler(request: web.Request) -> web.Response:
        data = images.get(request.match_info["name"])
        return (
            web.Response(body=data, content_type="image/jpeg") if data else web.Response(status=404)
        )

    app = web.Application()
    app.router.add_get("/img/{name}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/img", images  # type: ignore[union-attr]
    await runner.cleanup()


def client(session: aiohttp.ClientSession, carsxe: FakeCarsXE, **kwargs: object) -> CarsXEClient:
    async def no_wait(_seconds: float) -> None:
        return None

    return CarsXEClient(
        session, kwargs.pop("key", KEY), base_url=carsxe.url, sleep=no_wait, **kwargs
    )  # type: ignore[arg-type]


async def test_recognize(
    session: aiohttp.ClientSession, carsxe: FakeCarsXE, image_server: tuple[str, dict[str, bytes]]
) -> None:
    """CarsXE downloads the image and answers plates, scores, boxes, candidates, region."""
    base, images = image_server
    images["a.jpg"] = plate_crop_jpeg("7XER187")
    carsxe.add_image(images["a.jpg"], "7xer187", score=0.91)
    result = await client(session, carsxe).recognize(f"{base}/a.jpg", request_id="req-1")
    assert result.request_id == "req-1"
    (plate,) = result.plates
    assert (plate.plate, plate.score, plate.region) == ("7XER187", 0.91, "us-ca")
    assert plate.box == {"xmin": 100, "ymin": 200, "xmax": 300, "ymax": 260}
    assert plate.candidates == [{"plate": "7XER187", "score": 0.91}]
    assert carsxe.fetched == [(f"{base}/a.jpg", 200)]
    images["b.jpg"] = plate_crop_jpeg("NONE")
    empty = await client(session, carsxe).recognize(f"{base}/b.jpg")
    assert empty.plates == []  # 404 "No plates detected" is an empty result


async def test_decode_and_specs(session: aiohttp.ClientSession, carsxe: FakeCarsXE) -> None:
    """Plate → vehicle with state for US; VIN → specs with the echoed key stripped."""
    carsxe.vehicles[("7XER187", "US", "CA")] = {
        "make": "Kia",
        "model": "Forte",
        "year": "2017",
        "vin": "3KPFK4A78HE103497",
    }
    carsxe.specs_data["3KPFK4A78HE103497"] = {"make": "Kia", "doors": "4"}
    api = client(session, carsxe)
    info = await api.decode_plate("7xer 187", "US-CA")
    assert (info.found, info.make, info.model, info.year, info.vin) == (
        True,
        "Kia",
        "Forte",
        "2017",
        "3KPFK4A78HE103497",
    )
    assert "key" not in str(info.details)
    assert not (await api.decode_plate("NOPE1", "US-CA")).found
    specs = await api.specs("3KPFK4A78HE103497")
    assert specs is not None
    assert specs["attributes"]["doors"] == "4"
    assert KEY not in str(specs)
    assert await api.specs("00000000000000000") is None


def test_region_params() -> None:
    """State for US, AU and CA; country otherwise; US by default."""
    assert region_params("US-CA") == {"state": "CA", "country": "US"}
    assert region_params("ca-on") == {"state": "ON", "country": "CA"}
    assert region_params("AU-NSW") == {"state": "NSW", "country": "AU"}
    assert region_params("DE") == {"country": "DE"}
    assert region_params("GB-ENG") == {"country": "GB"}
    assert region_params(None) == {"country": "US"}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, CarsXEAuthError),
        (403, CarsXEAuthError),
        (429, CarsXEQuotaError),
        (400, CarsXERequestError),
    ],
)
async def test_errors_are_typed_and_not_retried(
    session: aiohttp.ClientSession, carsxe: FakeCarsXE, status: int, error: type[Exception]
) -> None:
    """Auth, quota and request errors fail at once (one request)."""
    body = {"success": False, "message": "x", "usage": {"current": 5, "limit": 5, "remaining": 0}}
    carsxe.fail_next("/v2/platedecoder", status, body)
    with pytest.raises(error) as caught:
        await client(session, carsxe).decode_plate("AB1", "US-CA")
    assert carsxe.calls("/v2/platedecoder") == 1
    if status == 429:
        assert caught.value.usage["remaining"] == 0  # type: ignore[attr-defined]


async def test_transient_errors_retry_with_the_same_request_id(
    session: aiohttp.ClientSession, carsxe: FakeCarsXE
) -> None:
    """5xx are retried (same Idempotency-Key); still failing after the retries is typed."""
    carsxe.vehicles[("AB123", "US", "CA")] = {"make": "Ford"}
    carsxe.fail_next("/v2/platedecoder", 500)
    carsxe.fail_next("/v2/platedecoder", 503)
    info = await client(session, carsxe).decode_plate("AB123", "US-CA", request_id="same")
    assert info.make == "Ford"
    assert carsxe.idempotency_keys[-3:] == ["same", "same", "same"]
    for _ in range(3):
        carsxe.fail_next("/v2/platedecoder", 502)
    with pytest.raises(CarsXETransientError, match="request again"):
        await client(session, carsxe).decode_plate("AB123", "US-CA", request_id="again")


async def test_unreachable_and_wrong_key(
    session: aiohttp.ClientSession, carsxe: FakeCarsXE, caplog: pytest.LogCaptureFixture
) -> None:
    """A closed port is transient; a wrong key is auth; the key never reaches logs or errors."""
    caplog.set_level(logging.DEBUG)
    dead = CarsXEClient(
        session, KEY, base_url="http://127.0.0.1:1", retries=1, sleep=lambda _: _noop()
    )
    with pytest.raises(CarsXETransientError) as caught:
        await dead.validate_key()
    assert KEY not in str(caught.value)
    with pytest.raises(CarsXEAuthError):
        await client(session, carsxe, key="wrong").validate_key()
    await client(session, carsxe).validate_key()
    assert KEY not in caplog.text


async def _noop() -> None:
    return None


def test_eu_host_keeps_specs_on_the_us_host(session: aiohttp.ClientSession) -> None:
    """The EU host serves recognition and decoding, never /specs."""
    api = CarsXEClient(session, KEY, base_url=EU_BASE_URL)
    assert api._specs_base == "https://api.carsxe.com"
