"""Candidate readings of a row's printed cells, including digits that ran together.

A source that lost the separators between cells prints ``110000011`` for seven cells. Every
way of cutting the digits into the right number of cells is a candidate; numbers never start
with 0 (except 0 itself), and the caller filters candidates with the table's sum rules. The
caller, not this module, decides whether exactly one candidate survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ingest.model import Number

MARKS = {"/", "-", "—", "–", "无", "－", "／", "——", "\\"}
_TOKEN = re.compile(
    r"(?:(?<=\d)[+\-＋－]|(?<![\d.])[+\-＋－]?)\d+(?:\.\d+)?"  # a number, signed where a sign is printed
    r"|(?<=\s)[/\-—–－／\\无](?=\s|$)|^[/\-—–－／\\无](?=\s|$)"  # a mark standing for a blank cell
)
MAX_CANDIDATES = 20000


@dataclass(frozen=True)
class Cell:
    """One cell as read: its value (None when blank or a mark) and its printed text."""

    value: Number | None
    raw: str


BLANK = Cell(None, "")


def parse_number(text: str) -> Number | None:
    cleaned = text.replace("＋", "+").replace("－", "-").replace(",", "").replace("，", "")
    try:
        if "." in cleaned:
            return Decimal(cleaned)
        return int(cleaned)
    except (ValueError, InvalidOperation):
        return None


def cell_from_text(text: str) -> Cell | None:
    """A pipe-delimited cell: blank, a mark, or one number (with an optional unit); None if not a value."""
    compact = text.strip()
    if compact == "":
        return BLANK
    if compact in MARKS:
        return Cell(None, compact)
    match = re.fullmatch(r"([+\-＋－]?\d+(?:\.\d+)?)\s*(万元|元|亿元|千元)?", compact.replace(",", ""))
    if match:
        return Cell(parse_number(match.group(1)), compact)
    return None


def tokens(text: str) -> list[str]:
    """Number-like tokens and blank marks of free text, in order."""
    return [match.group(0) for match in _TOKEN.finditer(text)]


def compositions(token_list: list[str], cells: int) -> Iterator[tuple[Cell, ...]]:
    """Every way to cut the tokens into exactly `cells` cells, each token giving one or more cells."""
    if not token_list:
        if cells == 0:
            yield ()
        return
    head, rest = token_list[0], token_list[1:]
    remaining_min = len(rest)
    for parts in _cuts(head, cells - remaining_min):
        for tail in compositions(rest, cells - len(parts)):
            yield parts + tail


def _cuts(token: str, max_parts: int) -> Iterator[tuple[Cell, ...]]:
    if max_parts < 1:
        return
    if token in MARKS:
        yield (Cell(None, token),)
        return
    sign = ""
    if token[0] in "+-＋－":
        sign, token = token[0], token[1:]
    if "." in token:
        # Only the last cell of a run can carry the decimals: "13575394432.52" = 135 | 75394432.52 ...
        whole, fraction = token.split(".", 1)
        for parts in _digit_cuts(whole, max_parts, sign):
            last = parts[-1]
            decimal = f"{last.raw}.{fraction}"
            yield (*parts[:-1], Cell(parse_number(decimal), decimal))
        return
    yield from _digit_cuts(token, max_parts, sign)


def _digit_cuts(digits: str, max_parts: int, sign: str = "") -> Iterator[tuple[Cell, ...]]:
    if _valid(digits):
        yield (Cell(int(sign + digits), sign + digits),)
    if max_parts < 2:
        return
    for split in range(1, len(digits)):
        first = digits[:split]
        if not _valid(first):
            continue
        for rest in _digit_cuts(digits[split:], max_parts - 1):
            yield (Cell(int(sign + first), sign + first), *rest)


def _valid(digits: str) -> bool:
    return digits == "0" or not digits.startswith("0")
