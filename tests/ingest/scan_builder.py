"""Scanned copies of the generated report: what a printer, a stamp and a cheap scanner make of it.

A PDF rendered from `report_builder.REPORT` is rasterised with pypdfium2 and degraded with Pillow
the way office scans are: turned by up to ±1°, blurred, grainy and JPEG-compressed. The pages are
written as an image-only PDF (no text layer at all), as PNG pages, as one multi-page TIFF, or mixed
into the original PDF (text pages kept, table pages replaced by their scans). Seeds are fixed, so
every run scans the same way.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageFilter


def scanned_pages(pdf_path: Path, dpi: int, seed: int = 0, pages: Iterable[int] | None = None) -> list[Image.Image]:
    """Each page (0-based numbers; all by default) rendered at `dpi` and degraded like a scan."""
    import pypdfium2 as pdfium

    rng = random.Random(seed * 1000 + dpi)
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        numbers = list(pages) if pages is not None else range(len(document))
        return [_degraded(document[number].render(scale=dpi / 72).to_pil(), rng, dpi) for number in numbers]
    finally:
        document.close()


def _degraded(page: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    grey = page.convert("L")
    grey = grey.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, fillcolor=255)
    grey = grey.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    grain = Image.effect_noise(grey.size, 20)
    grey = Image.blend(grey, grain, 0.08)
    compressed = io.BytesIO()
    grey.save(compressed, "JPEG", quality=rng.randint(60, 80), dpi=(dpi, dpi))
    compressed.seek(0)
    scan = Image.open(compressed)
    scan.load()
    return scan


def image_pdf(pages: list[Image.Image], path: Path, dpi: int) -> Path:
    """An image-only PDF: one JPEG per page, no text layer."""
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def png_pages(pages: list[Image.Image], directory: Path, dpi: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, page in enumerate(pages, start=1):
        path = directory / f"page-{number}.png"
        page.save(path, "PNG", dpi=(dpi, dpi))
        paths.append(path)
    return paths


def tiff(pages: list[Image.Image], path: Path, dpi: int) -> Path:
    """All pages in one multi-page TIFF."""
    first, *rest = pages
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate", dpi=(dpi, dpi))
    return path


def mixed_pdf(pdf_path: Path, scanned: dict[int, Image.Image], path: Path, dpi: int) -> Path:
    """The original PDF with the pages in `scanned` (0-based) replaced by their scans."""
    from pypdf import PdfReader, PdfWriter

    original = PdfReader(str(pdf_path))
    writer = PdfWriter()
    for number, page in enumerate(original.pages):
        if number in scanned:
            single = io.BytesIO()
            scanned[number].convert("RGB").save(single, "PDF", resolution=dpi)
            single.seek(0)
            writer.add_page(PdfReader(single).pages[0])
        else:
            writer.add_page(page)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def decompression_bomb(path: Path) -> Path:
    """A PNG of a few bytes whose header declares twice the pixels Pillow's MAX_IMAGE_PIXELS allows
    (written by hand: encoding a real image that size would take a minute and gigabytes)."""
    side = int((Image.MAX_IMAGE_PIXELS or 178_956_970) ** 0.5 * 1.5)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    data = zlib.compress(row * 64, 9)  # the first rows only: the file is cut short, as bombs are
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path
