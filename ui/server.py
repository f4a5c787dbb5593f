"""The HTTP server (uvicorn, the only module importing it): no trust in forwarded headers, slow clients cut off."""

from __future__ import annotations

import asyncio

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors import Multiprocess

MAX_HEADER_BYTES = 32 * 1024
DEFAULT_HEADER_TIMEOUT = 10.0


def server_config(app, host: str, port: int, header_timeout: float, workers: int = 1,
                  log_level: str = "warning") -> uvicorn.Config:
    """uvicorn settings for nianbao. `app` is the ASGI app, or with several workers the import string of a
    factory (each worker process builds its own app).

    `proxy_headers=False`: uvicorn would otherwise believe X-Forwarded-For from any local peer and let a client
    choose its own address; the app resolves the client itself (`NIANBAO_TRUSTED_PROXIES`).
    """
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, proxy_headers=False, server_header=False,
        http=HeaderTimeoutProtocol, h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_keep_alive=5,
        workers=workers, factory=isinstance(app, str),
    )
    config.header_timeout = header_timeout  # travels with the config into worker processes
    return config


def serve(config: uvicorn.Config) -> None:
    if config.workers > 1:
        # Each worker process builds the app from the factory and runs its own server on the shared socket.
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers take longer than the header timeout.

    uvicorn has no such limit of its own, so one client trickling header bytes (slowloris) could hold
    connections open for ever. The timer runs from the first byte of each request to the end of its headers.
    """

    def __init__(self, config: uvicorn.Config, *args, **kwargs) -> None:
        super().__init__(config, *args, **kwargs)
        self._header_timeout: float = getattr(config, "header_timeout", DEFAULT_HEADER_TIMEOUT)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._start_header_timer()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
