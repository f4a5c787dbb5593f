"""Who the client is, and how often it may ask: a bounded per-client limit and proxy-aware addresses."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    """A per-client sliding-window limit, in process (each server process counts its own clients).

    At most `max_clients` clients are remembered; the one seen least recently is forgotten first, so memory
    and the cost of one request stay bounded however many addresses an attacker rotates through.
    """

    def __init__(self, per_minute: int, window: float = 60.0, max_clients: int = 10_000) -> None:
        self.per_minute = per_minute
        self.window = window
        self.max_clients = max_clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            recent = self._seen.pop(client, None) or deque()
            self._seen[client] = recent
            while recent and now - recent[0] > self.window:
                recent.popleft()
            if len(self._seen) > self.max_clients:
                self._seen.popitem(last=False)
            if len(recent) >= self.per_minute:
                return False
            recent.append(now)
            return True

    def __len__(self) -> int:
        return len(self._seen)


class ClientAddresses:
    """The client's address: the TCP peer, unless that peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right: every hop a trusted proxy added is
    skipped and the first address no trusted proxy vouches for is the client. Nothing a client writes
    into the header itself is believed, and with no trusted proxies the header is ignored entirely.
    """

    def __init__(self, trusted_proxies: list[str]) -> None:
        self._trusted = [ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies]

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        peer = peer or "unknown"
        if not forwarded_for or not self._is_trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if _address(hop) is None:
                return peer  # a malformed hop: do not let it name the client
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else peer

    def _is_trusted(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self._trusted)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
