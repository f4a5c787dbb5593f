"""A real `nianbao ingest` killed with SIGKILL mid-run leaves stores the next run makes consistent."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.vectorstore.test_indexer import stores_agree

FILES = ["010_pingtan-2019.txt", "011_pingtan-2020.txt", "012_pingtan-2021.txt", "013_pingtan-2022.txt"]


def _ingest_command(data_dir, reports_dir) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "--data-dir", str(data_dir), "ingest",
            *(str(reports_dir / name) for name in FILES)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_during_ingest_then_rerun_gives_every_report_once_in_every_store(tmp_path, reports_dir, seed):
    data_dir = tmp_path / "data"
    process = subprocess.Popen(_ingest_command(data_dir, reports_dir), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    # Start-up takes a few seconds; the kill lands somewhere inside the ingestion of the files.
    time.sleep(random.Random(seed).uniform(3.0, 9.0))
    killed_early = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()

    rerun = subprocess.run(_ingest_command(data_dir, reports_dir), capture_output=True, text=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    container = Container(Settings(data_dir=data_dir))
    assert len(stores_agree(container)) == len(FILES)
    assert {r.year for r in container.figure_store.reports()} == {2019, 2020, 2021, 2022}
    assert killed_early, "the kill must land while ingestion is running"
