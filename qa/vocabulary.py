"""The vocabulary (qa/data/vocabulary.json): how people name figures, columns and intents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.json"

_ASKS_DURATION = re.compile(r"(?:几|多少)(?:个)?(?:天|工作日|小时|分钟|个?月|周)|多久|多长时间")


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
    """Words that must all occur; "上年|去年" means either of them."""
    cells: tuple[FigureCell, ...]
    excludes: tuple[str, ...] = ()
    generic: bool = False
    """The phrases name only what is counted ("申请数量"), not what happened to it: any other term
    the question names ("部分公开的申请数量", "办完了多少件申请") is the more specific one."""

    def matched(self, text: str) -> int:
        """Characters of the question this term accounts for (0: no match)."""
        spans = self.spans(text)
        return _score(self, spans, text) if spans else 0

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of every occurrence of the term's phrases; [] when it does not match."""
        if not all(_present(word, text) for word in self.requires) or any(word in text for word in self.excludes):
            return []
        return [(m.start(), m.start() + len(phrase), phrase) for phrase in self.phrases
                for m in re.finditer(re.escape(phrase), text)]


def _present(word: str, text: str) -> str:
    """The alternative of `word` ("上年|去年") that occurs in the text, or ""."""
    return next((alternative for alternative in word.split("|") if alternative in text), "")


def _score(term: FigureTerm, spans: list[tuple[int, int, str]], text: str) -> int:
    return sum(len(phrase) for phrase in {phrase for _, _, phrase in spans}) + sum(
        len(_present(word, text)) for word in term.requires)


def _shadowed(span: tuple[int, int, str], other: tuple[int, int, str]) -> bool:
    """Two overlapping mentions share words; the one whose own words (outside the shared ones, question
    words aside) say more is the more specific: "部分|公开" over "公开|了多少", "集中采购|总金额" over
    "集中|采购", "还没|办完" over "办完". Saying as much, the earlier one carries the qualifier
    (Chinese puts qualifiers first); starting together, the longer."""
    if not (other[0] < span[1] and span[0] < other[1]):
        return False
    own, theirs = _own_words(span, other), _own_words(other, span)
    if own != theirs:
        return theirs > own
    return other[0] < span[0] or (other[0] == span[0] and other[1] > span[1])


_QUESTION_WORDS = re.compile(r"多少|几|了|的|吗|呢")


def _own_words(span: tuple[int, int, str], other: tuple[int, int, str]) -> int:
    start, _, phrase = span
    outside = phrase[: max(0, other[0] - start)] + phrase[max(0, other[1] - start):]
    return len(_QUESTION_WORDS.sub("", outside))


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
    variants: tuple[FigureTerm, ...] = ()
    """Further ways of saying a figure of `figures` (its own phrases, requires, excludes): matched
    like the figures, never listed as figures of their own."""

    def section_hint(self, text: str) -> int | None:
        """The canonical section a narrative question is most likely answered in."""
        scored = [(max((len(w) for w in words if w in text), default=0), n) for n, words in self.section_hints.items()]
        best = max(scored, default=(0, None))
        return best[1] if best[0] else None

    def figure(self, text: str) -> FigureTerm | None:
        """The term the text names. Where mentions of two terms overlap, the one carrying the qualifier
        wins (see _shadowed); a generic term gives way to any specific one; a sub-row named inside its
        group's wording ("因为不掌握而无法提供的") is the sub-row: a matched term that merely contains
        another matched term's cells gives way. Then the term accounting for most characters wins."""
        if self.asks_duration(text):
            return None
        found = [(term, position, term.spans(text)) for position, term in enumerate(self.figures + self.variants)]
        found = [item for item in found if item[2]]
        if any(not term.generic for term, _, _ in found):
            found = [item for item in found if not item[0].generic]
        kept = []
        for term, position, spans in found:
            others = [span for other, _, own in found if other.name != term.name for span in own]
            alive = [span for span in spans if not any(_shadowed(span, other) for other in others)]
            if alive:
                kept.append((term, position, alive))
        if not kept:
            return None
        cells = {id(term): {(c.table, c.row) for c in term.cells} for term, _, _ in kept}
        specific = [item for item in kept if not any(cells[id(other)] < cells[id(item[0])] for other, _, _ in kept)]
        return max(specific, key=lambda item: (_score(item[0], item[2], text), -item[1]))[0]

    @staticmethod
    def asks_duration(text: str) -> bool:
        """Every figure counts items or money; how long something took is in the prose."""
        return bool(_ASKS_DURATION.search(text))

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
    figures = tuple(_term(entry, entry) for entry in data["figures"])
    variants = tuple(_term(entry, variant) for entry in data["figures"] for variant in entry.get("variants", ()))
    columns = tuple(
        ColumnTerm(tuple(entry["cols"]), entry["label"], tuple(entry["tables"]), tuple(entry["phrases"]))
        for entry in data["columns"]
    )
    cues = {name: tuple(words) for name, words in data["cues"].items()}
    hints = {int(n): tuple(words) for n, words in data.get("section_hints", {}).items()}
    return Vocabulary(figures, columns, cues, tuple(data["scope_terms"]), hints, tuple(data.get("personal", ())),
                      frozenset(data.get("generic_words", ())), variants)


def _term(entry: dict, wording: dict) -> FigureTerm:
    """The figure of `entry` as `wording` (the entry itself or one of its variants) says it."""
    return FigureTerm(
        name=entry["name"],
        label=entry["label"],
        unit=entry.get("unit", ""),
        phrases=tuple(wording["phrases"]),
        requires=tuple(wording.get("requires", ())),
        excludes=tuple(wording.get("excludes", ())),
        generic=wording.get("generic", False),
        cells=tuple(FigureCell(cell[0], cell[1], tuple(cell[2]) if len(cell) > 2 else ()) for cell in entry["cells"]),
    )
