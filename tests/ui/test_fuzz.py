"""A bounded fuzz of every endpoint of a real `nianbao serve`: the REST API from its own OpenAPI document
(schemathesis), and every function the Gradio pages list in their configs (Hypothesis).

Each request must be answered without a server error and within 2 seconds, and the server may not grow
by more than 200 MB over the whole run.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import corpus_reports
from tests.servers import free_port, running

TOKEN = "fuzz-admin-token"
EXAMPLES_PER_OPERATION = 40
EXAMPLES_PER_GRADIO_FUNCTION = 25
MAX_SECONDS = 2.0
MAX_GROWTH_MB = 200
FUZZ = settings(deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
"""Deterministic (the same requests every run) and writing no example database into the work tree."""

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@dataclass
class Server:
    url: str
    pid: int

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz")
    seed = corpus_reports() / "000_taojiang-czj-2025.txt"
    subprocess.run([sys.executable, "-m", "nianbao.cli", "ingest", str(seed), "--data-dir", str(data)], check=True,
                   capture_output=True)
    port = free_port()
    environment = {"NIANBAO_ADMIN_TOKEN": TOKEN, "NIANBAO_RATE_LIMIT_PER_MINUTE": "0", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "nianbao.cli", "serve", "--port", str(port), "--data-dir", str(data)]
    with running(command, port, "nianbao serve", env=environment) as process:
        url = f"http://127.0.0.1:{port}"
        # Load the models once before timing anything: the first question and the first search load them.
        httpx.post(f"{url}/api/ask", json={"question": "桃江县财政局2025年罚了多少次？"}, timeout=120)
        httpx.get(f"{url}/api/search", params={"q": "行政复议"}, timeout=120)
        yield Server(url, process.pid)


def _fuzz(strategy, examples: int, check) -> None:
    """Run `check` on `examples` values drawn from `strategy`."""

    @settings(FUZZ, max_examples=examples)
    @given(strategy)
    def run(value):
        check(value)

    run()


def _check(response, label: str) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
    elapsed = response.elapsed  # seconds as a float from schemathesis, a timedelta from httpx
    seconds = elapsed if isinstance(elapsed, float) else elapsed.total_seconds()
    assert seconds < MAX_SECONDS, f"{label}: {seconds:.2f} s"


def test_every_rest_operation_answers_generated_requests_without_a_server_error(server):
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    start = server.rss_mb()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
            _fuzz(operation.as_strategy(), EXAMPLES_PER_OPERATION // 2,
                  lambda case, headers=headers, label=operation.label:
                  _check(case.call(base_url=server.url, headers=headers, timeout=10), label))
    assert server.rss_mb() - start < MAX_GROWTH_MB


def test_every_gradio_function_answers_generated_inputs_without_a_server_error(server):
    start = server.rss_mb()
    called = 0
    for mount in ("", "/staff"):
        config = httpx.get(f"{server.url}{mount}/config", timeout=30).json()
        for index, dependency in enumerate(config["dependencies"]):
            if not dependency.get("backend_fn", True):
                continue
            fn_index, arity = dependency.get("id", index), len(dependency.get("inputs", []))
            called += 1

            url = f"{server.url}{mount}/gradio_api/run/predict"
            _fuzz(st.lists(JSON, min_size=arity, max_size=arity), EXAMPLES_PER_GRADIO_FUNCTION,
                  lambda data, url=url, fn_index=fn_index: _check(
                      httpx.post(url, timeout=10, json={"fn_index": fn_index, "data": data, "session_hash": "fuzz"}),
                      f"{url} fn {fn_index}"))
    assert called >= 5
    assert server.rss_mb() - start < MAX_GROWTH_MB
