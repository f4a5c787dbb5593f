"""Page geometry to text: characters grouped into lines, ruled tables rebuilt as grids of cells.

Pure geometry, no PDF library: the PDF reader hands over each character's box and each ruling
line; this module finds the tables those lines draw, including merged cells (a missing rule
between two slots of the grid joins them) and labels that span rows, and writes every table
as `| cell |` rows in reading order between the page's text lines. Coordinates are in points
with y growing downwards.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cached_property

THIN = 2.5
"""A path no thicker than this is a ruling line (renderers draw borders as hairline boxes or strokes)."""
SNAP = 2.0
"""Rules closer than this are one line of the grid (double borders, borders of adjacent cells)."""


@dataclass(frozen=True)
class Glyph:
    char: str
    x0: float
    top: float
    x1: float
    bottom: float
    line_start: bool = False
    """The text layer starts a new line here (PDFium's line breaks, in the order the page draws text)."""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Rule:
    horizontal: bool
    at: float
    """y of a horizontal rule, x of a vertical one."""
    start: float
    end: float

    @classmethod
    def of_box(cls, x0: float, top: float, x1: float, bottom: float) -> Rule | None:
        width, height = x1 - x0, bottom - top
        if height <= THIN < width:
            return cls(True, (top + bottom) / 2, x0, x1)
        if width <= THIN < height:
            return cls(False, (x0 + x1) / 2, top, bottom)
        return None

    @classmethod
    def sides(cls, x0: float, top: float, x1: float, bottom: float) -> list[Rule]:
        return [cls(True, top, x0, x1), cls(True, bottom, x0, x1), cls(False, x0, top, bottom),
                cls(False, x1, top, bottom)]

    def covers(self, position: float) -> bool:
        return self.start - SNAP <= position <= self.end + SNAP


@dataclass
class Cell:
    row: int
    col: int
    last_row: int
    last_col: int
    glyphs: list[Glyph]
    continued: str = ""
    """The rest of the cell's text, printed on the next page (a row cut by a page break)."""
    consumed: bool = False
    """The cell's text was moved to the row it continues on the previous page."""

    def text(self) -> str:
        if self.consumed:
            return ""
        lines = [_line_text(line) for line in _lines(self.glyphs)]
        joined = ""
        for line in lines:
            # A label wraps inside its cell: its lines join up. Digits on two lines are two values
            # of cells whose border was not drawn; a space keeps them apart (and unreadable as one).
            if joined and joined[-1].isdigit() and line[:1].isdigit():
                joined += " "
            joined += line
        return (joined + self.continued).replace("|", "｜")


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[Cell]

    @property
    def top(self) -> float:
        return self.ys[0]

    def holds(self, glyph: Glyph) -> bool:
        return self.xs[0] <= glyph.cx <= self.xs[-1] and self.ys[0] <= glyph.cy <= self.ys[-1]

    def place(self, glyph: Glyph) -> None:
        self._slots[(bisect.bisect_right(self.ys, glyph.cy) - 1, bisect.bisect_right(self.xs, glyph.cx) - 1)]\
            .glyphs.append(glyph)

    @cached_property
    def _slots(self) -> dict[tuple[int, int], Cell]:
        """Every slot of the grid, clamped to its edges, and the cell covering it."""
        slots = {}
        for cell in self.cells:
            for row in range(cell.row, cell.last_row + 1):
                for col in range(cell.col, cell.last_col + 1):
                    slots[(row, col)] = cell
        rows, cols = len(self.ys) - 1, len(self.xs) - 1
        for col in range(cols):
            slots[(-1, col)], slots[(rows, col)] = slots[(0, col)], slots[(rows - 1, col)]
        for row in range(-1, rows + 1):
            slots[(row, -1)], slots[(row, cols)] = slots[(row, 0)], slots[(row, cols - 1)]
        return slots

    def row_texts(self) -> list[list[str]]:
        """Each grid row's cells in the row where they start (HTML's way), left to right."""
        rows = []
        for row in range(len(self.ys) - 1):
            starting = sorted((cell for cell in self.cells if cell.row == row and not cell.consumed),
                              key=lambda cell: cell.col)
            rows.append([cell.text() for cell in starting])
        return rows

    def rows(self) -> list[str]:
        """One `| a | b |` line per grid row."""
        return ["| " + " | ".join(row) + " |" for row in self.row_texts() if row]


@dataclass
class PageLayout:
    """A page as blocks top to bottom: text lines and ruled tables."""

    blocks: list[str | Grid]


def layout_page(glyphs: list[Glyph], rules: list[Rule]) -> PageLayout:
    grids = find_grids(rules)
    free: list[Glyph] = []
    for glyph in glyphs:
        grid = next((grid for grid in grids if grid.holds(glyph)), None)
        if grid is None:
            free.append(glyph)
        else:
            grid.place(glyph)
    stacks, free = _vertical_stacks(free)
    placed: list[tuple[float, float, str | Grid]] = [(line[0].top, line[0].x0, _line_text(line))
                                                     for line in _lines(free)]
    placed += [(stack[0].top, stack[0].x0, "".join(glyph.char for glyph in stack)) for stack in stacks]
    placed += [(grid.top, grid.xs[0], grid) for grid in grids]
    placed.sort(key=lambda item: item[:2])
    return PageLayout([block for _, _, block in placed])


def _vertical_stacks(glyphs: list[Glyph]) -> tuple[list[list[Glyph]], list[Glyph]]:
    """Labels printed top to bottom (a narrow column, one character a line: 三、本年度办理结果) are
    drawn as a run of one-character lines, each below the last. Read by baseline, their characters
    would join the rows beside them (无 of 无法提供 would stand in a row of numbers as a blank
    mark); each run is kept whole, as one line where it starts."""
    runs: list[list[Glyph]] = []
    for glyph in glyphs:
        if runs and not glyph.line_start:
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    stacks: list[list[Glyph]] = []
    current: list[Glyph] = []
    for run in runs:
        glyph = run[0]
        below = (
            len(run) == 1 and bool(current) and glyph.top >= current[-1].top
            and abs(glyph.cx - current[-1].cx) <= (glyph.x1 - glyph.x0) / 2
        )
        if below:
            current.append(glyph)
            continue
        if len(current) >= 2:
            stacks.append(current)
        current = [glyph] if len(run) == 1 else []
    if len(current) >= 2:
        stacks.append(current)
    stacked = {id(glyph) for stack in stacks for glyph in stack}
    return stacks, [glyph for glyph in glyphs if id(glyph) not in stacked]


def pages_text(pages: list[PageLayout]) -> list[list[str]]:
    """Each page's text lines, after rows that a page break cut in two are joined again."""
    for previous, following in itertools.pairwise(pages):
        _join_split_row(previous, following)
    return [[line for block in page.blocks for line in ([block] if isinstance(block, str) else block.rows())]
            for page in pages]


def _join_split_row(previous: PageLayout, following: PageLayout) -> None:
    """A table that runs on from one page to the next may have one row cut by the page break
    (Word and LibreOffice let rows break). The two parts are one row when the table continues
    with the same columns, perhaps under a repeated header, and one part holds the row's values
    while the other holds none (the rest of its label)."""
    running = _running_lines(previous, following)
    upper = _last_grid(previous.blocks, running)
    lower = _first_grid(following.blocks, running)
    if upper is None or lower is None or not _same_columns(upper, lower):
        return
    first = _first_body_row(upper, lower)
    if first is None:
        return
    below = [cell for cell in lower.cells if cell.row == first and cell.last_row == first]
    above = [cell for cell in upper.cells if cell.last_row == len(upper.ys) - 2]
    texts = [cell.text() for cell in below if cell.text()]
    if (
        not texts
        or any(_is_value(text) for text in texts)
        or not any(_is_value(cell.text()) for cell in above)
        or any(_NUMBERED.match(text) for text in texts)
    ):
        return  # a row of its own: a heading row, a numbered label, or a row printed without values
    targets = []
    for cell in below:
        left, right = lower.xs[cell.col], lower.xs[cell.last_col + 1]
        target = next((c for c in above if abs(upper.xs[c.col] - left) <= SNAP * 2
                       and abs(upper.xs[c.last_col + 1] - right) <= SNAP * 2), None)
        if target is None:
            return  # the cells do not line up: not the same row
        targets.append(target)
    for cell, target in zip(below, targets, strict=True):
        target.continued += cell.text()
        cell.consumed = True


def _last_grid(blocks: list[str | Grid], running: set[str]) -> Grid | None:
    for block in reversed(blocks):
        if isinstance(block, Grid):
            return block
        if not _margin_text(block, running):
            return None
    return None


def _first_grid(blocks: list[str | Grid], running: set[str]) -> Grid | None:
    for block in blocks:
        if isinstance(block, Grid):
            return block
        if not _margin_text(block, running):
            return None
    return None


def _running_lines(previous: PageLayout, following: PageLayout) -> set[str]:
    """Lines both pages print (page numbers aside): running heads and feet."""
    def lines(page: PageLayout) -> set[str]:
        return {_DIGITS.sub("#", block.strip()) for block in page.blocks if isinstance(block, str)}

    return lines(previous) & lines(following)


def _margin_text(line: str, running: set[str]) -> bool:
    """Page numbers ("- 3 -", "第3页") and running heads between a table and the page edge."""
    if _DIGITS.sub("#", line.strip()) in running:
        return True
    return len(line.strip()) <= 12 and not any("\u4e00" <= char <= "\u9fff" for char in line.replace("第", "")
                                               .replace("页", "").replace("共", ""))


_DIGITS = re.compile(r"\d+")


def _same_columns(upper: Grid, lower: Grid) -> bool:
    """The same table: the same outer edges, and the column rules of one part all found in the other
    (a part may lack rules that only its other rows draw)."""
    fewer, more = sorted((upper.xs, lower.xs), key=len)
    return (
        abs(fewer[0] - more[0]) <= SNAP * 2
        and abs(fewer[-1] - more[-1]) <= SNAP * 2
        and all(any(abs(x - other) <= SNAP * 2 for other in more) for x in fewer)
    )


def _first_body_row(upper: Grid, lower: Grid) -> int | None:
    """The first row of `lower` that is not a repetition of the table's header rows."""
    lower_rows = lower.row_texts()
    upper_rows = upper.row_texts()
    for number, row in enumerate(lower_rows):
        if number < len(upper_rows) and row == upper_rows[number] and row:
            continue
        return number
    return None


def _is_value(text: str) -> bool:
    return bool(_VALUE.fullmatch(text.replace(" ", "")))


_NUMBERED = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+\s*[.．、])")
_VALUE = re.compile(r"[+\-＋－]?\d[\d,，]*(?:\.\d+)?(?:万元|元|亿元|千元)?")


