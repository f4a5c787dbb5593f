"""Every cell of tables 二, 三 and 四 under the canonical keys, or an honest `uncertain`.

The reader finds each printed row label in template order, takes the text up to the next
label as that row's cells, and reads the cells three ways depending on what the source kept:
`| cell |` rows (HTML, DOCX, the seed), one cell per line on a fixed stride (layout-preserving
crawls), or free text whose numbers may have run together. Run-together digits give several
candidate readings; the 勾稽 rules choose among them, and a cell is only given a value when
every reading that breaks the fewest rules agrees on it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest import template
from ingest.locate import LabelIndex, Match
from ingest.model import Figure, SplitCandidates, TableStatus, Uncertain
from ingest.readers import ALTERNATIVES, DOUBTFUL
from ingest.splitting import MAX_CANDIDATES, Cell, cell_from_text, compositions, tokens
from ingest.template import RowSpec

Reading = tuple[Cell, ...]
_ORDINAL_AT_END = re.compile(r"\d\s*[.．、][^\d|]*$")
_ORDINAL = re.compile(r"(?<![\d.])\d\s*[.．、](?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_UNIT = re.compile(r"单位[:：]?\s*(万元|元|亿元|千元)")
_MAX_COMBINATIONS = 200_000
_BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
MAX_KEPT_READINGS = 200
"""Candidate readings kept per run of cells (the corpus's run-together rows of table 二 have at most 28)."""


@dataclass(frozen=True)
class Region:
    start: int
    end: int


@dataclass
class TableResult:
    figures: list[Figure]
    uncertain: list[Uncertain]
    tables: list[TableStatus] = field(default_factory=list)


@dataclass
class _Rows:
    """Candidate readings for a run of rows that share one stretch of text."""

    specs: list[RowSpec]
    readings: list[Reading]
    page: int | None
    why: str = ""
    doubtful: frozenset[int] = frozenset()
    """Positions of cells that read fine but cannot be trusted (reason in `why`)."""
    printed: str = ""
    """The numbers of free text the readings split ("693665"); empty where cells were delimited."""


def extract_tables(
    text: str,
    fmt: str,
    regions: dict[str, Region],
    page_at: Callable[[int], int | None],
) -> TableResult:
    index = LabelIndex(text)
    figures: list[Figure] = []
    uncertain: list[Uncertain] = []
    t2_specs = template.T2_2021 if fmt == "2021" else template.T2_2019
    if "t2" in regions:
        t2_rows = _read_rows(index, t2_specs, regions["t2"], page_at, out_of_order=True)
        _collect("t2", t2_rows, text, regions["t2"], figures, uncertain)
    if "t3" in regions:
        t3_specs = _t3_specs(index, fmt, regions["t3"])
        rows = _read_rows(index, t3_specs, regions["t3"], page_at)
        if any(not group.readings for group in rows):
            rows = _rows_in_printed_order(text, t3_specs, regions["t3"]) or rows
        _collect("t3", _resolve_t3(rows, t3_specs), text, regions["t3"], figures, uncertain)
    if "t4" in regions:
        _collect("t4", _read_t4(index, regions["t4"], page_at), text, regions["t4"], figures, uncertain)
    return TableResult(figures, uncertain, _statuses(figures, uncertain))


def _statuses(figures: list[Figure], uncertain: list[Uncertain]) -> list[TableStatus]:
    statuses = []
    for table in ("t2", "t3", "t4"):
        cells = [figure for figure in figures if figure.table == table]
        if not cells:
            continue
        doubts = [entry for entry in uncertain if entry.table == table]
        if not doubts:
            statuses.append(TableStatus(table, "read"))
        elif len(doubts) == len(cells):
            reasons = list(dict.fromkeys(entry.why for entry in doubts))
            statuses.append(TableStatus(table, "unread", "；".join(reasons[:3])))
        else:
            statuses.append(TableStatus(table, "partly_read"))
    return statuses


def _t3_specs(index: LabelIndex, fmt: str, region: Region) -> Sequence[RowSpec]:
    """The rows of （六）其他处理 as printed; where labels were lost, as the format prescribes."""
    if index.find(template.T3_OTHER_2021[0].pattern, region.start, region.end):
        return template.T3_2021
    if index.find(template.T3_OTHER_2019[0].pattern, region.start, region.end):
        return template.T3_2019
    return template.T3_2021 if fmt == "2021" else template.T3_2019


# Reading rows -------------------------------------------------------------------------------


def _read_rows(
    index: LabelIndex,
    specs: Sequence[RowSpec],
    region: Region,
    page_at: Callable[[int], int | None],
    out_of_order: bool = False,
) -> list[_Rows]:
    found: list[tuple[int, Match]] = []
    position = region.start
    for number, spec in enumerate(specs):
        match = index.find(spec.pattern, position, region.end)
        if match is not None:
            position = match.end
        elif out_of_order:
            # Converted documents print some rows out of order: take the label wherever it stands.
            match = _free_occurrence(index, spec.pattern, region, [m for _, m in found])
        if match is not None:
            found.append((number, match))
    if not found:
        return []
    by_position = sorted(found, key=lambda item: item[1].start)
    found_numbers = {number for number, _ in found}
    groups: list[_Rows] = []
    for place, (number, match) in enumerate(by_position):
        following = by_position[place + 1] if place + 1 < len(by_position) else None
        end = following[1].start if following else region.end
        group_specs = [specs[number]]
        next_number = number + 1
        while next_number < len(specs) and next_number not in found_numbers:
            if following is not None and following[0] < number:
                break
            group_specs.append(specs[next_number])
            next_number += 1
        readings, why, printed = _readings(index.text[match.end : end], group_specs)
        groups.append(_Rows(group_specs, readings, page_at(match.start), why, printed=printed))
    covered = {spec.key for group in groups for spec in group.specs}
    lost = [spec for spec in specs if spec.key not in covered]
    if lost:
        groups.append(_Rows(lost, [], None, "未找到行标签 / row label not found"))
    return groups


def _rows_in_printed_order(text: str, specs: Sequence[RowSpec], region: Region) -> list[_Rows] | None:
    """Rows of values detached from their labels (PDF-to-Markdown conversions): when the region
    prints exactly as many `|` rows of values as the template has rows, they are the rows in order."""
    width = len(specs[0].cols)
    rows = []
    for line in text[region.start : region.end].split("\n"):
        if "|" not in line:
            continue
        cells = [cell for cell in (cell_from_text(piece) for piece in _pieces(line)) if cell is not None]
        while len(cells) > width and cells[-1].raw == "":
            cells.pop()
        if sum(1 for cell in cells if cell.raw) >= width - 1 and len(cells) == width:
            rows.append(tuple(cells))
    if len(rows) != len(specs):
        return None
    groups = []
    for spec, row in zip(specs, rows, strict=True):
        # A converter that detached values from labels may have moved a value out of a blank cell.
        blanks = frozenset(position for position, cell in enumerate(row) if not cell.raw)
        why = "转换后的表格中该单元格为空，数值可能已错位 / a blank cell in a converted table may have lost its value"
        groups.append(_Rows([spec], [row], None, why if blanks else "", blanks))
    return groups


def _free_occurrence(index: LabelIndex, pattern: str, region: Region, taken: list[Match]) -> Match | None:
    for match in index.find_all(pattern, region.start, region.end):
        if not any(other.start <= match.start < other.end for other in taken):
            return match
    return None


def _readings(segment: str, specs: list[RowSpec]) -> tuple[list[Reading], str, str]:
    """Candidate readings of a row's text, why there is none, and the free-text numbers split."""
    width = sum(len(spec.cols) for spec in specs)
    segment = _ORDINAL_AT_END.sub("", segment)
    own_line = segment.split("\n", 1)[0]
    if "|" in segment and "|" not in own_line and tokens(own_line):
        segment = own_line  # a plain-text row printed above a converter's `|` tables
    if "|" in segment:
        cells = _pipe_cells(segment, specs) or _separated_cells(segment, width)
        if cells is None:
            return [], "表格单元格数量与模板不符 / cell count does not match the template", ""
        return _alternatives(cells), "", ""
    if DOUBTFUL in segment or ALTERNATIVES in segment:
        return [], _DOUBT, ""  # without cell borders a doubtful cell cannot even be placed
    grid = _grid_cells(segment, width)
    if grid is not None:
        return [grid], "", ""
    found = tokens(_ORDINAL.sub(" ", _drop_rotated_labels(segment)))
    digits = sum(len(token) for token in found)
    printed = " ".join(found)
    if not found:
        return [tuple(Cell(None, "") for _ in range(width))], "", ""
    readings = []
    for reading in compositions(found, width):
        readings.append(reading)
        if len(readings) > MAX_CANDIDATES:
            return [], "连写数字的拆分方式过多 / too many ways to split run-together digits", printed
    if not readings:
        if digits < width:
            return [], "空白单元格被删去，无法确定数字所在的列 / blank cells were dropped, columns unknown", printed
        return [], "数字个数与模板不符 / number of values does not match the template", printed
    if 2 <= len(found) < width and all(spec.cols[-1] == "total" for spec in specs):
        # Where the text separates values, a missing one is more likely a dropped blank cell than
        # digits run together: a cut is only believed where the row's own total confirms it
        # ("46 9 2 3 1 4" for seven cells must not become 4 | 6 | 9 …). Fully run-together rows
        # ("20000011") are left to the table's 勾稽 rules, which also accept rows printed wrong.
        readings = [reading for reading in readings if _adds_up(reading, specs)]
        if not readings:
            why = "连写数字的任何拆分都不能使本行合计相符 / no split of run-together digits makes the row add up"
            return [], why, printed
    return readings, "", printed


_ROTATED_CHAR = re.compile(r"^\s*[\u4e00-\u9fff（）()︵︶]\s*$")


def _drop_rotated_labels(segment: str) -> str:
    """A label printed top-to-bottom comes out one character a line ("无\n法\n提\n供"); its
    characters are not cells (无 would read as a blank mark)."""
    lines = segment.split("\n")
    rotated = [bool(_ROTATED_CHAR.match(line)) for line in lines]
    kept = [
        line
        for number, line in enumerate(lines)
        if not (rotated[number] and ((number > 0 and rotated[number - 1]) or
                                     (number + 1 < len(lines) and rotated[number + 1])))
    ]
    return "\n".join(kept)


_DOUBT = "扫描件中该单元格无法确认 / OCR could not read this cell with certainty"


def _cell(text: str) -> Cell | None:
    """A printed cell, keeping a reader's doubt mark and alternatives (resolved by `_alternatives`)."""
    compact = text.strip()
    if compact == DOUBTFUL or ALTERNATIVES in compact:
        return Cell(None, compact)
    return cell_from_text(text)


def _alternatives(reading: Reading) -> list[Reading]:
    """Every reading that a cell's alternatives allow; the 勾稽 rules choose among them later. An
    alternative that is not a value makes the cell doubtful."""
    options = []
    for cell in reading:
        if ALTERNATIVES not in cell.raw:
            options.append([cell])
            continue
        choices = [cell_from_text(text) for text in cell.raw.split(ALTERNATIVES)]
        options.append([Cell(None, DOUBTFUL)] if None in choices else choices)
    return [tuple(choice) for choice in itertools.islice(itertools.product(*options), MAX_CANDIDATES)]


def _pipe_cells(segment: str, specs: list[RowSpec]) -> Reading | None:
    """Cells of `| a | b |` rows: the label's own row, then one row per following spec.

    A row shorter than the template cannot say which cell it lost, so it is not read. In a run of rows whose labels
    were lost (the seed), a row with one number more than the template carries a merged label
    cell's artefact in front; cells holding several numbers are group-label artefacts.
    """
    lines = [line for line in segment.split("\n") if "|" in line]
    rows = [[_cell(piece) for piece in _pieces(line)] for line in lines]
    # The label may be a heading above its own table (Markdown renderings): skip header rows.
    while len(rows) > 1 and not any(cell is not None and cell.raw for cell in rows[0]):
        rows = rows[1:]
    first = rows[0] if rows else []
    own = [cell for cell in first if cell is not None]
    width = len(specs[0].cols)
    while own and len(own) > width and own[-1].raw == "":
        own.pop()
    # An empty label column after the label (a group label's row, （六）其他处理 | | 0 …) is not a value.
    while own and len(own) > width and own[0].raw == "":
        own.pop(0)
    if not any(cell.raw for cell in own) or len(own) != width:
        return None
    reading = list(own)
    if len(specs) == 1:
        return tuple(reading)
    width = len(specs[1].cols)
    for row in rows[1:]:
        numbers = [cell for cell in row if cell is not None and cell.raw != ""]
        if not numbers:
            continue
        if len(numbers) == width + 1:
            numbers = numbers[1:]
        if len(numbers) != width:
            return None
        reading.extend(numbers)
    return tuple(reading) if len(reading) == sum(len(spec.cols) for spec in specs) else None


_SEPARATORS = re.compile(r"[|｜\t\n]|[ \u3000]{2,}")


def _separated_cells(segment: str, width: int) -> Reading | None:
    """Cells written one by one with explicit separators, however they fall on lines: a `|` on its
    own line, at line starts, rows wrapped across lines. Text without digits (a group label, a
    repeated header) is not a cell; anything else must be exactly one value, and the row must have
    exactly as many as the template. Blank cells cannot be told from layout here, so a row with
    fewer values is not read."""
    cells = []
    for piece in _SEPARATORS.split(segment):
        piece = piece.strip()
        if not piece:
            continue
        cell = _cell(piece)
        if cell is None:
            if re.search(r"\d", piece):
                return None
            continue
        cells.append(cell)
    return tuple(cells) if len(cells) == width else None


def _pieces(line: str) -> list[str]:
    """Cell texts after the first pipe; the empty text after a closing pipe is not a cell."""
    pieces = line.split("|")[1:]
    return pieces[:-1] if line.rstrip().endswith("|") else pieces


def _grid_cells(segment: str, width: int) -> Reading | None:
    """One cell per line on a fixed stride of lines, blank cells as empty lines (layout crawls)."""
    lines = segment.split("\n")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() and cell_from_text(line) is None:
            lines = lines[:number]  # a group label ("三、本年度办理结果") ends the row's cells
            break
    filled = [number for number, line in enumerate(lines) if line.strip() and number > 0]
    if len(filled) < 2 or any(len(tokens(lines[number])) != 1 for number in filled):
        return None
    stride = 3
    # Cells start one stride after the label line, or two lines later when a header row ends there.
    for first in (stride, stride + 2):
        if any((number - first) % stride for number in filled):
            continue
        cells = []
        for number in range(first, len(lines), stride):
            cell = cell_from_text(lines[number])
            if cell is None:
                break
            cells.append(cell)
        while len(cells) > width and cells[-1].raw == "":
            cells.pop()
        if len(cells) == width:
            return tuple(cells)
    return None


# Choosing among readings ---------------------------------------------------------------------


def _row_sum_holds(cells: Sequence[Cell]) -> bool | None:
    values = [cell.value for cell in cells]
    if any(value is None for value in values):
        return None
    return sum(values[:-1]) == values[-1]


def _filter_rows(readings: list[Reading], specs: list[RowSpec]) -> list[Reading]:
    """Keep readings whose every row adds up (total = sum of the parts); all if none does."""
    if len(readings) <= 1:
        return readings

    kept = [reading for reading in readings if _adds_up(reading, specs)]
    return kept or readings


def _adds_up(reading: Reading, specs: Sequence[RowSpec]) -> bool:
    """No row of the reading breaks its total (a row with a blank cell cannot break it)."""
    position = 0
    for spec in specs:
        width = len(spec.cols)
        if _row_sum_holds(reading[position : position + width]) is False:
            return False
        position += width
    return True


def _resolve_t3(groups: list[_Rows], specs: Sequence[RowSpec]) -> list[_Rows]:
    for group in groups:
        group.readings = _filter_rows(group.readings, group.specs)
    ambiguous = [group for group in groups if len(group.readings) > 1]
    if not ambiguous:
        return groups
    combinations = 1
    for group in ambiguous:
        combinations *= len(group.readings)
    if combinations > _MAX_COMBINATIONS:
        return groups
    result_rows = template.T3_RESULT_ROWS_2021 if len(specs) == 25 else template.T3_RESULT_ROWS_2019
    best: list[tuple[Reading, ...]] = []
    best_score = None
    for choice in itertools.product(*(group.readings for group in ambiguous)):
        chosen = dict(zip((id(group) for group in ambiguous), choice, strict=True))
        cells = _cells_by_key(groups, chosen)
        score = _t3_score(cells, result_rows)
        if best_score is None or score > best_score:
            best, best_score = [choice], score
        elif score == best_score:
            best.append(choice)
    for position, group in enumerate(ambiguous):
        group.readings = list(dict.fromkeys(choice[position] for choice in best))
    return groups


def _cells_by_key(groups: list[_Rows], chosen: dict[int, Reading]) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    for group in groups:
        reading = chosen.get(id(group)) or (group.readings[0] if len(group.readings) == 1 else None)
        if reading is None:
            continue
        position = 0
        for spec in group.specs:
            for col in spec.cols:
                cells[(spec.key, col)] = reading[position]
                position += 1
    return cells


def _t3_score(cells: dict[tuple[str, str], Cell], result_rows: Sequence[str]) -> tuple[int, int]:
    violated = satisfied = 0
    for col in template.T3_COLS:
        balance = [cells.get((row, col)) for row in _BALANCE_ROWS]
        if all(cell is not None and cell.value is not None for cell in balance):
            a, b, c, d = (cell.value for cell in balance)
            if a + b == c + d:
                satisfied += 1
            else:
                violated += 1
        results = [cells.get((row, col)) for row in result_rows]
        total = cells.get(("total_processed", col))
        if total is not None and total.value is not None and all(
            cell is not None and cell.value is not None for cell in results
        ):
            if sum(cell.value for cell in results) == total.value:
                satisfied += 1
            else:
                violated += 1
    return (-violated, satisfied)


# Table 4 ---------------------------------------------------------------------------------------


def _read_t4(index: LabelIndex, region: Region, page_at: Callable[[int], int | None]) -> list[_Rows]:
    specs = [RowSpec(row, row, "", template.T4_COLS) for row in template.T4_ROWS]
    text = index.text
    headers = index.find_all(r"总计|尚未审结|其他结果|结果纠正|结果维持|复议后起诉|直接起诉", region.start, region.end)
    start = headers[-1].end if headers else region.start
    segment = text[start : region.end]
    printed = ""
    if "|" in text[region.start : region.end]:
        cells = _t4_pipe_cells(text[region.start : region.end]) or _separated_cells(segment, 15)
        readings = _alternatives(cells) if cells is not None else []
        why = "" if readings else "行政复议、行政诉讼表的单元格数量不是15 / table 四 does not have 15 cells"
    else:
        readings, why, printed = _readings(segment, specs)
    if readings:
        readings = _filter_rows(readings, specs)
    # Each figure keeps the page its number is printed on: the values may follow their header on the next page.
    first_value = re.search(r"\d", segment)
    return [_Rows(specs, readings, page_at(start + first_value.start() if first_value else start), why,
                  printed=printed)]


def _t4_pipe_cells(segment: str) -> Reading | None:
    rows = [line for line in segment.split("\n") if "|" in line]
    cells: list[Cell] = []
    for row in rows:
        parsed = [_cell(piece) for piece in _pieces(row)]
        if not any(cell is not None and cell.value is not None for cell in parsed):
            continue
        cells.extend(cell for cell in parsed if cell is not None)
    if len(cells) > 15:
        cells = [cell for cell in cells if cell.raw != ""] if len([c for c in cells if c.raw]) == 15 else cells
    return tuple(cells) if len(cells) == 15 else None


# Output ----------------------------------------------------------------------------------------


def _collect(
    table: str,
    groups: list[_Rows],
    text: str,
    region: Region,
    figures: list[Figure],
    uncertain: list[Uncertain],
) -> None:
    # A table that is shown but could not be read still gives every cell, each null and uncertain
    # with the reason: never silent about a table the document prints.
    unit = _header_unit(text[region.start : region.end])
    for group in groups:
        split = _split_candidates(table, group)
        position = 0
        for spec in group.specs:
            for col in spec.cols:
                values = {reading[position].value for reading in group.readings}
                raws = {reading[position].raw for reading in group.readings}
                cell_unit = _cell_unit(table, spec.key, col, raws, unit)
                doubted = any(reading[position].raw == DOUBTFUL for reading in group.readings)
                if len(values) == 1 and group.readings and position not in group.doubtful and not doubted:
                    figures.append(
                        Figure(table, spec.key, col, values.pop(), _only(raws), group.page, cell_unit)
                    )
                else:
                    why = group.why or (_DOUBT if doubted else _ambiguity(group, position))
                    figures.append(Figure(table, spec.key, col, None, "", group.page, cell_unit))
                    uncertain.append(Uncertain(table, spec.key, col, why, None if doubted else split))
                position += 1


def _split_candidates(table: str, group: _Rows) -> SplitCandidates | None:
    """The readings of digits that ran together, kept for a reader that knows more than this
    report (another year's report of the agency); none where the cells were read another way,
    or where there are too many to keep."""
    if not group.printed or group.why or group.doubtful or len(group.readings) < 2:
        return None
    readings = tuple(dict.fromkeys(tuple(cell.value for cell in reading) for reading in group.readings))
    if len(readings) > MAX_KEPT_READINGS:
        return None
    cells = tuple((spec.key, col) for spec in group.specs for col in spec.cols)
    return SplitCandidates(table, cells, group.printed, readings)


def _only(raws: set[str]) -> str:
    return next(iter(raws)) if len(raws) == 1 else ""


def _ambiguity(group: _Rows, position: int) -> str:
    options = sorted({str(reading[position].value) for reading in group.readings})
    return f"连写数字有多种拆分（{' / '.join(options[:4])}）/ run-together digits split several ways"


def _header_unit(text: str) -> str | None:
    match = _UNIT.search(re.sub(r"\s", "", text))
    return match.group(1) if match else None


def _cell_unit(table: str, row: str, col: str, raws: set[str], header_unit: str | None) -> str | None:
    if (table, row, col) not in template.AMOUNT_CELLS:
        return None
    for raw in raws:
        match = re.search(r"(万元|亿元|千元|元)$", raw)
        if match:
            return match.group(1)
    return header_unit
