"""A receipt logo: loaded from a picture, printed as a GS v 0 raster, stored for exact reprints."""

import pytest
from PIL import Image as PILImage

from hardware.base import DeviceError
from hardware.escpos_parse import parse_escpos
from hardware.printers.logo import load_logo
from hardware.printers.render import render_job
from hardware.receipt import PrintJob, TextLine


@pytest.fixture
def logo_file(tmp_path):
    picture = PILImage.new("L", (600, 100), 255)
    for x in range(0, 600, 2):
        for y in range(40, 60):
            picture.putpixel((x, y), 0)  # a dotted black band
    path = tmp_path / "logo.png"
    picture.save(path)
    return path


def test_logo_is_scaled_and_thresholded(logo_file):
    image = load_logo(logo_file, max_width=384)
    assert (image.width, image.height) == (384, 64)
    data = bytes.fromhex(image.data_hex)
    assert len(data) == 48 * 64 and any(data) and not all(b == 0xFF for b in data)


def test_logo_prints_as_a_raster(logo_file):
    image = load_logo(logo_file)
    parsed = parse_escpos(render_job(PrintJob(blocks=(image, TextLine("Shop")))))
    raster = [e for e in parsed.events if type(e).__name__ == "Raster"]
    assert raster and (raster[0].width, raster[0].height) == (image.width, image.height)
    assert "Shop" in parsed.lines


def test_a_bad_logo_file_names_the_file(tmp_path):
    path = tmp_path / "logo.png"
    path.write_text("not a picture")
    with pytest.raises(DeviceError, match="logo.png"):
        load_logo(path)
