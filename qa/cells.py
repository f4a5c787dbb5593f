"""The catalogue of canonical cells (both templates and the mixed variant), resolved by meaning.

Each entry is a figure the tools can execute (a vocabulary term): its official row label from
ingest/template.py, its group label, and the synonyms in qa/data/cells.json. A mention is
scored against an entry by lexical similarity (the share of the entry text's character bigrams
found in the mention) plus, when an embedding model is given, the cosine similarity of their
embeddings. The catalogue refines a group mention that carries a reason ("需要另外制作信息所以
没法提供的") to the sub-row that reason describes."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ingest.checks import T4_LABELS
from ingest.template import T2_2019, T2_2021, T3_2021, T3_OTHER_2019
from qa.vocabulary import FigureTerm, Vocabulary

CELLS_FILE = Path(__file__).resolve().parent / "data" / "cells.json"
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．]")
_MIN_LEXICAL = 0.5
_MARGIN = 0.05
_CLEAR = 0.2
_RESOLVED = 0.7
"""A mention naming no vocabulary phrase resolves to an entry only when it contains most of its text."""


@dataclass(frozen=True)
class CatalogueEntry:
    figure: str
    table: str
    row_label: str
    group_label: str
    synonyms: tuple[str, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.row_label, *self.synonyms)


class FigureCatalogue:
    def __init__(self, vocabulary: Vocabulary, synonyms: dict[str, list[str]], embedder=None) -> None:
        self.vocabulary = vocabulary
        self.embedder = embedder
        self.entries = _entries(vocabulary, synonyms)
        self._by_figure = {entry.figure: entry for entry in self.entries}
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def members(self, group: FigureTerm) -> list[CatalogueEntry]:
        """The entries whose cells are strictly inside the group's (its sub-rows)."""
        cells = {(c.table, c.row) for c in group.cells}
        found = []
        for term in self.vocabulary.figures:
            own = {(c.table, c.row) for c in term.cells}
            if own < cells and len(own) == 1 and term.name in self._by_figure:
                found.append(self._by_figure[term.name])
        return list({entry.figure: entry for entry in found}.values())

    def refine(self, mention: str, group: FigureTerm) -> str | None:
        """The sub-row of `group` that the mention's qualifier describes, when one clearly does: its
        words (the mention without the group's own words) must contain most of a sub-row's label
        or synonym, and score clearly above the other sub-rows."""
        candidates = self.members(group)
        if len(candidates) < 2:
            return None
        qualifier = mention
        for phrase in sorted(group.phrases, key=len, reverse=True):
            qualifier = qualifier.replace(phrase, " ")
        lexical = sorted(((self.lexical(qualifier, entry), entry.figure) for entry in candidates), reverse=True)
        if lexical[0][0] < _MIN_LEXICAL:
            return None
        if lexical[0][0] - lexical[1][0] >= _CLEAR or self.embedder is None:
            return lexical[0][1] if lexical[0][0] - lexical[1][0] >= _MARGIN else None
        # Close on words: the embedding model decides between the sub-rows the words allow.
        scored = sorted(((self.score(qualifier, entry), entry.figure) for entry in candidates
                         if self.lexical(qualifier, entry) >= _MIN_LEXICAL), reverse=True)
        if len(scored) == 1 or scored[0][0] - scored[1][0] >= _MARGIN:
            return scored[0][1]
        return None

    def resolve(self, mention: str) -> str | None:
        """The figure a mention names in words no vocabulary phrase has ("结转到下年度继续办" for
        结转下年度继续办理): the entry whose label or synonym the mention contains nearly whole, clearly
        ahead of every other entry (so 规章, a label several figures share, resolves to none)."""
        if self.vocabulary.asks_duration(mention):
            return None
        scored = sorted(((self.lexical(mention, entry), entry.figure) for entry in self.entries), reverse=True)
        if not scored or scored[0][0] < _RESOLVED:
            return None
        return scored[0][1] if len(scored) == 1 or scored[0][0] - scored[1][0] >= _CLEAR else None

    def lexical(self, mention: str, entry: CatalogueEntry) -> float:
        return max(_containment(mention, text) for text in entry.texts)

    def score(self, mention: str, entry: CatalogueEntry) -> float:
        """Lexical similarity plus, with an embedding model, half the cosine similarity."""
        lexical = self.lexical(mention, entry)
        return lexical if self.embedder is None else lexical + 0.5 * self._cosine(mention, entry)

    def _cosine(self, mention: str, entry: CatalogueEntry) -> float:
        with self._lock:  # every entry's vectors are computed once, in one batch, on first use
            if not self._vectors:
                texts = [text for e in self.entries for text in e.texts]
                matrix = np.asarray(self.embedder.embed_passages(texts))
                start = 0
                for e in self.entries:
                    self._vectors[e.figure] = matrix[start: start + len(e.texts)]
                    start += len(e.texts)
            vectors = self._vectors[entry.figure]
        query = np.asarray(self.embedder.embed_query(mention))
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(query) or 1.0)
        return float(np.max(vectors @ query / np.where(norms == 0, 1.0, norms)))


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {text[i: i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def _containment(mention: str, text: str) -> float:
    """The share of the text's bigrams that the mention contains (1.0: the text is in the mention)."""
    own = _bigrams(text)
    return len(own & _bigrams(mention)) / len(own) if own else 0.0


def _entries(vocabulary: Vocabulary, synonyms: dict[str, list[str]]) -> list[CatalogueEntry]:
    names = {term.name for term in vocabulary.figures}
    entries: list[CatalogueEntry] = []
    group = ""
    for spec in T3_2021 + T3_OTHER_2019:
        parts = spec.label.split(" ")
        if len(parts) > 1:
            group = _ORDINAL.sub("", parts[0])
        elif not spec.label[:1].isdigit():
            group = ""
        label = _ORDINAL.sub("", parts[-1])
        if spec.key in names:
            entries.append(CatalogueEntry(spec.key, "t3", label, group or _prefix(vocabulary, spec.key, label),
                                          tuple(synonyms.get(spec.key, ()))))
    for row, label in T4_LABELS.items():
        if row in names:
            entries.append(CatalogueEntry(row, "t4", label, "行政诉讼" if row.startswith("suit") else "",
                                          tuple(synonyms.get(row, ()))))
    for spec in T2_2021 + T2_2019:
        for term in vocabulary.figures:
            if any((c.table, c.row) == ("t2", spec.key) for c in term.cells) and term.name not in \
                    {e.figure for e in entries}:
                entries.append(CatalogueEntry(term.name, "t2", spec.label, "", tuple(synonyms.get(term.name, ()))))
    return entries


def _prefix(vocabulary: Vocabulary, figure: str, label: str) -> str:
    """What the plain words of a row label stand under ("总计" of "办理结果总计")."""
    full = next((term.label for term in vocabulary.figures if term.name == figure), label)
    return full[: -len(label)] if full.endswith(label) and full != label else ""


@cache
def load_synonyms(path: Path = CELLS_FILE) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}
