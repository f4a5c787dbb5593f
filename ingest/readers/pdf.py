"""PDF through pypdfium2, the only module that imports it: text from character positions, tables
from their ruling lines.

Why pypdfium2 and our own line finding rather than pdfplumber: PDFium gives every character's box
and every path object's bounds in C, so a report of a few pages is read in well under a second,
where pdfminer (under pdfplumber) parses fonts and content streams in Python and takes seconds on
CJK documents. The grid logic itself is small (`ingest/readers/grid.py`) and ours to test.

Each page becomes text lines (characters grouped by baseline, top to bottom) with every ruled table
written in place as `| cell |` rows, the same rows the HTML and DOCX readers write, so one
template/label matcher reads the cells of every format.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import unicodedata
from collections.abc import Callable

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument
from ingest.readers.grid import THIN, Glyph, PageLayout, Rule, layout_page, pages_text
from ingest.readers.ocr import DPI, MAX_SIDE_PIXELS, PageReader, Progress


def read_pdf(data: bytes, path: str, ocr: PageReader | None = None, progress: Progress | None = None) -> RawDocument:
    """`ocr`: pages that are images (scans) are recognised with it; without it they read as empty."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError as missing:  # pragma: no cover - pypdfium2 is a core dependency
        raise UnreadableReport(
            path, "未安装 pypdfium2（pip install pypdfium2）", "pypdfium2 is not installed"
        ) from missing
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableReport(path, "PDF 已加密，需要密码", "the PDF is encrypted and needs a password") from error
        raise UnreadableReport(path, f"PDF 文件已损坏（{error}）", f"the PDF is corrupt ({error})") from error
    try:
        count = len(document)
        layouts = []
        recognised: list[int] = []
        for number in range(count):
            # Only pages that are recognised report progress: reading a text layer takes no time.
            def announce(page: int = number + 1) -> None:
                recognised.append(page)
                if progress is not None:
                    progress(page, count)

            layouts.append(_page_layout(document[number], pdfium_c, ocr, announce))
        pages = ["\n".join(_restore_ideographs(line) for line in lines) for lines in pages_text(layouts)]
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    except pdfium.PdfiumError as error:
        raise UnreadableReport(path, f"PDF 文件已损坏（{error}）", f"the PDF is corrupt ({error})") from error
    finally:
        document.close()
    if not any(page.strip() for page in pages):
        raise UnreadableReport(
            path,
            "PDF 没有文字层（可能是扫描件），需要先做 OCR 文字识别",
            "the PDF has no text layer (a scanned document?); it needs OCR first",
        )
    return RawDocument(pages=pages, paginated=True, declared_title=title, recognised_pages=frozenset(recognised))


def _page_layout(page, pdfium_c, ocr: PageReader | None = None,
                 announce: Callable[[], None] | None = None) -> PageLayout:
    height = page.get_height()
    glyphs = _glyphs(page, height)
    if ocr is not None and _scanned(page, glyphs, pdfium_c):
        if announce is not None:
            announce()
        # A page drawn larger than any paper is rendered smaller: memory and time stay bounded.
        dpi = min(DPI, MAX_SIDE_PIXELS * 72 / max(page.get_width(), page.get_height(), 1.0))
        scan = ocr.read(page.render(scale=dpi / 72).to_pil(), dpi)
        page.close()
        return layout_page(scan.glyphs, scan.rules)
    rules = _rules(page, height, pdfium_c)
    page.close()
    return layout_page(glyphs, rules)


def _scanned(page, glyphs: list[Glyph], pdfium_c) -> bool:
    """A page that is a picture: no text layer over an image, or an image covering most of the page
    with only a few characters beside it (a scanned table under a typed heading)."""
    if len(glyphs) > 100:
        return False
    area = page.get_width() * page.get_height()
    covered = 0.0
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        left, bottom, right, top = item.get_bounds()
        covered = max(covered, (right - left) * (top - bottom))
    return covered > 0.4 * area or (not glyphs and covered > 0)


def _glyphs(page, height: float) -> list[Glyph]:
    """Every printed character with its box, y measured downwards from the top of the page."""
    textpage = page.get_textpage()
    glyphs = []
    line_start = True
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if not char or char.isspace():
            line_start = line_start or char in "\r\n"
            continue
        # The loose box is the glyph's em square: punctuation such as “ keeps the height of its line.
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        glyphs.append(Glyph(char, left, height - top, right, height - bottom, line_start))
        line_start = False
    textpage.close()
    return glyphs


def _rules(page, height: float, pdfium_c) -> list[Rule]:
    """Ruling lines: thin path objects (stroked lines or filled hairline boxes, as renderers draw
    cell borders); of a larger path, each thin piece it is made of and, if it is stroked, each
    horizontal or vertical line it draws (some producers draw a whole table's borders as one path)."""
    rules = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=8):
        left, bottom, right, top = item.get_bounds()
        rule = Rule.of_box(left, height - top, right, height - bottom)
        if rule is not None:
            rules.append(rule)
            continue
        pdfium_c.FPDFPath_GetDrawMode(item, fill, stroke)
        rules += _path_rules(item, height, pdfium_c, stroked=bool(stroke.value))
    return rules


def _path_rules(item, height: float, pdfium_c, stroked: bool) -> list[Rule]:
    matrix = item.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    # Subpaths as points, each point with whether a straight line leads to it.
    subpaths: list[list[tuple[float, float, bool]]] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(item)):
        segment = pdfium_c.FPDFPath_GetPathSegment(item, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = matrix.on_point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([(px, height - py, False)])
        else:
            subpaths[-1].append((px, height - py, kind == pdfium_c.FPDF_SEGMENT_LINETO))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            first = subpaths[-1][0]
            subpaths[-1].append((first[0], first[1], True))
    rules = []
    for points in subpaths:
        xs, ys = [point[0] for point in points], [point[1] for point in points]
        rule = Rule.of_box(min(xs), min(ys), max(xs), max(ys))
        if rule is not None:
            rules.append(rule)
        elif stroked:
            for (x0, y0, _), (x1, y1, straight) in itertools.pairwise(points):
                if straight and abs(y1 - y0) <= 0.5 and abs(x1 - x0) > THIN:
                    rules.append(Rule(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif straight and abs(x1 - x0) <= 0.5 and abs(y1 - y0) > THIN:
                    rules.append(Rule(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    return rules


# Fonts share one glyph between an ideograph and its radical, and some PDF text layers then map
# the glyph to the radical's code point (⼀ U+2F00 for 一, ⻅ U+2EC5 for 见). Simplified-form
# radicals have no NFKC mapping, and a few Kangxi radicals map to the traditional form.
_SIMPLIFIED_RADICALS = str.maketrans({
    "⻅": "见", "⻆": "角", "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦",
    "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼",
    "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
    "⺠": "民", "⻄": "西", "⺟": "母", "⼾": "户",
})
_RADICAL = re.compile(r"[\u2e80-\u2fdf]")


def _restore_ideographs(text: str) -> str:
    text = text.translate(_SIMPLIFIED_RADICALS)
    return _RADICAL.sub(lambda match: unicodedata.normalize("NFKC", match.group(0)), text)
