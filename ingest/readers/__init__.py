"""Format readers: each turns a file's bytes into page texts with tables as `| cell |` rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: page texts and the title the container declares, if any."""

    pages: list[str]
    paginated: bool
    declared_title: str | None = None
    recognised_pages: frozenset[int] = frozenset()
    """Pages (from 1) whose text came from OCR rather than a text layer."""


DOUBTFUL = "？"
"""A cell a reader saw but could not read with certainty (OCR): never a value, always `uncertain`."""
ALTERNATIVES = "¦"
"""Between the readings of a cell a reader cannot choose among (OCR's 一: the digit 1, or the dash of a
blank cell). The table's 勾稽 rules choose, as they do for run-together digits."""