MAX_RULES = 1000
"""More ruling lines than this on one page (after joining collinear pieces) is a drawing, not a
form: its text is read as text, and the time a page takes stays bounded."""


def find_grids(rules: list[Rule]) -> list[Grid]:
    rules = _merged(rules)
    if len(rules) > MAX_RULES:
        return []
    grids = []
    for component in _connected(rules):
        grid = _grid(component)
        if grid is not None:
            grids.append(grid)
    return grids


def _merged(rules: list[Rule]) -> list[Rule]:
    """Collinear pieces that touch become one rule (renderers draw a border cell by cell)."""
    merged: list[Rule] = []
    for horizontal in (True, False):
        lines: list[list[Rule]] = []
        for rule in sorted((rule for rule in rules if rule.horizontal == horizontal), key=lambda rule: rule.at):
            if lines and rule.at - lines[-1][0].at <= SNAP:
                lines[-1].append(rule)
            else:
                lines.append([rule])
        for line in lines:
            at = sum(rule.at for rule in line) / len(line)
            pieces: list[list[float]] = []
            for rule in sorted(line, key=lambda rule: rule.start):
                if pieces and rule.start <= pieces[-1][1] + SNAP:
                    pieces[-1][1] = max(pieces[-1][1], rule.end)
                else:
                    pieces.append([rule.start, rule.end])
            merged += [Rule(horizontal, at, start, end) for start, end in pieces]
    return merged


