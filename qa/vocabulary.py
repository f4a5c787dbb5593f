"""The vocabulary (qa/data/vocabulary.json): how people name figures, columns and intents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.json"


@dataclass(frozen=True)
class FigureCell:
    table: str
    row: str
    cols: tuple[str, ...] = ()
    """Alternative columns (2021 name first, then 2019); empty for t3/t4, whose column comes from
    the question ("企业") or is `total`."""


@dataclass(frozen=True)
class FigureTerm:
    name: str
    label: str
    unit: str
    phrases: tuple[str, ...]
    requires: tuple[str, ...]
    cells: tuple[FigureCell, ...]
    excludes: tuple[str, ...] = ()

    def matched(self, text: str) -> int:
        """Characters of the question this term accounts for (0: no match)."""
        if not all(word in text for word in self.requires) or any(word in text for word in self.excludes):
            return 0
        found = [phrase for phrase in self.phrases if phrase in text]
        return sum(map(len, found)) + sum(map(len, self.requires)) if found else 0


@dataclass(frozen=True)
class ColumnTerm:
    cols: tuple[str, ...]
    label: str
    tables: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    figures: tuple[FigureTerm, ...]
    columns: tuple[ColumnTerm, ...]
    cues: dict[str, tuple[str, ...]]
    scope_terms: tuple[str, ...]
    section_hints: dict[int, tuple[str, ...]]
    personal: tuple[str, ...] = ()
    generic_words: frozenset[str] = frozenset()

    def section_hint(self, text: str) -> int | None:
        """The canonical section a narrative question is most likely answered in."""
        scored = [(max((len(w) for w in words if w in text), default=0), n) for n, words in self.section_hints.items()]
        best = max(scored, default=(0, None))
        return best[1] if best[0] else None

    def figure(self, text: str) -> FigureTerm | None:
        """The term the text names. A sub-row named inside its group's wording ("因为不掌握而无法提供的")
        is the sub-row: a matched term that merely contains another matched term's cells gives way."""
        scored = [(term.matched(text), -position, term) for position, term in enumerate(self.figures)]
        matched = [item for item in scored if item[0]]
        if not matched:
            return None
        cells = {id(term): {(c.table, c.row) for c in term.cells} for _, _, term in matched}
        specific = [item for item in matched
                    if not any(cells[id(other)] < cells[id(item[2])] for _, _, other in matched)]
        return max(specific, key=lambda item: item[:2])[2]

    def column(self, text: str, table: str) -> ColumnTerm | None:
        for term in self.columns:
            if table in term.tables and any(phrase in text for phrase in term.phrases):
                return term
        return None

    def cue(self, name: str, text: str) -> bool:
        return any(word in text for word in self.cues.get(name, ()))

    def in_scope(self, text: str) -> bool:
        return any(term in text for term in self.scope_terms)


@cache
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    data = json.loads(path.read_text(encoding="utf-8"))
    figures = tuple(
        FigureTerm(
            name=entry["name"],
            label=entry["label"],
            unit=entry.get("unit", ""),
            phrases=tuple(entry["phrases"]),
            requires=tuple(entry.get("requires", ())),
            excludes=tuple(entry.get("excludes", ())),
            cells=tuple(
                FigureCell(cell[0], cell[1], tuple(cell[2]) if len(cell) > 2 else ()) for cell in entry["cells"]
            ),
        )
        for entry in data["figures"]
    )
    columns = tuple(
        ColumnTerm(tuple(entry["cols"]), entry["label"], tuple(entry["tables"]), tuple(entry["phrases"]))
        for entry in data["columns"]
    )
    cues = {name: tuple(words) for name, words in data["cues"].items()}
    hints = {int(n): tuple(words) for n, words in data.get("section_hints", {}).items()}
    return Vocabulary(figures, columns, cues, tuple(data["scope_terms"]), hints, tuple(data.get("personal", ())),
                      frozenset(data.get("generic_words", ())))
