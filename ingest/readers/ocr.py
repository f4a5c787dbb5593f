"""Optical character recognition of page images: the only module importing rapidocr, onnxruntime
and OpenCV.

A scanned page becomes what the PDF reader gets from a text layer: character boxes (`Glyph`) and
ruling lines (`Rule`) in points, y downwards, so that `grid.layout_page` rebuilds its tables and
the one label matcher reads their cells, exactly as for a born-digital PDF.

Steps: grey scale, deskew (the angle whose row profile is sharpest), ruling lines by morphology
(long thin runs of ink), lines erased before recognition (a border beside a digit reads as 1),
then PP-OCR detection and recognition from the models inside the rapidocr wheel. The angle
classifier is off: pages are upright, and on short numbers it turns 61 into 19.

Numbers are where OCR must not guess. A run of characters inside a table that is made of digits
and their look-alikes (O 〇 → 0, l I | 一 → 1) is a numeric cell: look-alikes are mapped there and
only there. A numeric cell whose characters the recogniser is not sure of, or that mixes digits
with other characters, is written as `DOUBTFUL`, which the table reader never takes for a value:
the cell comes out `uncertain` instead of wrong. A lone 一 may be the digit 1 or the dash of a blank
cell: both readings go to the table reader (`ALTERNATIVES`), whose 勾稽 rules choose, as they do
for digits that ran together.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.readers import ALTERNATIVES, DOUBTFUL
from ingest.readers.grid import Glyph, Rule, find_grids

DPI = 200
"""Pages of a PDF without a text layer are rendered at this resolution, and finer page images are
scaled down to it (recognition is no better above it, only slower)."""
MAX_SIDE_PIXELS = 4000
"""No page image is recognised larger than this (an A3 page at 200 dpi is 3300 pixels high)."""
MIN_DIGIT_SCORE = 0.8
"""Below this per-character confidence a digit is not believed."""
MAX_SKEW_DEGREES = 3.0
DETECTION_MODEL = "PP-OCRv6_det_small.onnx"
RECOGNITION_MODEL = "PP-OCRv6_rec_small.onnx"
"""The PP-OCR models the rapidocr 3 wheel carries (nothing is downloaded at run time)."""

_LOOK_ALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "Ｏ": "0", "l": "1", "I": "1", "|": "1", "丨": "1",
                              "一": "1", "｜": "1"})
_NUMERIC_RUN = re.compile(r"[0-9０-９OoＯ〇lI|丨一｜,，.]+")
_HAS_DIGIT = re.compile(r"[0-9０-９]")
_MARKS = {"-", "—", "–", "－", "/", "／", "\\", "无", "——"}


class OcrUnavailable(RuntimeError):
    """rapidocr, onnxruntime or OpenCV is not installed."""


@dataclass(frozen=True)
class OcrPage:
    glyphs: list[Glyph]
    rules: list[Rule]


class PageReader:
    """One loaded recogniser, reused for every page of a run (loading the models takes a moment)."""

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._loaded = None

    def model_files(self) -> list[Path]:
        """The detection and recognition models, from the directory inside the rapidocr wheel."""
        try:
            import rapidocr
        except ImportError as missing:
            raise OcrUnavailable(
                "OCR needs rapidocr, onnxruntime and opencv-python-headless: "
                "pip install 'rapidocr>=3.0' onnxruntime opencv-python-headless"
            ) from missing
        models = Path(rapidocr.__file__).parent / "models"
        files = [models / DETECTION_MODEL, models / RECOGNITION_MODEL]
        for file in files:
            if not file.is_file():
                raise OcrUnavailable(f"the OCR model {file} is missing: pip install --force-reinstall 'rapidocr>=3.0'")
        return files

    def _engine(self):
        """The recogniser, loaded on the first scanned page (text PDFs never import OpenCV)."""
        if self._loaded is None:
            detection, recognition = self.model_files()
            from rapidocr import RapidOCR

            self._loaded = RapidOCR(params={
                "Global.use_cls": False,
                "Global.log_level": "error",
                # Explicit model files: rapidocr then never looks for (or downloads) a model of its own.
                "Det.model_path": str(detection),
                "Rec.model_path": str(recognition),
                "Det.limit_type": "max",
                "Det.limit_side_len": 1600,
                "EngineConfig.onnxruntime.intra_op_num_threads": self._threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
        return self._loaded

    def read(self, image, dpi: float) -> OcrPage:
        """`image`: a Pillow image of one page; `dpi`: its resolution (pixels per inch)."""
        engine = self._engine()
        import cv2
        import numpy as np

        image = image.convert("L")
        factor = min(DPI / dpi, MAX_SIDE_PIXELS / max(image.size), 1.0)
        if factor < 1.0:
            image = image.resize((round(image.width * factor), round(image.height * factor)))
            dpi *= factor
        grey = np.asarray(image)
        grey = _deskewed(grey)
        ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
        horizontal, vertical = _ruling_masks(ink, dpi)
        scale = 72.0 / dpi
        rules = _rules(horizontal, vertical, scale)
        lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
        clean = grey.copy()
        clean[lines > 0] = 255
        result = engine(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR), use_cls=False, return_word_box=True,
                        return_single_char_box=True)
        grids = find_grids(rules)
        glyphs = _glyphs(result, scale, grids)
        return OcrPage(glyphs, rules)


def _deskewed(grey):
    """The page turned upright: the angle (within ±3°) at which ink rows are sharpest."""
    import cv2
    import numpy as np

    height, width = grey.shape
    factor = 1000 / max(height, width)
    small = cv2.resize(grey, (int(width * factor), int(height * factor)), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (ink.shape[1], ink.shape[0]))
        return float(np.var(turned.sum(axis=1)))

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness)
    if abs(best) < 0.05:
        return grey
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(best), 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _ruling_masks(ink, dpi: float):
    """Long thin runs of ink: horizontal ones longer than 0.4 inch (wider than a dash of text),
    vertical ones longer than 0.22 inch (taller than a character, shorter than a table row)."""
    import cv2
    import numpy as np

    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(dpi * 0.4), 10), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(dpi * 0.22), 8)))
    horizontal = cv2.morphologyEx(closed, cv2.MORPH_OPEN, across)
    vertical = cv2.morphologyEx(closed, cv2.MORPH_OPEN, down)
    return horizontal, vertical


def _rules(horizontal, vertical, scale: float) -> list[Rule]:
    import cv2

    rules = []
    for mask, is_horizontal in ((horizontal, True), (vertical, False)):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for label in range(1, count):
            x, y, width, height = stats[label][:4]
            # Ink may bleed a pixel past a crossing: reach one point further so rules meet.
            if is_horizontal:
                rules.append(Rule(True, (y + height / 2) * scale, x * scale - 1, (x + width) * scale + 1))
            else:
                rules.append(Rule(False, (x + width / 2) * scale, y * scale - 1, (y + height) * scale + 1))
    return rules


def _glyphs(result, scale: float, grids) -> list[Glyph]:
    """Characters in reading order, each run's first one starting a line where the page starts one."""
    if result.boxes is None or result.txts is None:
        return []
    runs = []
    for index, (box, text) in enumerate(zip(result.boxes, result.txts, strict=True)):
        xs, ys = [point[0] for point in box], [point[1] for point in box]
        left, top, right, bottom = min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale
        words = result.word_results[index] if index < len(result.word_results) else ()
        score = float(result.scores[index]) if result.scores is not None else 0.0
        runs.append(TextRun(text, left, top, right, bottom, list(words or ()), scale, score))
    runs.sort(key=lambda run: (run.top, run.left))
    lines: list[list[TextRun]] = []
    for run in runs:
        # Each run's middle within the other's height: a label printed top to bottom beside a
        # table stays apart from the rows it spans instead of pulling them into one line.
        first = lines[-1][0] if lines else None
        if first is not None and first.top <= run.cy <= first.bottom and run.top <= first.cy <= run.bottom:
            lines[-1].append(run)
        else:
            lines.append([run])
    glyphs = []
    for line in lines:
        for place, run in enumerate(sorted(line, key=lambda run: run.left)):
            inside = any(grid.xs[0] <= run.cx <= grid.xs[-1] and grid.ys[0] <= run.cy <= grid.ys[-1]
                         for grid in grids)
            glyphs += run.glyphs(in_table=inside, line_start=place == 0)
    return glyphs