def _connected(rules: list[Rule]) -> list[list[Rule]]:
    """Groups of rules that cross or touch each other: one group per drawn table."""
    parent = list(range(len(rules)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    horizontals = [index for index, rule in enumerate(rules) if rule.horizontal]
    verticals = [index for index, rule in enumerate(rules) if not rule.horizontal]
    for h in horizontals:
        for v in verticals:
            if rules[h].covers(rules[v].at) and rules[v].covers(rules[h].at):
                parent[root(h)] = root(v)
    groups: dict[int, list[Rule]] = {}
    for index, rule in enumerate(rules):
        groups.setdefault(root(index), []).append(rule)
    return list(groups.values())


def _grid(rules: list[Rule]) -> Grid | None:
    horizontals = [rule for rule in rules if rule.horizontal]
    verticals = [rule for rule in rules if not rule.horizontal]
    ys = _positions(horizontals)
    xs = _positions(verticals)
    if not ys or not xs:
        return None
    # A table cut by a page break may lack its closing rule: the side rules still show its extent.
    top, bottom = min(rule.start for rule in verticals), max(rule.end for rule in verticals)
    if top < ys[0] - SNAP:
        ys.insert(0, top)
        horizontals.append(Rule(True, top, xs[0], xs[-1]))
    if bottom > ys[-1] + SNAP:
        ys.append(bottom)
        horizontals.append(Rule(True, bottom, xs[0], xs[-1]))
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1

    def wall_right(row: int, col: int) -> bool:
        middle = (ys[row] + ys[row + 1]) / 2
        return any(abs(rule.at - xs[col + 1]) <= SNAP and rule.covers(middle) for rule in verticals)

    def wall_below(row: int, col: int) -> bool:
        middle = (xs[col] + xs[col + 1]) / 2
        return any(abs(rule.at - ys[row + 1]) <= SNAP and rule.covers(middle) for rule in horizontals)

    parent = list(range(rows * cols))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for row in range(rows):
        for col in range(cols):
            if col + 1 < cols and not wall_right(row, col):
                parent[root(row * cols + col)] = root(row * cols + col + 1)
            if row + 1 < rows and not wall_below(row, col):
                parent[root(row * cols + col)] = root((row + 1) * cols + col)
    spans: dict[int, list[int]] = {}
    for row in range(rows):
        for col in range(cols):
            box = spans.setdefault(root(row * cols + col), [row, col, row, col])
            box[0], box[1] = min(box[0], row), min(box[1], col)
            box[2], box[3] = max(box[2], row), max(box[3], col)
    cells = [Cell(first_row, first_col, last_row, last_col, [])
             for first_row, first_col, last_row, last_col in spans.values()]
    return Grid(xs, ys, cells)


def _positions(rules: list[Rule]) -> list[float]:
    positions: list[float] = []
    for at in sorted(rule.at for rule in rules):
        if not positions or at - positions[-1] > SNAP:
            positions.append(at)
    return positions


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs on one baseline form a line: a glyph joins the line its vertical centre falls in."""
    lines: list[list[Glyph]] = []
    bands: list[tuple[float, float]] = []
    for glyph in sorted(glyphs, key=lambda glyph: (glyph.top, glyph.x0)):
        for number in range(len(lines) - 1, max(len(lines) - 3, -1), -1):
            top, bottom = bands[number]
            if top <= glyph.cy <= bottom:
                lines[number].append(glyph)
                break
        else:
            lines.append([glyph])
            bands.append((glyph.top, glyph.bottom))
    return [sorted(line, key=lambda glyph: glyph.x0) for line in lines]


def _line_text(line: list[Glyph]) -> str:
    """Characters left to right; a gap wider than half a character is a space (it separates values)."""
    parts = []
    previous = None
    for glyph in line:
        if previous is not None:
            size = max(previous.bottom - previous.top, glyph.bottom - glyph.top, 1.0)
            if glyph.x0 - previous.x1 > size * 0.5 or glyph.x1 <= previous.x0:
                parts.append(" ")
        parts.append(glyph.char)
        previous = glyph
    return "".join(parts)
