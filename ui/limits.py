"""A per-client sliding-window rate limit for the public endpoints (in process, per server)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            recent = self._seen.setdefault(client, deque())
            while recent and now - recent[0] > self.window:
                recent.popleft()
            if len(recent) >= self.per_minute:
                return False
            recent.append(now)
            if len(self._seen) > 10_000:  # forget idle clients so memory stays bounded
                self._seen = {key: value for key, value in self._seen.items() if value}
            return True