@dataclass
class TextRun:
    """One detected text box and what the recogniser read in it."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    words: list
    scale: float
    score: float = 0.0
    """The recogniser's confidence in the whole run (used where it gives no character scores)."""

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def chars(self) -> list[tuple[str, float, float, float]]:
        """(character, confidence, x0, x1) for each character; the recogniser's own character boxes
        where it gives one per character, otherwise the box cut evenly."""
        text = self.text.replace(" ", "")
        if self.words and "".join(word[0] for word in self.words) == text and all(
            len(word[0]) == 1 for word in self.words
        ):
            chars = []
            for char, score, box in self.words:
                xs = [point[0] * self.scale for point in box]
                chars.append((char, float(score), min(xs), max(xs)))
            return chars
        step = (self.right - self.left) / max(len(text), 1)
        score = min((float(word[1]) for word in self.words), default=self.score)
        return [(char, score, self.left + step * n, self.left + step * (n + 1)) for n, char in enumerate(text)]

    def glyphs(self, in_table: bool, line_start: bool) -> list[Glyph]:
        chars = self.chars()
        if not chars:
            return []
        chars = _numeric(chars) if in_table else self._closed_up(chars)
        return [Glyph(char, x0, self.top, x1, self.bottom, line_start and n == 0)
                for n, (char, _, x0, x1) in enumerate(chars)]


    def _closed_up(self, chars: list[tuple[str, float, float, float]]) -> list[tuple[str, float, float, float]]:
        """Text outside tables: characters the recogniser read as adjacent touch, so that the layout
        puts no space between them (its character boxes are often narrower than the printed glyphs,
        which split a large title into 某某县生 态环境局). Where it read a space the gap stays."""
        spaced = [index + 1 < len(self.text) and self.text[index + 1] == " " for index, char in
                  enumerate(self.text) if char != " "]
        closed = []
        for index, (char, score, x0, x1) in enumerate(chars):
            if index + 1 < len(chars) and not (index < len(spaced) and spaced[index]):
                x1 = max(x1, chars[index + 1][2])
            closed.append((char, score, x0, x1))
        return closed


