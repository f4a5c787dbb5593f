"""Real servers on 127.0.0.1 for the tests: a free port, and a process that is up before use."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(command: list[str], port: int, name: str, timeout: float = 120) -> Iterator[subprocess.Popen]:
    """Start `command`, wait until it listens on `port`, and stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"{name} did not start on 127.0.0.1:{port}")
            time.sleep(0.3)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
