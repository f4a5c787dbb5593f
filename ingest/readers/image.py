"""Page images (PNG, JPEG, TIFF with one page per frame) through Pillow, recognised by `readers.ocr`.

Pillow refuses images larger than `Image.MAX_IMAGE_PIXELS` (a decompression bomb: a few kilobytes
that would decode to gigabytes); here that limit is an error, not a warning, and every page is
decoded in full before any is recognised, so a damaged last frame fails the file before OCR time
is spent.
"""

from __future__ import annotations

import io
import warnings

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument
from ingest.readers.grid import layout_page, pages_text
from ingest.readers.ocr import DPI, MAX_SIDE_PIXELS, PageReader, Progress

MAX_PAGES = 100
A4_WIDTH_INCHES = 8.27
"""An image without a resolution is taken to be an A4 page scanned across its width."""


def read_image(data: bytes, path: str, ocr: PageReader | None, progress: Progress | None = None) -> RawDocument:
    return read_images([(path, data)], path, ocr, progress)


def read_images(files: list[tuple[str, bytes]], path: str, ocr: PageReader | None,
                progress: Progress | None = None) -> RawDocument:
    """The pages of every image file, in the order given, as one document (`path`: what it is called)."""
    if ocr is None:
        raise UnreadableReport(path, "这是图片，需要 OCR 文字识别，但 OCR 已关闭（NIANBAO_OCR）",
                               "the file is an image and needs OCR, which is turned off (NIANBAO_OCR)")
    pages = [page for name, data in files for page in _decoded_pages(data, name)]
    if len(pages) > MAX_PAGES:
        raise UnreadableReport(path, f"图片页数超过 {MAX_PAGES}", f"more than {MAX_PAGES} pages")
    layouts = []
    for number, (image, dpi) in enumerate(pages, start=1):
        if progress is not None:
            progress(number, len(pages))
        scan = ocr.read(image, dpi)
        layouts.append(layout_page(scan.glyphs, scan.rules))
    texts = ["\n".join(lines) for lines in pages_text(layouts)]
    if not any(text.strip() for text in texts):
        raise UnreadableReport(path, "图片中没有识别出文字", "no text was recognised in the image")
    return RawDocument(pages=texts, paginated=True, recognised_pages=frozenset(range(1, len(texts) + 1)))


def _decoded_pages(data: bytes, path: str) -> list:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    pages = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                for frame in ImageSequence.Iterator(image):
                    if len(pages) >= MAX_PAGES:
                        raise UnreadableReport(path, f"图片页数超过 {MAX_PAGES}", f"more than {MAX_PAGES} pages")
                    # Kept at most at the resolution recognition uses: a long TIFF of fine scans
                    # would otherwise hold gigabytes.
                    dpi = _dpi(frame)
                    factor = min(DPI / dpi, MAX_SIDE_PIXELS / max(frame.size), 1.0)
                    page = frame.convert("L")
                    if factor < 1.0:
                        page = page.resize((round(page.width * factor), round(page.height * factor)))
                    pages.append((page, dpi * factor))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise UnreadableReport(path, "图片像素过多（疑似解压炸弹），拒绝读取",
                               "the image has too many pixels (a decompression bomb?)") from bomb
    except UnidentifiedImageError as error:
        raise UnreadableReport(path, "图片已损坏或格式无法识别",
                               "the image is corrupt or of an unknown format") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise UnreadableReport(path, f"图片已损坏（{error}）", f"the image is corrupt ({error})") from error
    return pages


def _dpi(frame) -> float:
    """The declared resolution when it gives a page of a plausible size (many tools write 72
    whatever the scan's), else the A4 estimate."""
    declared = frame.info.get("dpi")
    if declared and float(declared[0]) > 0 and 4 <= frame.width / float(declared[0]) <= 17:
        return float(declared[0])
    return frame.width / A4_WIDTH_INCHES