def _numeric(chars: list[tuple[str, float, float, float]]) -> list[tuple[str, float, float, float]]:
    """A run in a table: made of digits and look-alikes it is a number, read strictly."""
    text = "".join(char for char, *_ in chars)
    if text in _MARKS or not _NUMERIC_RUN.fullmatch(text):
        if _HAS_DIGIT.search(text) and not re.search(r"[\u4e00-\u9fff]", text.replace("一", "")):
            return _doubtful(chars)  # digits mixed with letters or symbols: not a number we can trust
        return chars
    if not _HAS_DIGIT.search(text) and len(text) > 1:
        return chars  # "一一" and the like are dashes, not numbers
    if text == "一":
        # The digit 1 or the dash of a blank cell: the print cannot tell, the table's sums may.
        return [(f"1{ALTERNATIVES}—", chars[0][1], chars[0][2], chars[0][3])]
    mapped = text.translate(_LOOK_ALIKES)
    if any(score < MIN_DIGIT_SCORE for _, score, *_ in chars):
        return _doubtful(chars)
    return [(new, score, x0, x1) for new, (_, score, x0, x1) in zip(mapped, chars, strict=True)]


def _doubtful(chars: list[tuple[str, float, float, float]]) -> list[tuple[str, float, float, float]]:
    return [(DOUBTFUL, 0.0, chars[0][2], chars[-1][3])]


Progress = Callable[[int, int], None]
"""Called with (page number, page count) before each page is recognised."""
